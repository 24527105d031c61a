"""gradient_check comparing the backprop gradient with itself (the wrong direction)."""

import numpy as np

UNIT = "gradient_check"
HINT = "gradient_check_compare"
REPLACES = "gradient_check"
FAILS = ("gradient_check_finds_the_planted_bug",)


def gradient_check(network, x, t):
    grad_backprop = network.gradient(x, t)
    grad_other = network.gradient(x, t)
    return {key: np.average(np.abs(grad_backprop[key] - grad_other[key]))
            for key in grad_backprop}
