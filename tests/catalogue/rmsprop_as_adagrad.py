"""RMSprop.update that never decays h: AdaGrad under another name."""

import numpy as np

UNIT = "RMSprop.update"
HINT = "rmsprop_decay"
REPLACES = "RMSprop.update"
FAILS = ("RMSprop_update",)


def update(self, params, grads):
    if self.h is None:
        self.h = {key: np.zeros_like(val) for key, val in params.items()}
    for key in params:
        self.h[key] += grads[key] * grads[key]
        params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
