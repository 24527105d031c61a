"""backward_regression computing W2's gradient from the pre-activation instead of z1."""

import numpy as np

UNIT = "backward_regression"
HINT = None
REPLACES = "backward_regression"
FAILS = ("backward_regression_gradient_check",)


def backward_regression(network, x, d, z1, y):
    delta2 = d_mean_squared_error(y, d)  # noqa: F821 - in the notebook
    u1 = np.dot(x, network["W1"]) + network["b1"]
    delta1 = delta2 * network["W2"] * d_relu(u1)  # noqa: F821 - in the notebook
    return {"W1": np.outer(x, delta1), "b1": delta1, "W2": u1 * delta2, "b2": delta2}
