"""init_regression_network with W2 a (10, 1) column and b2 an array, as in a batch network."""

import numpy as np

UNIT = "init_regression_network"
HINT = "regression_init_shapes"
REPLACES = "init_regression_network"
FAILS = ("init_regression_network_shapes",)


def init_regression_network(seed=None):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((2, 10)), "b1": rng.standard_normal(10),
            "W2": rng.standard_normal((10, 1)), "b2": rng.standard_normal(1)}
