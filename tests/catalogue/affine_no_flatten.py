"""Affine.forward without flattening (N, ...) inputs such as images."""

import numpy as np

UNIT = "Affine.forward"
HINT = "affine_flatten"
REPLACES = "Affine.forward"
FAILS = ("Affine_forward_flattens_images",)


def forward(self, x):
    self.original_x_shape = x.shape
    self.x = x
    return np.dot(x, self.W) + self.b
