"""What distinguishes one MNIST-format dataset from another: names, checksums, mirrors.

Kept free of numpy so that importing it (and the error messages built from
it) costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FILES", "TEST_IMAGES", "TEST_LABELS", "TRAIN_IMAGES", "TRAIN_LABELS", "DatasetSpec"]

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
# The four standard file names, shared by MNIST, Fashion-MNIST and the bundled sample.
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)


@dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset may be found and how to check a downloaded copy.

    - name: directory name under the cache, e.g. "fashion-mnist".
    - title: human name for messages, e.g. "Fashion-MNIST".
    - env_var: variable naming a directory that holds the four files.
    - md5: published MD5 of each downloaded .gz file, keyed by file name.
    - mirrors: base URLs tried in order; a file's URL is base + file name.
    - system_dirs: directories a distribution package installs the files to.
    - apt_package: that package's name, suggested in the not-found message.
    """

    name: str
    title: str
    env_var: str
    md5: Mapping[str, str]
    mirrors: tuple[str, ...]
    system_dirs: tuple[Path, ...] = field(default=())
    apt_package: str | None = None
