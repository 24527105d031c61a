"""The book's 1-D softmax used on a batch: max and sum over the whole array."""

import numpy as np

UNIT = "softmax"
HINT = "softmax_global"
REPLACES = "softmax"


def softmax(a):
    c = np.max(a)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a)
