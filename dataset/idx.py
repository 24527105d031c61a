"""Read and write IDX files, the format MNIST and Fashion-MNIST ship in.

An IDX file is a 4-byte magic number ``0x0000TTNN`` (TT: element type,
NN: number of dimensions), NN big-endian uint32 sizes, then the elements in
C order, big-endian.  MNIST labels are ``0x00000801`` (uint8, 1 dimension)
and images ``0x00000803`` (uint8, 3 dimensions: N, 28, 28).  Files may be
gzip-compressed; the reader tells the two apart by their first bytes, not by
their name, since an IDX magic always starts with two zero bytes.

Every malformed input raises IDXFormatError naming the file, before any large
allocation: the payload length is checked against the header first.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np

from dataset.errors import IDXFormatError

__all__ = [
    "IMAGES_MAGIC",
    "LABELS_MAGIC",
    "IDXFormatError",
    "decode_idx",
    "encode_idx",
    "read_idx",
    "write_idx",
]

LABELS_MAGIC = 0x00000801
IMAGES_MAGIC = 0x00000803

# IDX type byte -> big-endian numpy dtype, as in the format's original description.
_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dt.newbyteorder("="): code for code, dt in _TYPES.items()}

_GZIP_MAGIC = b"\x1f\x8b"


def _describe(magic: int) -> str:
    code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    kind = _TYPES[code].newbyteorder("=").name if code in _TYPES else f"unknown type 0x{code:02x}"
    return f"0x{magic:08x} ({kind}, {ndim} dims)"


def _decompress(data: bytes, source: object) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        # EOFError is what a truncated gzip stream raises; OSError covers
        # BadGzipFile (bad header or CRC) and zlib.error a corrupt deflate stream.
        raise IDXFormatError(source, f"corrupt or truncated gzip data ({exc})") from exc


def decode_idx(data: bytes, source: object = "<bytes>", *, magic: int | None = None) -> np.ndarray:
    """Parse the bytes of an IDX file, gzip-compressed or raw.

    Inputs:
    - data: the file's bytes.
    - source: how to name the file in error messages (a path or a URL).
    - magic: if given, the exact magic number required, e.g. IMAGES_MAGIC.

    Returns a new, writeable array in native byte order, with the shape given
    by the header (for MNIST images: (N, 28, 28) uint8).

    Raises IDXFormatError on bad gzip data, an unknown type, a wrong magic or
    a payload whose length does not match the header.
    """
    if data[:2] == _GZIP_MAGIC:
        data = _decompress(data, source)
    if len(data) < 4:
        raise IDXFormatError(source, f"only {len(data)} bytes, too short for an IDX header")
    (found,) = struct.unpack(">I", data[:4])
    code, ndim = (found >> 8) & 0xFF, found & 0xFF
    if found >> 16 != 0 or code not in _TYPES:
        raise IDXFormatError(source, f"bad magic number 0x{found:08x}, not an IDX file")
    if magic is not None and found != magic:
        raise IDXFormatError(
            source, f"magic number {_describe(found)}, expected {_describe(magic)}"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(source, f"truncated header: {ndim} dims need {header} bytes")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _TYPES[code]
    count = math.prod(dims)
    expected = header + count * dtype.itemsize
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "trailing bytes"
        raise IDXFormatError(
            source,
            f"{what}: header says shape {tuple(dims)}, i.e. {expected} bytes, "
            f"but the data has {len(data)}",
        )
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header)
    # astype copies, which both frees the caller from the read-only buffer and
    # converts to native byte order so arithmetic on the result is fast.
    return array.astype(dtype.newbyteorder("=")).reshape(dims)


def read_idx(path: str | os.PathLike[str], *, magic: int | None = None) -> np.ndarray:
    """Read an IDX file (gzip or raw) from disk; see decode_idx."""
    path = Path(path)
    return decode_idx(path.read_bytes(), path, magic=magic)


def encode_idx(array: np.ndarray) -> bytes:
    """Serialize an array as raw (uncompressed) IDX bytes.

    Inputs:
    - array: any shape with 1 to 255 dims, dtype uint8, int8, int16, int32,
      float32 or float64.
    """
    array = np.asarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"IDX cannot store dtype {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {array.ndim}")
    if any(n >= 2**32 for n in array.shape):
        raise ValueError(f"IDX sizes must fit in 32 bits, got shape {array.shape}")
    header = struct.pack(f">I{array.ndim}I", (code << 8) | array.ndim, *array.shape)
    return header + np.ascontiguousarray(array, dtype=_TYPES[code]).tobytes()


def write_idx(
    path: str | os.PathLike[str], array: np.ndarray, *, compress: bool | None = None
) -> None:
    """Write an array as an IDX file, atomically.

    Inputs:
    - path: destination; compressed when it ends in ".gz" unless `compress`
      says otherwise.
    - array: see encode_idx.

    The gzip header gets mtime 0 and no file name, so the same array always
    gives the same bytes (with the same zlib), which keeps committed data
    files reproducible.
    """
    path = Path(path)
    if compress is None:
        compress = path.suffix == ".gz"
    data = encode_idx(array)
    if compress:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file 0600; data files may end up in a shared install.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
