"""train_regression(net, ...) whose body updates `network`, the notebook's global."""

import numpy as np

UNIT = "train_regression"
HINT = "regression_global_network"
REPLACES = "train_regression"
FAILS = ("train_regression_updates_the_network_passed_in", "train_regression_records_the_loss_every_step")


def train_regression(net, x_train, d_train, steps=1000, learning_rate=0.07, seed=None):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        i = rng.integers(len(x_train))
        z1, y = forward_regression(network, x_train[i])  # noqa: F821 - a global
        grad = backward_regression(network, x_train[i], d_train[i], z1, y)  # noqa: F821
        for key in ("W1", "b1", "W2", "b2"):
            network[key] -= learning_rate * grad[key]  # noqa: F821
        losses.append(float(mean_squared_error(y, d_train[i])))  # noqa: F821
    return losses
