"""identity_function copied from step_function's template: np.array(x, dtype=int) truncates."""

import numpy as np

UNIT = "identity_function"
HINT = "truncated_to_int"
REPLACES = "identity_function"
FAILS = ("identity_function_returns_its_input",)


def identity_function(x):
    return np.array(x, dtype=int)
