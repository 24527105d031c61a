"""SoftmaxWithLoss.backward returning y - t, not divided by the batch size."""

import numpy as np

UNIT = "SoftmaxWithLoss.backward"
HINT = "swl_divide_by_n"
REPLACES = "SoftmaxWithLoss.backward"
FAILS = (
    "SoftmaxWithLoss_backward_one_hot",
    "SoftmaxWithLoss_backward_labels",
    "SoftmaxWithLoss_backward_gradient_check",
)


def backward(self, dout=1):
    if self.t.size == self.y.size:
        return self.y - self.t
    dx = self.y.copy()
    dx[np.arange(self.t.shape[0]), self.t] -= 1
    return dx
