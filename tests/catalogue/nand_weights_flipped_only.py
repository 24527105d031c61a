"""NAND copied from AND with the weights negated but the bias kept at -0.7: always 0."""

import numpy as np

UNIT = "NAND"
HINT = "gate_always_zero"
REPLACES = "NAND"
FAILS = ("NAND_truth_table",)


def NAND(x1, x2):
    x = np.array([x1, x2])
    w = np.array([-0.5, -0.5])
    b = -0.7
    tmp = np.sum(w * x) + b
    if tmp <= 0:
        return 0
    return 1
