"""gradient_descent that climbs: x += lr * grad."""

UNIT = "gradient_descent"
HINT = "gd_sign"
REPLACES = "gradient_descent"
FAILS = ("gradient_descent_matches_reference", "gradient_descent_uses_learning_rate")


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x += lr * numerical_gradient(f, x)  # noqa: F821 - defined in the notebook
    return x
