"""forward with ReLU on the hidden layers (the habit of modern networks), not sigmoid."""

import numpy as np

UNIT = "forward"
HINT = "forward_hidden_relu"
REPLACES = "forward"
FAILS = ("forward_book_example", "forward_matches_reference")


def forward(network, x):
    z1 = np.maximum(0, np.dot(x, network["W1"]) + network["b1"])
    z2 = np.maximum(0, np.dot(z1, network["W2"]) + network["b2"])
    return np.dot(z2, network["W3"]) + network["b3"]
