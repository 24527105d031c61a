"""Correct answers written differently from the reference: all must earn full marks."""

import numpy as np


def d_relu(x):
    return (x > 0).astype(np.float64)  # 0 at exactly 0, the other accepted choice


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.dW = None
        self.db = None

    def forward(self, x):
        self.shape = x.shape
        self.flat = np.reshape(x, (len(x), -1))
        return self.flat @ self.W + self.b

    def backward(self, dout):
        self.dW = self.flat.T @ dout
        self.db = dout.sum(axis=0)
        return np.reshape(dout @ self.W.T, self.shape)


def backward_regression(network, x, d, z1, y):
    # relu' read from the pre-activation's sign; the gradients as products of columns
    delta2 = d_mean_squared_error(y, d)  # noqa: F821 - in the notebook
    u1 = x @ network["W1"] + network["b1"]
    delta1 = delta2 * network["W2"] * (u1 > 0)
    return {"W1": x[:, None] * delta1[None, :], "b1": delta1, "W2": delta2 * z1,
            "b2": float(delta2)}


def train_regression(network, x_train, d_train, steps=1000, learning_rate=0.07, seed=None):
    # new arrays bound into the dict the caller passed: the caller's network changes too
    rng = np.random.default_rng(seed)
    losses = []
    for i in rng.integers(0, len(x_train), size=steps):
        z1, y = forward_regression(network, x_train[i])  # noqa: F821 - in the notebook
        grad = backward_regression(network, x_train[i], d_train[i], z1, y)
        for key, value in grad.items():
            network[key] = network[key] - learning_rate * value
        losses.append(0.5 * (y - d_train[i]) ** 2)
    return np.array(losses)


def gradient_check(network, x, t):
    numerical, backprop = network.numerical_gradient(x, t), network.gradient(x, t)
    return {key: np.abs(numerical[key] - backprop[key]).mean() for key in backprop}
