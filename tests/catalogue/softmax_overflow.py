"""softmax without subtracting the maximum: nan for inputs around 1000."""

import numpy as np

UNIT = "softmax"
HINT = "softmax_overflow"
REPLACES = "softmax"
FAILS = ("softmax_large_inputs",)


def softmax(x):
    exp_x = np.exp(x)
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)
