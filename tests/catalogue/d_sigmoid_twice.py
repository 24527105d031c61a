"""d_sigmoid that applies sigmoid to x and then again inside: sigmoid of an activation."""

UNIT = "d_sigmoid"
HINT = "d_sigmoid_twice"
REPLACES = "d_sigmoid"
FAILS = ("d_sigmoid_matches_reference",)


def d_sigmoid(x):
    z = sigmoid(x)  # noqa: F821 - defined in the notebook
    return sigmoid(z) * (1.0 - sigmoid(z))  # noqa: F821
