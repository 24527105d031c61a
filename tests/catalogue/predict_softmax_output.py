"""TwoLayerNet.predict that applies softmax to the scores (probabilities out of predict)."""

import numpy as np

UNIT = "TwoLayerNet.predict"
HINT = "predict_scores"
REPLACES = "TwoLayerNet.predict"
FAILS = ("TwoLayerNet_predict",)


def predict(self, x):
    for layer in self.layers.values():
        x = layer.forward(x)
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
