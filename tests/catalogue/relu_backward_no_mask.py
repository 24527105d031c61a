"""Relu.backward passing dout through unchanged."""

UNIT = "Relu.backward"
HINT = "relu_backward_mask"
REPLACES = "Relu.backward"
FAILS = ("Relu_backward_masks_the_gradient",)


def backward(self, dout):
    return dout
