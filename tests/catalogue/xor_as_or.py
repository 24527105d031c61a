"""XOR written as OR: (1, 1) gives 1."""

UNIT = "XOR"
HINT = "xor_composition"
REPLACES = "XOR"


def XOR(x1, x2):
    return OR(x1, x2)  # noqa: F821 - defined in the notebook
