"""TwoLayerNet.numerical_gradient perturbing copies of the params: loss never sees them."""

UNIT = "TwoLayerNet.numerical_gradient"
HINT = "numgrad_params_not_seen"
REPLACES = "TwoLayerNet.numerical_gradient"
FAILS = ("TwoLayerNet_numerical_gradient",)


def numerical_gradient(self, x, t):  # calls the notebook's numerical_gradient (03)
    loss_W = lambda W: self.loss(x, t)
    grads = {}
    for key in ("W1", "b1", "W2", "b2"):
        grads[key] = numerical_gradient(loss_W, self.params[key].copy())
    return grads
