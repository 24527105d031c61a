"""d_sigmoid that treats its argument as sigmoid's output: x * (1 - x)."""

UNIT = "d_sigmoid"
HINT = "d_sigmoid_output"
REPLACES = "d_sigmoid"
FAILS = ("d_sigmoid_matches_reference",)


def d_sigmoid(x):
    return x * (1.0 - x)
