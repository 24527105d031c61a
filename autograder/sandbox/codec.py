"""The wire format between the grader and the sandboxed worker: frames of JSON and arrays.

Nothing here unpickles or executes anything. A frame is a small header, a JSON document
and raw array buffers. The decoder is strict because the grader decodes what student code
sent: only plain numeric dtypes, shapes that match their buffers, bounded sizes and depth.

Frame: b"SG01" | u32 JSON length | u32 blob count | JSON | (u64 length | bytes) per blob
"""

from __future__ import annotations

import functools
import json
import re
import socket
import struct
import time
from typing import Any

import numpy as np

MAGIC = b"SG01"
_HEADER = struct.Struct("<4sII")
_BLOB_LEN = struct.Struct("<Q")

MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_BLOBS = 4096
MAX_FRAME_BYTES = 1024 * 1024 * 1024
MAX_DEPTH = 48
MAX_NDIM = 32

# Plain numeric dtypes only: no objects, strings, structured or datetime types.
_DTYPE = re.compile(r"^[<>|=]([biufc])(\d{1,2})$")
_ALLOWED_SIZES = {"b": {1}, "i": {1, 2, 4, 8}, "u": {1, 2, 4, 8}, "f": {2, 4, 8},
                  "c": {8, 16}}


class ProtocolError(Exception):
    """The other side sent something that is not a valid message."""


class TooLarge(ProtocolError):
    """A message, or the messages of one check, exceeded what the receiver accepts."""


class ChannelClosed(Exception):
    """The other side closed the connection (for the worker: it died)."""


class ChannelTimeout(Exception):
    """No complete message arrived before the deadline."""


def check_dtype(text: Any) -> np.dtype:
    """The numpy dtype for a wire dtype string, or ProtocolError."""
    if not isinstance(text, str):
        raise ProtocolError("dtype must be a string")
    return _allowed_dtype(text)


@functools.lru_cache(maxsize=64)  # a few dtypes recur in thousands of messages
def _allowed_dtype(text: str) -> np.dtype:
    match = _DTYPE.match(text)
    if not match or int(match.group(2)) not in _ALLOWED_SIZES[match.group(1)]:
        raise ProtocolError(f"dtype {text[:20]!r} is not allowed")
    return np.dtype(text)


def check_shape(shape: Any) -> tuple[int, ...]:
    if not isinstance(shape, list) or len(shape) > MAX_NDIM or not all(
        type(n) is int and 0 <= n < 2**40 for n in shape
    ):
        raise ProtocolError("bad array shape")
    return tuple(shape)


def array_from_blob(blob: bytearray, dtype_text: Any, shape_list: Any) -> np.ndarray:
    """A fresh, writeable, native-order ndarray from a received buffer."""
    dtype = check_dtype(dtype_text)
    shape = check_shape(shape_list)
    count = 1
    for n in shape:
        count *= n
    if count * dtype.itemsize != len(blob):
        raise ProtocolError("array buffer length does not match its shape")
    array = np.frombuffer(blob, dtype=dtype).reshape(shape)
    if not dtype.isnative:
        array = array.astype(dtype.newbyteorder("="))
    return array


def blob_of(array: np.ndarray) -> tuple[str, list[int], memoryview]:
    """dtype string, shape and a buffer for an ndarray of a plain numeric dtype."""
    if not array.flags.c_contiguous:  # (np.ascontiguousarray would turn 0-d into 1-d)
        array = np.ascontiguousarray(array)
    if array.dtype.kind not in _ALLOWED_SIZES or array.dtype.hasobject:
        raise TypeError(f"cannot send an array of dtype {array.dtype}")
    return array.dtype.str, list(array.shape), memoryview(array).cast("B")


class Channel:
    """A socket with a read buffer: one recv() usually brings a whole small frame."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        # What the receiver accepts (the grader bounds what student code can make it hold):
        # bytes in one message, and bytes left for the check in progress (None: no budget).
        self.max_message = MAX_FRAME_BYTES
        self.budget: int | None = None
        self._buf = bytearray()
        self._pos = 0
        self._chunk = bytearray(262144)  # reused for every small read from the socket

    def send(self, doc: Any, blobs: list[memoryview | bytes], deadline: float | None = None
             ) -> None:
        body = _ENCODER.encode(doc).encode()
        parts: list[bytes | memoryview] = [_HEADER.pack(MAGIC, len(body), len(blobs)), body]
        for blob in blobs:
            parts.append(_BLOB_LEN.pack(len(blob)))
            parts.append(blob)
        self._settimeout(deadline)
        try:
            if sum(len(p) for p in parts) < 1 << 20:  # one system call for a small frame
                self.sock.sendall(b"".join(parts))
            else:  # no copy of large arrays: they go out from their own buffers
                for part in parts:
                    self.sock.sendall(part)
        except TimeoutError:
            raise ChannelTimeout() from None
        except OSError as exc:
            raise ChannelClosed(str(exc)) from None

    def recv(self, deadline: float | None = None) -> tuple[Any, list[bytearray]]:
        """Read one frame. deadline is a time.monotonic() value, or None to wait forever."""
        magic, json_len, blob_count = _HEADER.unpack(self._read(_HEADER.size, deadline))
        if magic != MAGIC:
            raise ProtocolError("bad frame header")
        if json_len > MAX_JSON_BYTES or blob_count > MAX_BLOBS:
            raise ProtocolError("frame too large")
        body = self._read(json_len, deadline)
        blobs, total = [], json_len
        for _ in range(blob_count):
            (length,) = _BLOB_LEN.unpack(self._read(_BLOB_LEN.size, deadline))
            total += length
            if total > self.max_message:
                raise TooLarge(f"a message larger than {self.max_message // 2**20} MiB")
            if self.budget is not None and total > self.budget:
                raise TooLarge("messages larger than the check's budget of received bytes")
            blobs.append(self._read(length, deadline))
        if self.budget is not None:
            self.budget -= total
        try:
            doc = _DECODER.decode(body.decode())
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"invalid JSON: {str(exc)[:100]}") from None
        return doc, blobs

    def _settimeout(self, deadline: float | None) -> None:
        if deadline is None:
            self.sock.settimeout(None)
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ChannelTimeout()
        self.sock.settimeout(remaining)

    def _read(self, n: int, deadline: float | None) -> bytearray:
        """Exactly n bytes: from the buffer, then straight from the socket for big reads."""
        pos = self._pos
        if len(self._buf) - pos >= n:  # the common case: a small frame arrived whole
            self._pos = pos + n
            return self._buf[pos:pos + n]
        out = bytearray(n)
        have = min(n, len(self._buf) - self._pos)
        out[:have] = self._buf[self._pos:self._pos + have]
        self._pos += have
        if self._pos == len(self._buf):
            self._buf, self._pos = bytearray(), 0
        view = memoryview(out)
        while have < n:
            self._settimeout(deadline)
            try:
                if n - have >= 65536:
                    k = self.sock.recv_into(view[have:], n - have)
                else:
                    got = self.sock.recv_into(self._chunk)
                    k = min(got, n - have)
                    out[have:have + k] = self._chunk[:k]
                    if got > k:
                        self._buf, self._pos = self._chunk[k:got], 0
            except TimeoutError:
                raise ChannelTimeout() from None
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None
            if k == 0:
                raise ChannelClosed("the other side closed the connection")
            have += k
        return out


def _reject_constant(name: str) -> Any:
    raise ProtocolError(f"{name} is not valid JSON")


# Built once: json.dumps and json.loads with options build a new coder on every call.
_ENCODER = json.JSONEncoder(allow_nan=False, separators=(",", ":"))
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
