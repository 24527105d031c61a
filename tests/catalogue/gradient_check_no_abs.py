"""gradient_check averaging the signed differences, which cancel out."""

import numpy as np

UNIT = "gradient_check"
HINT = "gradient_check_abs"
REPLACES = "gradient_check"
FAILS = ("gradient_check_finds_the_planted_bug", "gradient_check_correct_network")


def gradient_check(network, x, t):
    grad_numerical = network.numerical_gradient(x, t)
    grad_backprop = network.gradient(x, t)
    return {key: np.average(grad_backprop[key] - grad_numerical[key]) for key in grad_numerical}
