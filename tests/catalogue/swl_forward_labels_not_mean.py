"""SoftmaxWithLoss.forward with its own cross-entropy: the label branch forgets / batch_size."""

import numpy as np

UNIT = "SoftmaxWithLoss.forward"
HINT = "cee_batch_mean"
REPLACES = "SoftmaxWithLoss.forward"
FAILS = ("SoftmaxWithLoss_forward_labels",)


def forward(self, x, t):
    self.t = t
    self.y = softmax(x)  # noqa: F821 - defined in the notebook
    batch_size = x.shape[0]
    if t.ndim == 1:
        self.loss = -np.sum(np.log(self.y[np.arange(batch_size), t] + 1e-7))
    else:
        self.loss = -np.sum(t * np.log(self.y + 1e-7)) / batch_size
    return self.loss
