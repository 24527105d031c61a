"""AdaGrad.update with h = grad * grad, forgetting the earlier gradients."""

import numpy as np

UNIT = "AdaGrad.update"
HINT = "adagrad_accumulate"
REPLACES = "AdaGrad.update"
FAILS = ("AdaGrad_update",)


def update(self, params, grads):
    for key in params:
        h = grads[key] * grads[key]
        params[key] -= self.lr * grads[key] / (np.sqrt(h) + 1e-7)
