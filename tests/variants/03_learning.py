"""Correct answers written differently from the reference: all must earn full marks."""

import numpy as np


def cross_entropy_error(y, t):
    t = np.atleast_2d(t) if np.ndim(t) == np.ndim(y) else np.ravel(t)
    y = np.atleast_2d(y)
    if t.shape == y.shape:
        t = np.argmax(t, axis=1)
    p = np.clip(y[np.arange(len(y)), t], 1e-12, 1.0)  # clipping instead of a delta
    return float(-np.mean(np.log(p)))


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.empty(x.shape, dtype=float)
    for idx in np.ndindex(*x.shape):
        keep = float(x[idx])
        x[idx] = keep + h
        up = f(x)
        x[idx] = keep - h
        down = f(x)
        x[idx] = keep
        grad[idx] = (up - down) / (2 * h)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    # the book's repository version: also returns the path
    x = init_x.copy()
    history = []
    for _ in range(step_num):
        history.append(x.copy())
        x = x - lr * numerical_gradient(f, x)
    return x, np.array(history)
