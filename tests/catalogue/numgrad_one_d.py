"""The book's 1-D numerical gradient used for any x: x[idx] is a whole row of a matrix."""

import numpy as np

UNIT = "numerical_gradient"
HINT = "numgrad_one_d"
REPLACES = "numerical_gradient"
FAILS = (
    "numerical_gradient_any_shape",
    "numerical_gradient_restores_x",
    "numerical_gradient_changes_x_itself",
)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
