"""Datasets for the exercises, loaded the way *Deep Learning from Scratch* does.

- dataset.mnist.load_mnist: MNIST digits, downloaded once into the user cache.
- dataset.fashion_mnist.load_fashion_mnist: Fashion-MNIST, from Debian's
  dataset-fashion-mnist package when installed, else downloaded.
- dataset.sample.load_sample: a 10000-image Fashion-MNIST subset shipped
  with the kit, for offline use and grading.

All three return ((x_train, t_train), (x_test, t_test)) like the book's
load_mnist.  Importing this package loads no data, touches no file and does
not import numpy; the names below are resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "CLASS_NAMES",
    "DatasetNotFoundError",
    "IDXFormatError",
    "load_fashion_mnist",
    "load_mnist",
    "load_sample",
]

_LAZY = {
    "CLASS_NAMES": "dataset.fashion_mnist",
    "DatasetNotFoundError": "dataset.errors",
    "IDXFormatError": "dataset.errors",
    "load_fashion_mnist": "dataset.fashion_mnist",
    "load_mnist": "dataset.mnist",
    "load_sample": "dataset.sample",
}

if TYPE_CHECKING:
    from dataset.errors import DatasetNotFoundError, IDXFormatError
    from dataset.fashion_mnist import CLASS_NAMES, load_fashion_mnist
    from dataset.mnist import load_mnist
    from dataset.sample import load_sample


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dataset' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
