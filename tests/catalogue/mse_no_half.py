"""mean squared error without the 1/2."""

import numpy as np

UNIT = "mean_squared_error"
HINT = "mse_half"
REPLACES = "mean_squared_error"
FAILS = ("mean_squared_error_matches_reference",)


def mean_squared_error(y, t):
    return np.sum((y - t) ** 2)
