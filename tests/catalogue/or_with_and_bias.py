"""OR copied from AND without changing the bias: b = -0.7 makes it AND again."""

import numpy as np

UNIT = "OR"
HINT = "gate_like_and"
REPLACES = "OR"
FAILS = ("OR_truth_table",)


def OR(x1, x2):
    x = np.array([x1, x2])
    w = np.array([0.5, 0.5])
    b = -0.7
    tmp = np.sum(w * x) + b
    if tmp <= 0:
        return 0
    return 1
