"""mean_squared_error as the mean of the squared differences (its name taken literally)."""

import numpy as np

UNIT = "mean_squared_error"
HINT = "mse_mean"
REPLACES = "mean_squared_error"
FAILS = ("mean_squared_error_matches_reference",)


def mean_squared_error(y, t):
    return np.mean((y - t) ** 2)
