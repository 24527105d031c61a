"""Momentum.update that starts a fresh velocity at every update."""

import numpy as np

UNIT = "Momentum.update"
HINT = "momentum_velocity"
REPLACES = "Momentum.update"
FAILS = ("Momentum_update",)


def update(self, params, grads):
    for key in params:
        v = self.momentum * np.zeros_like(params[key]) - self.lr * grads[key]
        params[key] += v
