"""Dropout.forward seeding numpy "for reproducibility": the same mask on every forward."""

import numpy as np

UNIT = "Dropout.forward"
HINT = "dropout_mask"
REPLACES = "Dropout.forward"
FAILS = ("Dropout_forward_keeps_the_ratio",)


def forward(self, x, train_flg=True):
    if train_flg:
        np.random.seed(0)
        self.mask = np.random.rand(*x.shape) > self.dropout_ratio
        return x * self.mask
    return x * (1.0 - self.dropout_ratio)
