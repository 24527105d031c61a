"""d_relu returning relu(x) instead of its derivative."""

import numpy as np

UNIT = "d_relu"
HINT = "d_relu_values"
REPLACES = "d_relu"
FAILS = ("d_relu_values",)


def d_relu(x):
    return np.maximum(0, x)
