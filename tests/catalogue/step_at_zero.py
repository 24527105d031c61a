"""step_function with >= 0: gives 1 at exactly 0."""

import numpy as np

UNIT = "step_function"
HINT = "step_at_zero"
REPLACES = "step_function"
FAILS = ("step_function_values",)


def step_function(x):
    return np.array(x >= 0, dtype=int)
