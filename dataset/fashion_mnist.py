"""Fashion-MNIST (Zalando Research): 28x28 clothing images, a drop-in for MNIST.

Same files, shapes and options as dataset.mnist; Debian's
dataset-fashion-mnist package is used when installed.
"""

from __future__ import annotations

import os
from pathlib import Path

from dataset.convert import Split
from dataset.loader import load
from dataset.spec import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, DatasetSpec

__all__ = ["CLASS_NAMES", "DEBIAN_DIR", "ENV_VAR", "SPEC", "load_fashion_mnist"]

ENV_VAR = "SCRATCHGRAD_FASHION_MNIST_DIR"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")

# Label i is CLASS_NAMES[i], as listed in the dataset's README.
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

SPEC = DatasetSpec(
    name="fashion-mnist",
    title="Fashion-MNIST",
    env_var=ENV_VAR,
    # Published checksums of the .gz files on Zalando's mirror.  Debian's
    # package recompressed them, so its .gz differ while the decompressed
    # bytes are identical; local files are validated by parsing instead.
    md5={
        TRAIN_IMAGES: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        TRAIN_LABELS: "25c81989df183df01b3e8a0aad5dffbe",
        TEST_IMAGES: "bef4ecab320f06d8554ea6380940ec79",
        TEST_LABELS: "bb300cfdad3c16e7a12a480ee83cd310",
    },
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    system_dirs=(DEBIAN_DIR,),
    apt_package="dataset-fashion-mnist",
)


def load_fashion_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[Split, Split]:
    """Load Fashion-MNIST: 60000 training and 10000 test images, 6000/1000 per class.

    Inputs:
    - normalize: scale pixels to float32 in [0, 1]; otherwise keep uint8 in [0, 255].
    - flatten: images as (N, 784) rows; otherwise (N, 1, 28, 28).
    - one_hot_label: labels as (N, 10) float64 one-hot rows; otherwise (N,) uint8.
    - data_dir: directory holding the four .gz files; by default
      $SCRATCHGRAD_FASHION_MNIST_DIR, then ~/.cache/scratchgrad/fashion-mnist,
      then /usr/share/datasets/fashion-mnist, then a download.

    Returns ((x_train, t_train), (x_test, t_test)):
    - x_train: (60000, 784) float32 in [0, 1] with the defaults.
    - t_train: (60000,) uint8 in [0, 9]; CLASS_NAMES[t] names class t.
    - x_test, t_test: the same for the 10000 test images.

    Raises dataset.errors.DatasetNotFoundError when the files are neither on
    disk nor downloadable, IDXFormatError naming a corrupt file.
    """
    return load(SPEC, normalize, flatten, one_hot_label, data_dir)
