"""relu that zeroes the caller's array."""

UNIT = "relu"
HINT = "relu_in_place"
REPLACES = "relu"


def relu(x):
    x[x < 0] = 0
    return x
