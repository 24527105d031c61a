"""Affine.backward returning dx flat, not in the input's original shape."""

import numpy as np

UNIT = "Affine.backward"
HINT = "affine_dx_reshape"
REPLACES = "Affine.backward"
FAILS = ("Affine_backward_dx",)


def backward(self, dout):
    self.dW = np.dot(self.x.T, dout)
    self.db = np.sum(dout, axis=0)
    return np.dot(dout, self.W.T)
