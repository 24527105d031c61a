"""The book's batch cross-entropy without its reshape of a single (1-D) sample."""

import numpy as np

UNIT = "cross_entropy_error"
HINT = "cee_one_d"
REPLACES = "cross_entropy_error"
FAILS = ("cross_entropy_error_one_sample",)


def cross_entropy_error(y, t):
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
