"""numerical_gradient that perturbs a copy of x: f(lambda W: loss()) never sees it."""

import numpy as np

UNIT = "numerical_gradient"
HINT = "numgrad_copy"
REPLACES = "numerical_gradient"
FAILS = ("numerical_gradient_changes_x_itself",)


def numerical_gradient(f, x):
    h = 1e-4
    x = x.copy()
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
