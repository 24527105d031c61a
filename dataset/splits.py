"""Read the four files of an MNIST-format dataset and check they fit together."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dataset.errors import IDXFormatError
from dataset.idx import IMAGES_MAGIC, LABELS_MAGIC, decode_idx
from dataset.spec import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS

__all__ = ["IMAGE_SHAPE", "NUM_CLASSES", "RawSplits", "decode_splits", "read_splits"]

NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28)


class RawSplits(NamedTuple):
    """The dataset as stored: x_* (N, 28, 28) uint8 in [0, 255], t_* (N,) uint8 in [0, 9]."""

    x_train: np.ndarray
    t_train: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray


def _pair(
    images: tuple[bytes, str], labels: tuple[bytes, str]
) -> tuple[np.ndarray, np.ndarray]:
    x = decode_idx(*images, magic=IMAGES_MAGIC)
    if x.shape[1:] != IMAGE_SHAPE:
        raise IDXFormatError(images[1], f"images of shape {x.shape[1:]}, expected 28x28")
    t = decode_idx(*labels, magic=LABELS_MAGIC)
    if len(t) != len(x):
        raise IDXFormatError(labels[1], f"{len(t)} labels but {images[1]} holds {len(x)} images")
    if t.size and t.max() >= NUM_CLASSES:
        raise IDXFormatError(
            labels[1], f"label {t.max()} out of range, expected 0..{NUM_CLASSES - 1}"
        )
    return x, t


def decode_splits(data: Mapping[str, bytes], names: Mapping[str, str]) -> RawSplits:
    """Decode and validate the four files' bytes (gzip or raw).

    Inputs:
    - data: standard file name (see dataset.spec.FILES) -> the file's bytes.
    - names: standard file name -> how to name that file in errors.

    Returns a RawSplits of new, writeable uint8 arrays.
    Raises IDXFormatError naming the file when any check fails: bad gzip,
    wrong magic or shape, wrong length, label and image counts that differ,
    or a label outside 0..9.
    """

    def source(name: str) -> tuple[bytes, str]:
        return data[name], names[name]

    x_train, t_train = _pair(source(TRAIN_IMAGES), source(TRAIN_LABELS))
    x_test, t_test = _pair(source(TEST_IMAGES), source(TEST_LABELS))
    return RawSplits(x_train, t_train, x_test, t_test)


def read_splits(paths: Mapping[str, Path], display: Mapping[str, str] | None = None) -> RawSplits:
    """Read the four files from disk and decode them with decode_splits.

    Inputs:
    - paths: standard file name -> path to read it from.
    - display: optional standard file name -> how to name it in errors, for
      files read from temporary paths (e.g. the URL a download came from);
      by default the path itself.
    """
    names = {name: str(path) for name, path in paths.items()} | dict(display or {})
    data = {}
    for name, path in paths.items():
        try:
            data[name] = Path(path).read_bytes()
        except OSError as exc:
            raise IDXFormatError(names[name], f"cannot be read ({exc.strerror or exc})") from exc
    return decode_splits(data, names)
