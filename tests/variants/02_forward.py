"""Correct answers written differently from the reference: all must earn full marks."""

import numpy as np


def step_function(x):
    return np.where(x > 0, 1, 0)


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the same function, never overflows


def relu(x):
    return x * (x > 0)


def softmax(x):
    # float32 is harmless here: the outputs agree to about 1e-7
    x32 = np.asarray(x, dtype=np.float32)
    e = np.exp(x32 - x32.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
