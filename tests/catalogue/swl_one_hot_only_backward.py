"""SoftmaxWithLoss.backward that assumes one-hot t: (y - t) / N with labels broadcasts."""

UNIT = "SoftmaxWithLoss.backward"
HINT = "swl_labels"
REPLACES = "SoftmaxWithLoss.backward"


def backward(self, dout=1):
    return (self.y - self.t.reshape(-1, 1)) / self.t.shape[0]
