"""TwoLayerNet.__init__ that shapes each weight matrix (out, in) instead of (in, out)."""

import numpy as np

UNIT = "TwoLayerNet.__init__"
HINT = "twolayer_init"
REPLACES = "TwoLayerNet.__init__"
FAILS = ("TwoLayerNet_params_shapes",)


def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
    self.params = {}
    self.params["W1"] = weight_init_std * np.random.randn(hidden_size, input_size)
    self.params["b1"] = np.zeros(hidden_size)
    self.params["W2"] = weight_init_std * np.random.randn(output_size, hidden_size)
    self.params["b2"] = np.zeros(output_size)

    self.layers = OrderedDict()  # noqa: F821 - defined in the notebook
    self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])  # noqa: F821 - defined in the notebook
    self.layers["Relu1"] = Relu()  # noqa: F821 - defined in the notebook
    self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])  # noqa: F821 - defined in the notebook
    self.lastLayer = SoftmaxWithLoss()  # noqa: F821 - defined in the notebook
