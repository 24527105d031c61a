"""relu that zeroes the caller's array."""

UNIT = "relu"
HINT = "relu_in_place"
REPLACES = "relu"
FAILS = ("relu_leaves_its_input_alone",)


def relu(x):
    x[x < 0] = 0
    return x
