"""numerical_diff with h = 1e-50: x + h rounds back to x, so the difference is 0."""

UNIT = "numerical_diff"
HINT = "numdiff_tiny_h"
REPLACES = "numerical_diff"
FAILS = ("numerical_diff_is_central",)


def numerical_diff(f, x):
    h = 1e-50
    return (f(x + h) - f(x - h)) / (2 * h)
