"""cross-entropy that only works for one-hot t."""

import numpy as np

UNIT = "cross_entropy_error"
HINT = "cee_one_hot_only"
REPLACES = "cross_entropy_error"
FAILS = ("cross_entropy_error_labels",)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]
