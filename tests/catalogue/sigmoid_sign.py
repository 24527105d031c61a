"""sigmoid as 1 / (1 + exp(x)): the sign inside exp dropped, a mirror image."""

import numpy as np

UNIT = "sigmoid"
HINT = "sigmoid_formula"
REPLACES = "sigmoid"
FAILS = ("sigmoid_matches_reference", "sigmoid_extreme_inputs")


def sigmoid(x):
    return 1 / (1 + np.exp(x))
