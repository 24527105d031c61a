"""Sigmoid.backward without the factor out: dout * (1 - out)."""

UNIT = "Sigmoid.backward"
HINT = "sigmoid_backward_formula"
REPLACES = "Sigmoid.backward"
FAILS = ("Sigmoid_backward_matches_reference", "Sigmoid_backward_gradient_check")


def backward(self, dout):
    return dout * (1.0 - self.out)
