"""mean squared error without the 1/2."""

import numpy as np

UNIT = "mean_squared_error"
HINT = "mse_half"
REPLACES = "mean_squared_error"


def mean_squared_error(y, t):
    return np.sum((y - t) ** 2)
