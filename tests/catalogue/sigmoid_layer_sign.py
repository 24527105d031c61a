"""Sigmoid.forward with the sign inside exp flipped: 1 / (1 + exp(x))."""

import numpy as np

UNIT = "Sigmoid.forward"
HINT = "sigmoid_formula"
REPLACES = "Sigmoid.forward"
FAILS = ("Sigmoid_forward_matches_reference",)


def forward(self, x):
    out = 1 / (1 + np.exp(x))
    self.out = out
    return out
