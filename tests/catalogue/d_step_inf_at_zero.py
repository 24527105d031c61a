"""d_step_function giving the derivative of the jump at 0 as infinity (a Dirac spike)."""

import numpy as np

UNIT = "d_step_function"
HINT = "d_step_at_zero"
REPLACES = "d_step_function"
FAILS = ("d_step_function_at_zero",)


def d_step_function(x):
    return np.where(x == 0, np.inf, 0.0)
