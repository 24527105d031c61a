"""softmax that subtracts the maximum from the caller's array."""

import numpy as np

UNIT = "softmax"
HINT = "softmax_in_place"
REPLACES = "softmax"
FAILS = ("softmax_leaves_its_input_alone",)


def softmax(x):
    x -= np.max(x, axis=-1, keepdims=True)
    exp_x = np.exp(x)
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)
