"""numerical_gradient that leaves x[idx] at tmp_val - h."""

import numpy as np

UNIT = "numerical_gradient"
HINT = "numgrad_not_restored"
REPLACES = "numerical_gradient"
FAILS = ("numerical_gradient_restores_x",)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad
