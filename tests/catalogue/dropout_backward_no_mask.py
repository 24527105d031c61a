"""Dropout.backward passing every gradient through."""

UNIT = "Dropout.backward"
HINT = "dropout_backward_mask"
REPLACES = "Dropout.backward"


def backward(self, dout):
    return dout
