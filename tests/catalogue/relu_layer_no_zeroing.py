"""Relu.forward that stores the mask and copies x but never zeroes the copy."""

UNIT = "Relu.forward"
HINT = "relu_forward_zero"
REPLACES = "Relu.forward"
FAILS = ("Relu_forward_matches_reference", "Relu_forward_leaves_its_input_alone")


def forward(self, x):
    self.mask = (x <= 0)
    out = x.copy()
    return out
