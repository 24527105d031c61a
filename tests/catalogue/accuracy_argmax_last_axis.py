"""TwoLayerNet.accuracy that always takes argmax(t, axis=-1): labels become one number."""

import numpy as np

UNIT = "TwoLayerNet.accuracy"
HINT = "accuracy_labels"
REPLACES = "TwoLayerNet.accuracy"
FAILS = ("TwoLayerNet_accuracy_labels",)


def accuracy(self, x, t):
    y = np.argmax(self.predict(x), axis=1)
    return np.sum(y == np.argmax(t, axis=-1)) / float(x.shape[0])
