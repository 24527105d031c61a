"""SoftmaxWithLoss.backward that assumes one-hot t: (y - t) / N with labels broadcasts."""

UNIT = "SoftmaxWithLoss.backward"
HINT = "swl_labels"
REPLACES = "SoftmaxWithLoss.backward"
FAILS = (
    "SoftmaxWithLoss_backward_one_hot",
    "SoftmaxWithLoss_backward_labels",
    "SoftmaxWithLoss_backward_gradient_check",
)


def backward(self, dout=1):
    return (self.y - self.t.reshape(-1, 1)) / self.t.shape[0]
