"""train_regression that trains a copy of the network and leaves the one passed in alone."""

import numpy as np

UNIT = "train_regression"
HINT = "regression_update_copy"
REPLACES = "train_regression"
FAILS = ("train_regression_updates_the_network_passed_in",)


def train_regression(network, x_train, d_train, steps=1000, learning_rate=0.07, seed=None):
    rng = np.random.default_rng(seed)
    net = {key: np.copy(value) for key, value in network.items()}
    losses = []
    for _ in range(steps):
        i = rng.integers(len(x_train))
        z1, y = forward_regression(net, x_train[i])  # noqa: F821 - in the notebook
        grad = backward_regression(net, x_train[i], d_train[i], z1, y)  # noqa: F821 - in the notebook
        for key in ("W1", "b1", "W2", "b2"):
            net[key] = net[key] - learning_rate * grad[key]
        losses.append(float(mean_squared_error(y, d_train[i])))  # noqa: F821 - in the notebook
    return losses
