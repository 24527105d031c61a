"""softmax written for batches only: axis=1 does not exist for one sample (1-D x)."""

import numpy as np

UNIT = "softmax"
HINT = "softmax_one_sample"
REPLACES = "softmax"
FAILS = ("softmax_one_sample",)


def softmax(x):
    x = x - np.max(x, axis=1, keepdims=True)
    exp_x = np.exp(x)
    return exp_x / np.sum(exp_x, axis=1, keepdims=True)
