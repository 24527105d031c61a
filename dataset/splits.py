"""Read the four files of an MNIST-format dataset and check they fit together."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dataset.errors import IDXFormatError
from dataset.idx import IMAGES_MAGIC, LABELS_MAGIC, decode_idx
from dataset.spec import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS

__all__ = ["IMAGE_SHAPE", "NUM_CLASSES", "RawSplits", "read_splits"]

NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28)


class RawSplits(NamedTuple):
    """The dataset as stored: x_* (N, 28, 28) uint8 in [0, 255], t_* (N,) uint8 in [0, 9]."""

    x_train: np.ndarray
    t_train: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray


def _read(path: Path, name: str, magic: int) -> np.ndarray:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IDXFormatError(name, f"cannot be read ({exc.strerror or exc})") from exc
    return decode_idx(data, name, magic=magic)


def _read_pair(
    images: tuple[Path, str], labels: tuple[Path, str]
) -> tuple[np.ndarray, np.ndarray]:
    x = _read(*images, IMAGES_MAGIC)
    if x.shape[1:] != IMAGE_SHAPE:
        raise IDXFormatError(images[1], f"images of shape {x.shape[1:]}, expected 28x28")
    t = _read(*labels, LABELS_MAGIC)
    if len(t) != len(x):
        raise IDXFormatError(labels[1], f"{len(t)} labels but {images[1]} holds {len(x)} images")
    if t.size and t.max() >= NUM_CLASSES:
        raise IDXFormatError(
            labels[1], f"label {t.max()} out of range, expected 0..{NUM_CLASSES - 1}"
        )
    return x, t


def read_splits(paths: Mapping[str, Path], display: Mapping[str, str] | None = None) -> RawSplits:
    """Read and validate the four files.

    Inputs:
    - paths: standard file name (see dataset.spec.FILES) -> path to read it from.
    - display: optional standard file name -> how to name it in errors, for
      files read from temporary paths (e.g. the URL a download came from);
      by default the path itself.

    Returns a RawSplits of new, writeable uint8 arrays.
    Raises IDXFormatError naming the file when any check fails.
    """
    display = display or {}

    def source(name: str) -> tuple[Path, str]:
        return Path(paths[name]), display.get(name, str(paths[name]))

    x_train, t_train = _read_pair(source(TRAIN_IMAGES), source(TRAIN_LABELS))
    x_test, t_test = _read_pair(source(TEST_IMAGES), source(TEST_LABELS))
    return RawSplits(x_train, t_train, x_test, t_test)
