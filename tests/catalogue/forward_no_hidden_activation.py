"""forward without any activation on the hidden layers: three Affine products in a row."""

import numpy as np

UNIT = "forward"
HINT = "forward_hidden_missing"
REPLACES = "forward"
FAILS = ("forward_book_example", "forward_matches_reference")


def forward(network, x):
    a1 = np.dot(x, network["W1"]) + network["b1"]
    a2 = np.dot(a1, network["W2"]) + network["b2"]
    a3 = np.dot(a2, network["W3"]) + network["b3"]
    return a3
