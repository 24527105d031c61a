"""The full Fashion-MNIST from Debian's dataset-fashion-mnist, when installed."""

from __future__ import annotations

import numpy as np
import pytest

from dataset import fashion_mnist
from dataset.loader import find_files, locate

_, _missing = find_files(fashion_mnist.DEBIAN_DIR)
pytestmark = pytest.mark.skipif(
    bool(_missing), reason="skipped: not installed (Debian package dataset-fashion-mnist)")


@pytest.fixture(scope="module")
def full():
    return fashion_mnist.load_fashion_mnist(data_dir=fashion_mnist.DEBIAN_DIR)


def test_shapes_dtypes_and_ranges(full):
    (x_train, t_train), (x_test, t_test) = full
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == x_test.dtype == np.float32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert x_test.min() == 0.0 and x_test.max() == 1.0
    assert t_train.shape == (60000,) and t_test.shape == (10000,)
    assert t_train.dtype == t_test.dtype == np.uint8


def test_label_counts(full):
    (_, t_train), (_, t_test) = full
    np.testing.assert_array_equal(np.bincount(t_train, minlength=10), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(t_test, minlength=10), [1000] * 10)


def test_default_lookup_finds_the_debian_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SCRATCHGRAD_FASHION_MNIST_DIR", raising=False)
    paths = locate(fashion_mnist.SPEC)
    assert set(paths.values()) == {fashion_mnist.DEBIAN_DIR / name for name in paths}
    assert len(paths) == 4
