"""cross_entropy_error with batch_size assigned only in the branch for one sample."""

import numpy as np

UNIT = "cross_entropy_error"
HINT = "cee_batch_size_branch"
REPLACES = "cross_entropy_error"
FAILS = ("cross_entropy_error_one_hot_batch", "cross_entropy_error_labels",
         "cross_entropy_error_exact_zeros")


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
        batch_size = 1
    if t.size == y.size:
        t = t.argmax(axis=1)
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
