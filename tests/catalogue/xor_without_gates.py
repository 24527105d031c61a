"""XOR by comparison, not built from the other gates: right answers, wrong idea."""

UNIT = "XOR"
HINT = "xor_composition"
REPLACES = "XOR"
FAILS = ("XOR_is_built_from_the_other_gates",)


def XOR(x1, x2):
    return int(x1 != x2)
