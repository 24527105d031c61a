"""TwoLayerNet.accuracy that compares argmax(y) with t directly: fails for one-hot t."""

import numpy as np

UNIT = "TwoLayerNet.accuracy"
HINT = "accuracy_one_hot"
REPLACES = "TwoLayerNet.accuracy"
FAILS = ("TwoLayerNet_accuracy_one_hot",)


def accuracy(self, x, t):
    y = np.argmax(self.predict(x), axis=1)
    return np.sum(y == t) / float(x.shape[0])
