"""cross-entropy as -sum(t * log(y)): 0 * log(0) = nan where y is exactly 0."""

import numpy as np

UNIT = "cross_entropy_error"
HINT = "cee_log_zero"
REPLACES = "cross_entropy_error"
FAILS = ("cross_entropy_error_exact_zeros",)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size != y.size:
        t = np.eye(y.shape[1])[t]
    return -np.sum(t * np.log(y)) / y.shape[0]
