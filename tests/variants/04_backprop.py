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
