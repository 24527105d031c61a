"""Turn stored uint8 arrays into what the book's load_mnist returns."""

from __future__ import annotations

import numpy as np

from dataset.splits import NUM_CLASSES, RawSplits

__all__ = ["Split", "to_book_format"]

Split = tuple[np.ndarray, np.ndarray]


def _images(x: np.ndarray, normalize: bool, flatten: bool) -> np.ndarray:
    if normalize:
        # Same two steps as the book, so values match it bit for bit:
        # the division happens in float32, not float64.
        x = x.astype(np.float32)
        x /= 255.0
    shape = (-1, x.shape[1] * x.shape[2]) if flatten else (-1, 1, *x.shape[1:])
    return x.reshape(shape)


def _labels(t: np.ndarray, one_hot_label: bool) -> np.ndarray:
    if not one_hot_label:
        return t
    # np.zeros defaults to float64, as in the book's _change_one_hot_label.
    one_hot = np.zeros((t.size, NUM_CLASSES))
    one_hot[np.arange(t.size), t] = 1
    return one_hot


def to_book_format(
    raw: RawSplits, normalize: bool, flatten: bool, one_hot_label: bool
) -> tuple[Split, Split]:
    """Apply load_mnist's three options to raw splits.

    Returns ((x_train, t_train), (x_test, t_test)) where
    - x_*: (N, 784) when flatten else (N, 1, 28, 28); float32 in [0, 1] when
      normalize else uint8 in [0, 255].
    - t_*: (N,) uint8 in [0, 9], or (N, 10) float64 one-hot when one_hot_label.
    """
    x_train = _images(raw.x_train, normalize, flatten)
    x_test = _images(raw.x_test, normalize, flatten)
    t_train = _labels(raw.t_train, one_hot_label)
    t_test = _labels(raw.t_test, one_hot_label)
    return (x_train, t_train), (x_test, t_test)
