"""numerical_diff with the forward difference."""

UNIT = "numerical_diff"
HINT = "forward_difference"
REPLACES = "numerical_diff"
FAILS = ("numerical_diff_is_central",)


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x)) / h
