"""relu with np.max(0, x) for np.maximum(0, x): np.max reads x as the axis."""

import numpy as np

UNIT = "relu"
HINT = "relu_np_max"
REPLACES = "relu"
FAILS = ("relu_matches_reference", "relu_leaves_its_input_alone")


def relu(x):
    return np.max(0, x)
