"""Dropout.backward passing every gradient through."""

UNIT = "Dropout.backward"
HINT = "dropout_backward_mask"
REPLACES = "Dropout.backward"
FAILS = ("Dropout_backward_uses_the_mask",)


def backward(self, dout):
    return dout
