"""The book's 1-D softmax used on a batch: max and sum over the whole array."""

import numpy as np

UNIT = "softmax"
HINT = "softmax_global"
REPLACES = "softmax"
FAILS = ("softmax_rows_of_a_batch", "softmax_large_inputs", "softmax_leaves_its_input_alone")


def softmax(a):
    c = np.max(a)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a)
