"""SoftmaxWithLoss.forward that sums the loss over the batch for one-hot t (labels work)."""

import numpy as np

UNIT = "SoftmaxWithLoss.forward"
HINT = "cee_batch_mean"
REPLACES = "SoftmaxWithLoss.forward"
FAILS = ("SoftmaxWithLoss_forward_one_hot",)


def forward(self, x, t):
    self.t = t
    self.y = softmax(x)  # noqa: F821 - defined in the notebook
    if t.ndim == self.y.ndim:
        self.loss = -np.sum(t * np.log(self.y + 1e-7))
    else:
        self.loss = cross_entropy_error(self.y, t)  # noqa: F821 - defined in the notebook
    return self.loss
