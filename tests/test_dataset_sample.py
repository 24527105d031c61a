"""The Fashion-MNIST sample bundled in dataset/data/."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from dataset.fashion_mnist import DEBIAN_DIR, load_fashion_mnist
from dataset.idx import encode_idx
from dataset.loader import find_files
from dataset.make_sample import main, select_first_per_class, select_sample
from dataset.sample import SAMPLE_DIR, TEST_PER_CLASS, TRAIN_PER_CLASS, load_sample
from dataset.spec import FILES

MAX_BYTES = 5_000_000


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def test_shapes_dtypes_and_ranges(sample):
    (x_train, t_train), (x_test, t_test) = sample
    assert x_train.shape == (9000, 784) and x_test.shape == (1000, 784)
    assert x_train.dtype == x_test.dtype == np.float32
    assert 0.0 == x_train.min() and x_train.max() == 1.0
    assert t_train.shape == (9000,) and t_test.shape == (1000,)
    assert t_train.dtype == t_test.dtype == np.uint8


def test_classes_are_balanced(sample):
    (_, t_train), (_, t_test) = sample
    assert TRAIN_PER_CLASS == 900 and TEST_PER_CLASS == 100
    np.testing.assert_array_equal(np.bincount(t_train, minlength=10), [TRAIN_PER_CLASS] * 10)
    np.testing.assert_array_equal(np.bincount(t_test, minlength=10), [TEST_PER_CLASS] * 10)
    # File order is kept, so classes are interleaved rather than in blocks.
    assert len(set(t_train[:50].tolist())) == 10


def test_other_options():
    (x_train, t_train), (x_test, t_test) = load_sample(normalize=False, flatten=False,
                                                       one_hot_label=True)
    assert x_train.shape == (9000, 1, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (1000, 1, 28, 28)
    assert t_train.shape == (9000, 10) and t_train.dtype == np.float64
    np.testing.assert_array_equal(t_test.sum(axis=0), [100.0] * 10)


def test_same_files_read_by_the_general_loader(sample):
    got = load_fashion_mnist(data_dir=SAMPLE_DIR)
    for got_split, want_split in zip(got, sample):
        for g, w in zip(got_split, want_split):
            np.testing.assert_array_equal(g, w)


def test_files_are_the_four_standard_ones_and_small():
    assert sorted(p.name for p in SAMPLE_DIR.iterdir()) == sorted(FILES)
    sizes = [(SAMPLE_DIR / name).stat().st_size for name in FILES]
    assert sum(sizes) <= MAX_BYTES
    for name in FILES:
        data = (SAMPLE_DIR / name).read_bytes()
        assert data[:2] == b"\x1f\x8b"
        assert struct.unpack("<I", data[4:8]) == (0,), f"{name}: gzip mtime must be 0"


def test_select_first_per_class_keeps_file_order():
    labels = np.array([3, 1, 3, 0, 1, 3, 2, 0, 2, 1] + list(range(4, 10)) * 2)
    chosen = select_first_per_class(labels, 2)
    assert chosen.tolist() == sorted(chosen.tolist())
    np.testing.assert_array_equal(np.bincount(labels[chosen]), [2] * 10)
    assert chosen[:6].tolist() == [0, 1, 2, 3, 4, 6]
    with pytest.raises(ValueError, match="class 0 has only 2"):
        select_first_per_class(labels, 3)


def test_make_sample_refuses_a_source_that_is_not_fashion_mnist(tmp_path, capsys):
    assert main(["--source", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "lacks" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_committed_sample_is_reproduced_from_debian_files():
    _, missing = find_files(DEBIAN_DIR)
    if missing:
        pytest.skip("skipped: not installed (Debian package dataset-fashion-mnist)")
    # select_sample also checks the source against the upstream checksums.
    # Comparing decompressed bytes keeps this independent of the zlib build,
    # which may compress the same bytes differently.
    for name, array in select_sample(DEBIAN_DIR).items():
        committed = gzip.decompress((SAMPLE_DIR / name).read_bytes())
        assert encode_idx(array) == committed, f"{name} differs from a fresh selection"
