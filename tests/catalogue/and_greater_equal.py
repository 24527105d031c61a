"""AND with bias -0.5 and `>=`: AND(0, 1) = 0.5 - 0.5 = 0 counts as firing."""

import numpy as np

UNIT = "AND"
HINT = "perceptron_threshold"
REPLACES = "AND"
FAILS = ("AND_truth_table",)


def AND(x1, x2):
    x = np.array([x1, x2])
    w = np.array([0.5, 0.5])
    if np.sum(w * x) - 0.5 >= 0:
        return 1
    return 0
