"""IDX reading and writing: round trips, and a clear error for every malformed file."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from dataset.errors import IDXFormatError
from dataset.idx import IMAGES_MAGIC, LABELS_MAGIC, decode_idx, encode_idx, read_idx, write_idx

DTYPES = ["uint8", "int8", "int16", "int32", "float32", "float64"]


def _array(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.standard_normal(shape) * 100).astype(dtype)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip(tmp_path, dtype, suffix):
    array = _array(dtype, (3, 4, 5))
    path = tmp_path / f"x-idx3-ubyte{suffix}"
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left


def test_mnist_header_layout():
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    data = encode_idx(images)
    assert data[:16] == struct.pack(">IIII", IMAGES_MAGIC, 2, 28, 28)
    assert encode_idx(np.array([1, 2], np.uint8))[:8] == struct.pack(">II", LABELS_MAGIC, 2)
    # Multi-byte types are big-endian on disk.
    assert encode_idx(np.array([1], np.int32))[8:] == b"\x00\x00\x00\x01"


def test_gzip_output_is_reproducible(tmp_path):
    array = _array("uint8", (10, 28, 28))
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "b.gz", array)
    data = (tmp_path / "a.gz").read_bytes()
    assert data == (tmp_path / "b.gz").read_bytes()
    assert struct.unpack("<I", data[4:8]) == (0,)  # gzip mtime
    assert gzip.decompress(data) == encode_idx(array)


def test_compression_follows_argument_not_name(tmp_path):
    array = _array("uint8", (4,))
    write_idx(tmp_path / "plain.gz", array, compress=False)
    write_idx(tmp_path / "packed", array, compress=True)
    # The reader sniffs the content, so both read back whatever their names say.
    np.testing.assert_array_equal(read_idx(tmp_path / "plain.gz"), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "packed"), array)


def test_empty_array_round_trips():
    back = decode_idx(encode_idx(np.zeros((0, 28, 28), np.uint8)), magic=IMAGES_MAGIC)
    assert back.shape == (0, 28, 28)


def test_unsupported_arrays_are_refused():
    with pytest.raises(TypeError, match="uint64"):
        encode_idx(np.zeros(3, np.uint64))
    with pytest.raises(ValueError, match="dimensions"):
        encode_idx(np.array(5, np.uint8))


GOOD = encode_idx(np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28))

CORRUPT = {
    "empty": (b"", "too short"),
    "text": (b"<html>404 Not Found</html>", "bad magic"),
    "bad type byte": (b"\x00\x00\x07\x03" + GOOD[4:], "bad magic"),
    "truncated header": (GOOD[:10], "truncated header"),
    "truncated payload": (GOOD[:-1], "truncated"),
    "trailing bytes": (GOOD + b"\x00", "trailing bytes"),
    "wrong magic": (encode_idx(np.zeros(4, np.uint8)), "expected 0x00000803"),
    "wrong dtype": (encode_idx(np.zeros((1, 28, 28), np.int32)), "expected 0x00000803"),
    "bad gzip": (b"\x1f\x8b\x08\x00garbage-not-deflate", "gzip"),
    "truncated gzip": (gzip.compress(GOOD)[:-20], "gzip"),
    "bad gzip crc": (gzip.compress(GOOD)[:-8] + b"\xde\xad\xbe\xef" + gzip.compress(GOOD)[-4:],
                     "gzip"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_file_is_a_clear_error_naming_it(tmp_path, case):
    data, problem = CORRUPT[case]
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(data)
    with pytest.raises(IDXFormatError, match=problem) as info:
        read_idx(path, magic=IMAGES_MAGIC)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)


def test_header_is_checked_before_allocating():
    # A header claiming 2**32-1 images of 2**32-1 bytes must fail on length,
    # not try to allocate exabytes.
    huge = struct.pack(">IIII", IMAGES_MAGIC, 2**32 - 1, 2**32 - 1, 28)
    with pytest.raises(IDXFormatError, match="truncated"):
        decode_idx(huge, "huge")
