"""gradient_descent with the learning rate fixed at 0.01."""

UNIT = "gradient_descent"
HINT = "gd_lr"
REPLACES = "gradient_descent"
FAILS = ("gradient_descent_matches_reference", "gradient_descent_uses_learning_rate")


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
        x -= 0.01 * numerical_gradient(f, x)  # noqa: F821 - defined in the notebook
    return x
