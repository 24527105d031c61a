"""forward_regression without the hidden layer's activation."""

import numpy as np

UNIT = "forward_regression"
HINT = "regression_forward_relu"
REPLACES = "forward_regression"
FAILS = ("forward_regression_matches_reference",)


def forward_regression(network, x):
    z1 = np.dot(x, network["W1"]) + network["b1"]
    y = np.dot(z1, network["W2"]) + network["b2"]
    return z1, y
