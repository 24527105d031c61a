"""sigmoid rounded for a tidy printout: np.round(..., decimals=1) inside the unit."""

import numpy as np

UNIT = "sigmoid"
HINT = "rounded_output"
REPLACES = "sigmoid"
FAILS = ("sigmoid_matches_reference",)


def sigmoid(x):
    return np.round(1 / (1 + np.exp(-x)), decimals=1)
