"""XOR written as OR: (1, 1) gives 1."""

UNIT = "XOR"
HINT = "xor_composition"
REPLACES = "XOR"
FAILS = ("XOR_truth_table", "XOR_is_built_from_the_other_gates")


def XOR(x1, x2):
    return OR(x1, x2)  # noqa: F821 - defined in the notebook
