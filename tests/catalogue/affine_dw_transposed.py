"""Affine.backward with dW = dout^T x, the transpose of the right answer."""

import numpy as np

UNIT = "Affine.backward"
HINT = "affine_dw_transposed"
REPLACES = "Affine.backward"
FAILS = ("Affine_backward_dW_db", "Affine_backward_gradient_check")


def backward(self, dout):
    dx = np.dot(dout, self.W.T)
    self.dW = np.dot(dout.T, self.x)
    self.db = np.sum(dout, axis=0)
    return dx.reshape(*self.original_x_shape)
