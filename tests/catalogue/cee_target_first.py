"""cross_entropy_error(d, y) in the order of the Japanese study course: the target first."""

import numpy as np

UNIT = "cross_entropy_error"
HINT = "cee_target_first"
REPLACES = "cross_entropy_error"
FAILS = ("cross_entropy_error_one_hot_batch", "cross_entropy_error_labels",
         "cross_entropy_error_one_sample", "cross_entropy_error_exact_zeros")


def cross_entropy_error(d, y):
    if y.ndim == 1:
        d = d.reshape(1, d.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(d * np.log(y + 1e-7)) / batch_size
