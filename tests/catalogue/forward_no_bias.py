"""forward without the biases."""

import numpy as np

UNIT = "forward"
HINT = "forward_bias"
REPLACES = "forward"
FAILS = ("forward_book_example", "forward_matches_reference")


def forward(network, x):
    z1 = sigmoid(np.dot(x, network["W1"]))  # noqa: F821 - defined in the notebook
    z2 = sigmoid(np.dot(z1, network["W2"]))  # noqa: F821
    return identity_function(np.dot(z2, network["W3"]))  # noqa: F821
