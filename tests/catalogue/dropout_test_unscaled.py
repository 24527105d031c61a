"""Dropout.forward that returns x unchanged at test time (no 1 - dropout_ratio)."""

import numpy as np

UNIT = "Dropout.forward"
HINT = "dropout_test_scale"
REPLACES = "Dropout.forward"
FAILS = ("Dropout_forward_test_time",)


def forward(self, x, train_flg=True):
    if train_flg:
        self.mask = np.random.rand(*x.shape) > self.dropout_ratio
        return x * self.mask
    return x
