"""Relu.backward passing dout through unchanged."""

UNIT = "Relu.backward"
HINT = "relu_backward_mask"
REPLACES = "Relu.backward"


def backward(self, dout):
    return dout
