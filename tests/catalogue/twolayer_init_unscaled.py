"""TwoLayerNet.__init__ ignoring weight_init_std: standard-normal weights."""

from collections import OrderedDict

import numpy as np

UNIT = "TwoLayerNet.__init__"
HINT = "twolayer_init"
REPLACES = "TwoLayerNet.__init__"
FAILS = ("TwoLayerNet_params_initialisation",)


def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
    self.params = {
        "W1": np.random.randn(input_size, hidden_size),
        "b1": np.zeros(hidden_size),
        "W2": np.random.randn(hidden_size, output_size),
        "b2": np.zeros(output_size),
    }
    self.layers = OrderedDict()
    self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])  # noqa: F821
    self.layers["Relu1"] = Relu()  # noqa: F821
    self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])  # noqa: F821
    self.lastLayer = SoftmaxWithLoss()  # noqa: F821
