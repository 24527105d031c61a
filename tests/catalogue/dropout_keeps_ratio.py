"""Dropout.forward with rand < dropout_ratio: keeps the dropout ratio, drops the rest."""

import numpy as np

UNIT = "Dropout.forward"
HINT = "dropout_mask"
REPLACES = "Dropout.forward"
FAILS = ("Dropout_forward_keeps_the_ratio",)


def forward(self, x, train_flg=True):
    if train_flg:
        self.mask = np.random.rand(*x.shape) < self.dropout_ratio
        return x * self.mask
    return x * (1.0 - self.dropout_ratio)
