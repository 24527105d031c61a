"""forward applying sigmoid to the output layer as well."""

import numpy as np

UNIT = "forward"
HINT = "forward_output_activation"
REPLACES = "forward"
FAILS = ("forward_book_example", "forward_matches_reference")


def forward(network, x):
    a1 = np.dot(x, network["W1"]) + network["b1"]
    z1 = sigmoid(a1)  # noqa: F821 - defined in the notebook
    a2 = np.dot(z1, network["W2"]) + network["b2"]
    z2 = sigmoid(a2)  # noqa: F821
    a3 = np.dot(z2, network["W3"]) + network["b3"]
    return sigmoid(a3)  # noqa: F821
