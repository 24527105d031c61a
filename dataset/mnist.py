"""MNIST handwritten digits, loaded the way the book's dataset/mnist.py does.

>>> (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)  # doctest: +SKIP
"""

from __future__ import annotations

import os

from dataset.convert import Split
from dataset.loader import load
from dataset.spec import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, DatasetSpec

__all__ = ["ENV_VAR", "SPEC", "load_mnist"]

ENV_VAR = "SCRATCHGRAD_MNIST_DIR"

SPEC = DatasetSpec(
    name="mnist",
    title="MNIST",
    env_var=ENV_VAR,
    # Published checksums of the original .gz files (Yann LeCun's release).
    md5={
        TRAIN_IMAGES: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        TRAIN_LABELS: "d53e105ee54ea40749a09fcbcd1e9432",
        TEST_IMAGES: "9fb629c4189551a2d022fa330f9573f3",
        TEST_LABELS: "ec29112dd5afa0611ce80d1b7f02629c",
    },
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
)


def load_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[Split, Split]:
    """Load MNIST: 60000 training and 10000 test images of handwritten digits.

    Inputs:
    - normalize: scale pixels to float32 in [0, 1]; otherwise keep uint8 in [0, 255].
    - flatten: images as (N, 784) rows; otherwise (N, 1, 28, 28).
    - one_hot_label: labels as (N, 10) float64 one-hot rows; otherwise (N,) uint8.
    - data_dir: directory holding the four .gz files; by default
      $SCRATCHGRAD_MNIST_DIR, then ~/.cache/scratchgrad/mnist, then a download.

    Returns ((x_train, t_train), (x_test, t_test)):
    - x_train: (60000, 784) float32 in [0, 1] with the defaults.
    - t_train: (60000,) uint8 in [0, 9] with the defaults.
    - x_test, t_test: the same for the 10000 test images.

    Raises dataset.errors.DatasetNotFoundError when the files are neither on
    disk nor downloadable, IDXFormatError naming a corrupt file.
    """
    return load(SPEC, normalize, flatten, one_hot_label, data_dir)
