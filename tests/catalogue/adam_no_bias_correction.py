"""Adam.update without bias correction: tiny first steps."""

import numpy as np

UNIT = "Adam.update"
HINT = "adam_bias_correction"
REPLACES = "Adam.update"
FAILS = ("Adam_first_step", "Adam_update")


def update(self, params, grads):
    if self.m is None:
        self.m = {key: np.zeros_like(val) for key, val in params.items()}
        self.v = {key: np.zeros_like(val) for key, val in params.items()}
    self.iter += 1
    for key in params:
        self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
        self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
        params[key] -= self.lr * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)
