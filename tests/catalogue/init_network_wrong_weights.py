"""init_network with W1 read row by row from the figure: [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]."""

import numpy as np

UNIT = "init_network"
HINT = "init_network_values"
REPLACES = "init_network"
FAILS = ("init_network_book_values",)


def init_network():
    return {
        "W1": np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }
