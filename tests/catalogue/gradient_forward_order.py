"""TwoLayerNet.gradient going backward through the layers in forward order."""

UNIT = "TwoLayerNet.gradient"
HINT = "gradient_layers_order"
REPLACES = "TwoLayerNet.gradient"
FAILS = ("TwoLayerNet_gradient_matches_reference", "TwoLayerNet_gradient_check")


def gradient(self, x, t):
    self.loss(x, t)
    dout = self.lastLayer.backward(1)
    for layer in self.layers.values():
        dout = layer.backward(dout)
    return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
