"""TwoLayerNet.numerical_gradient with a copy-paste slip: grads['b2'] from params['b1']."""

UNIT = "TwoLayerNet.numerical_gradient"
HINT = "numgrad_wrong_key"
REPLACES = "TwoLayerNet.numerical_gradient"
FAILS = ("TwoLayerNet_numerical_gradient",)


def numerical_gradient(self, x, t):  # calls the notebook's numerical_gradient (03)
    loss_W = lambda W: self.loss(x, t)
    grads = {}
    grads["W1"] = numerical_gradient(loss_W, self.params["W1"])
    grads["b1"] = numerical_gradient(loss_W, self.params["b1"])
    grads["W2"] = numerical_gradient(loss_W, self.params["W2"])
    grads["b2"] = numerical_gradient(loss_W, self.params["b1"])
    return grads
