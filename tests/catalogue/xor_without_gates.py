"""XOR by comparison, not built from the other gates: right answers, wrong idea."""

UNIT = "XOR"
HINT = "xor_composition"
REPLACES = "XOR"


def XOR(x1, x2):
    return int(x1 != x2)
