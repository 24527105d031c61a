"""Relu.forward zeroing the caller's array."""

UNIT = "Relu.forward"
HINT = "relu_forward_in_place"
REPLACES = "Relu.forward"
FAILS = ("Relu_forward_leaves_its_input_alone",)


def forward(self, x):
    self.mask = x <= 0
    x[self.mask] = 0
    return x
