"""Affine.forward without the bias: x W."""

import numpy as np

UNIT = "Affine.forward"
HINT = "affine_forward_bias"
REPLACES = "Affine.forward"
FAILS = ("Affine_forward_matches_reference", "Affine_forward_flattens_images")


def forward(self, x):
    self.original_x_shape = x.shape
    x = x.reshape(x.shape[0], -1)
    self.x = x
    return np.dot(self.x, self.W)
