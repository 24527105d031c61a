"""Sigmoid.backward without the factor out: dout * (1 - out)."""

UNIT = "Sigmoid.backward"
HINT = "sigmoid_backward_formula"
REPLACES = "Sigmoid.backward"


def backward(self, dout):
    return dout * (1.0 - self.out)
