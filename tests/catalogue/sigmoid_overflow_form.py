"""sigmoid as exp(x) / (1 + exp(x)): inf / inf = nan for large x."""

import numpy as np

UNIT = "sigmoid"
HINT = "sigmoid_overflow"
REPLACES = "sigmoid"
FAILS = ("sigmoid_extreme_inputs",)


def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))
