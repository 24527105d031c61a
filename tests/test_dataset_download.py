"""Downloads, against an HTTP server on 127.0.0.1 serving generated IDX files.

Nothing here reaches the internet: every mirror is the local server, and the
cache is pointed at tmp_path through XDG_CACHE_HOME.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from dataset import mnist
from dataset.download import download_file, download_staged, mirrors_from_env
from dataset.errors import ChecksumError, DatasetNotFoundError, DownloadError, IDXFormatError
from dataset.idx import encode_idx
from dataset.loader import cache_dir, load_raw
from dataset.spec import FILES, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS


class Server:
    """Serves `files` (URL path -> body) and records every requested path.

    A body given as (data, claimed_length) is sent with that Content-Length
    and the connection closed early, like a transfer cut off midway.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.files: dict[str, bytes | tuple[bytes, int]] = {}
        self.requests: list[str] = []

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.port}/{prefix}/"

    def publish(self, prefix: str, files: dict[str, bytes]) -> None:
        self.files.update({f"/{prefix}/{name}": data for name, data in files.items()})


@pytest.fixture
def server() -> Iterator[Server]:
    state: Server

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            body = state.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            data, length = body if isinstance(body, tuple) else (body, len(body))
            self.send_response(200)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state = Server(httpd.server_address[1])
    # A short poll interval keeps shutdown() from adding half a second per test.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def closed_port_url() -> str:
    """A URL on which nothing listens, so connecting fails at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch) -> Path:
    """Cache in tmp_path, and no directory or mirror from the caller's environment."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for var in ("SCRATCHGRAD_MNIST_DIR", "SCRATCHGRAD_FASHION_MNIST_DIR",
                "SCRATCHGRAD_DATASET_MIRROR"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "cache"


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def fake_arrays(n_train: int = 30, n_test: int = 10) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    return {
        TRAIN_IMAGES: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        TRAIN_LABELS: (np.arange(n_train) % 10).astype(np.uint8),
        TEST_IMAGES: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        TEST_LABELS: (np.arange(n_test) % 10).astype(np.uint8),
    }


def gz_files(arrays: dict[str, np.ndarray]) -> dict[str, bytes]:
    return {name: gzip.compress(encode_idx(a), mtime=0) for name, a in arrays.items()}


def spec_for(files: dict[str, bytes], mirrors: tuple[str, ...]) -> mnist.DatasetSpec:
    """MNIST's spec with checksums of the generated files and local mirrors."""
    checksums = {name: md5(data) for name, data in files.items()}
    return dataclasses.replace(mnist.SPEC, md5=checksums, mirrors=mirrors)


# --- download_file: one URL ---------------------------------------------------------------


def test_download_file_writes_the_verified_file(server, tmp_path):
    server.publish("m", {"a.gz": b"payload" * 1000})
    dest = tmp_path / "out" / "a.gz"
    assert download_file(server.url("m") + "a.gz", dest, md5(b"payload" * 1000),
                         progress=True) == dest
    assert dest.read_bytes() == b"payload" * 1000
    assert files_under(tmp_path / "out") == [dest]


def test_download_file_refuses_a_checksum_mismatch(server, tmp_path):
    server.publish("m", {"a.gz": b"tampered"})
    with pytest.raises(ChecksumError, match="does not match") as info:
        download_file(server.url("m") + "a.gz", tmp_path / "a.gz", md5(b"original"))
    assert info.value.actual == md5(b"tampered")
    assert files_under(tmp_path) == []


def test_download_file_refuses_a_cut_off_transfer(server, tmp_path):
    data = b"x" * 10_000
    server.files["/m/a.gz"] = (data[:100], len(data))
    with pytest.raises((ChecksumError, OSError)):
        download_file(server.url("m") + "a.gz", tmp_path / "a.gz", md5(data))
    assert files_under(tmp_path) == []


# --- download_staged: several files, several mirrors -------------------------------------


def test_mismatch_is_refused_and_the_next_mirror_tried(server, tmp_path):
    good = gz_files(fake_arrays())
    server.publish("bad", {name: b"not the file" for name in good})
    server.publish("good", good)
    checksums = {name: md5(data) for name, data in good.items()}
    with download_staged(checksums, tmp_path, mirrors=[server.url("bad"), server.url("good")]):
        pass
    for name, data in good.items():
        assert (tmp_path / name).read_bytes() == data
    assert files_under(tmp_path) == sorted(tmp_path / name for name in FILES)
    assert server.requests == [f"/{m}/{name}" for name in FILES for m in ("bad", "good")]


def test_unreachable_and_missing_mirrors_are_skipped(server, tmp_path, closed_port_url):
    server.publish("good", {"a.gz": b"data"})
    mirrors = [closed_port_url, server.url("empty"), server.url("good")]
    with download_staged({"a.gz": md5(b"data")}, tmp_path, mirrors=mirrors):
        pass
    assert (tmp_path / "a.gz").read_bytes() == b"data"


def test_when_every_mirror_fails_nothing_is_kept(server, tmp_path, closed_port_url):
    good = gz_files(fake_arrays())
    # The first two files download fine; the third has no good copy anywhere.
    server.publish("m", {TRAIN_IMAGES: good[TRAIN_IMAGES], TRAIN_LABELS: good[TRAIN_LABELS],
                         TEST_IMAGES: b"wrong"})
    checksums = {name: md5(data) for name, data in good.items()}
    mirrors = [server.url("m"), closed_port_url]
    with pytest.raises(DownloadError) as info, download_staged(checksums, tmp_path,
                                                               mirrors=mirrors):
        pytest.fail("must not get here")
    message = str(info.value)
    assert TEST_IMAGES in message and server.url("m") in message and closed_port_url in message
    assert "MD5" in message
    assert files_under(tmp_path) == []


def test_an_error_inside_the_block_discards_the_download(server, tmp_path):
    server.publish("m", {"a.gz": b"data"})
    with (pytest.raises(RuntimeError, match="validation failed"),
          download_staged({"a.gz": md5(b"data")}, tmp_path, mirrors=[server.url("m")])):
        raise RuntimeError("validation failed")
    assert files_under(tmp_path) == []


def test_mirror_env_var_replaces_defaults(monkeypatch):
    assert mirrors_from_env("mnist", ("https://a/",)) == ("https://a/",)
    monkeypatch.setenv("SCRATCHGRAD_DATASET_MIRROR", " http://x/{dataset}/  http://y/ ")
    assert mirrors_from_env("fashion-mnist", ("https://a/",)) == (
        "http://x/fashion-mnist/", "http://y/")


# --- the loaders' download path -----------------------------------------------------------


def test_load_mnist_downloads_once_into_the_cache(server, monkeypatch, isolated_env,
                                                  closed_port_url):
    arrays = fake_arrays()
    files = gz_files(arrays)
    server.publish("mnist", files)
    monkeypatch.setattr(mnist, "SPEC", spec_for(files, mnist.SPEC.mirrors))
    # {dataset} lets one variable serve both datasets; the dead first mirror is skipped.
    monkeypatch.setenv("SCRATCHGRAD_DATASET_MIRROR",
                       f"{closed_port_url} {server.url('{dataset}')}")

    (x_train, t_train), (x_test, t_test) = mnist.load_mnist(normalize=False)
    np.testing.assert_array_equal(x_train, arrays[TRAIN_IMAGES].reshape(-1, 784))
    np.testing.assert_array_equal(t_train, arrays[TRAIN_LABELS])
    np.testing.assert_array_equal(x_test, arrays[TEST_IMAGES].reshape(-1, 784))
    np.testing.assert_array_equal(t_test, arrays[TEST_LABELS])
    target = isolated_env / "scratchgrad" / "mnist"
    assert cache_dir(mnist.SPEC) == target
    assert files_under(isolated_env) == sorted(target / name for name in FILES)
    assert {p: p.stat().st_mode & 0o777 for p in files_under(isolated_env)} == {
        p: 0o644 for p in files_under(isolated_env)}

    requests = len(server.requests)
    (x_again, _), _ = mnist.load_mnist(normalize=False)
    assert len(server.requests) == requests  # served from the cache
    np.testing.assert_array_equal(x_again, x_train)


def test_only_missing_files_are_downloaded(server, isolated_env):
    files = gz_files(fake_arrays())
    server.publish("m", files)
    spec = spec_for(files, (server.url("m"),))
    target = cache_dir(spec)
    target.mkdir(parents=True)
    (target / TRAIN_IMAGES).write_bytes(files[TRAIN_IMAGES])
    load_raw(spec)
    assert server.requests == [f"/m/{name}" for name in FILES if name != TRAIN_IMAGES]


def test_checksum_mismatch_through_the_loader_caches_nothing(server, isolated_env):
    files = gz_files(fake_arrays())
    spec = spec_for(files, (server.url("m"),))
    server.publish("m", {**files, TEST_LABELS: gz_files(fake_arrays(n_test=11))[TEST_LABELS]})
    with pytest.raises(DatasetNotFoundError, match="MD5") as info:
        load_raw(spec)
    assert TEST_LABELS in str(info.value)
    assert files_under(isolated_env) == []


CORRUPT_DOWNLOADS = {
    "truncated gzip": (TRAIN_IMAGES, lambda f: f[TRAIN_IMAGES][:-50], "gzip"),
    "bad gzip": (TEST_IMAGES, lambda f: b"\x1f\x8b" + b"\x00" * 40, "gzip"),
    "truncated payload": (TRAIN_IMAGES, lambda f: gzip.compress(
        encode_idx(fake_arrays()[TRAIN_IMAGES])[:-1]), "truncated"),
    "labels as images": (TEST_IMAGES, lambda f: f[TEST_LABELS], "magic"),
    "count mismatch": (TRAIN_LABELS, lambda f: gzip.compress(
        encode_idx(np.zeros(29, np.uint8))), "29 labels"),
    "label out of range": (TEST_LABELS, lambda f: gzip.compress(
        encode_idx(np.full(10, 10, np.uint8))), "out of range"),
    "raw html": (TRAIN_LABELS, lambda f: b"<html>Access denied</html>", "bad magic"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT_DOWNLOADS))
def test_corrupt_download_with_right_checksum_never_enters_the_cache(server, isolated_env,
                                                                     case):
    # A mirror whose published checksum matches broken files (a bad
    # SCRATCHGRAD_DATASET_MIRROR, say) must still not poison the cache.
    name, make, problem = CORRUPT_DOWNLOADS[case]
    files = gz_files(fake_arrays())
    files[name] = make(files)
    server.publish("m", files)
    with pytest.raises(IDXFormatError, match=problem) as info:
        load_raw(spec_for(files, (server.url("m"),)))
    assert info.value.path == server.url("m") + name
    assert files_under(isolated_env) == []


def test_offline_error_is_one_clear_paragraph(monkeypatch, isolated_env, closed_port_url):
    monkeypatch.setenv("SCRATCHGRAD_DATASET_MIRROR", closed_port_url)
    with pytest.raises(DatasetNotFoundError) as info:
        mnist.load_mnist()
    err = info.value
    assert isinstance(err, FileNotFoundError)
    message = str(err)
    assert "\n" not in message
    for needle in (*FILES, "SCRATCHGRAD_MNIST_DIR", str(isolated_env / "scratchgrad" / "mnist"),
                   "data_dir", "load_sample", closed_port_url):
        assert needle in message, needle
    assert "apt-get" not in message  # no package ships MNIST
    assert isinstance(err.__cause__, DownloadError)
    assert files_under(isolated_env) == []


def test_offline_fashion_mnist_error_suggests_the_debian_package(monkeypatch, isolated_env,
                                                                 closed_port_url):
    from dataset import fashion_mnist

    # Hide Debian's directory in case the package is installed on this machine.
    monkeypatch.setattr(fashion_mnist, "SPEC",
                        dataclasses.replace(fashion_mnist.SPEC, system_dirs=(
                            isolated_env / "no-such-dir",)))
    monkeypatch.setenv("SCRATCHGRAD_DATASET_MIRROR", closed_port_url)
    with pytest.raises(DatasetNotFoundError) as info:
        fashion_mnist.load_fashion_mnist()
    message = str(info.value)
    assert "apt-get install dataset-fashion-mnist" in message
    assert "SCRATCHGRAD_FASHION_MNIST_DIR" in message
    assert str(isolated_env / "scratchgrad" / "fashion-mnist") in message
