"""TwoLayerNet.loss that feeds the scores to the cross-entropy without softmax."""


UNIT = "TwoLayerNet.loss"
HINT = "twolayer_loss_softmax"
REPLACES = "TwoLayerNet.loss"
FAILS = ("TwoLayerNet_loss",)


def loss(self, x, t):
    y = self.predict(x)
    return cross_entropy_error(y, t)  # noqa: F821 - defined in the notebook
