"""numerical_gradient with the forward difference."""

import numpy as np

UNIT = "numerical_gradient"
HINT = "forward_difference"
REPLACES = "numerical_gradient"
FAILS = (
    "numerical_gradient_matches_reference",
    "numerical_gradient_is_central",
    "numerical_gradient_any_shape",
    "numerical_gradient_restores_x",
    "numerical_gradient_changes_x_itself",
)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = tmp_val
    return grad
