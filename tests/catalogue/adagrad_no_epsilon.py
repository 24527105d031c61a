"""AdaGrad without the epsilon: a gradient that has always been 0 divides 0 by 0."""

import numpy as np

UNIT = "AdaGrad.update"
HINT = "adagrad_eps"
REPLACES = "AdaGrad.update"
FAILS = ("AdaGrad_update",)


def update(self, params, grads):
    if self.h is None:
        self.h = {key: np.zeros_like(val) for key, val in params.items()}
    for key in params:
        self.h[key] += grads[key] * grads[key]
        params[key] -= self.lr * grads[key] / np.sqrt(self.h[key])
