"""Download dataset files from mirrors, verify their MD5, and store them atomically.

Nothing here runs at import time and nothing is imported that a loader with
local files does not need: urllib and tqdm are imported on first download.

Every byte goes to a hidden temporary file in the destination directory and
only an os.replace gives it its real name, so an interrupted download, a
failed checksum or a file that fails validation leaves no file with a
standard name behind: the cache never holds a partial copy.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dataset.errors import ChecksumError, DownloadError

__all__ = [
    "DEFAULT_TIMEOUT",
    "MIRROR_ENV",
    "Staged",
    "download_file",
    "download_staged",
    "file_url",
    "mirrors_from_env",
]

MIRROR_ENV = "SCRATCHGRAD_DATASET_MIRROR"
DEFAULT_TIMEOUT = 30.0
_CHUNK = 1 << 16


def mirrors_from_env(dataset: str, default: Sequence[str]) -> tuple[str, ...]:
    """Mirrors to try for `dataset` ("mnist" or "fashion-mnist").

    SCRATCHGRAD_DATASET_MIRROR, when set, replaces `default`: one or more base
    URLs separated by spaces, in which "{dataset}" stands for the dataset's
    name, so one variable can serve both datasets from one server.
    """
    value = os.environ.get(MIRROR_ENV, "").strip()
    if not value:
        return tuple(default)
    return tuple(url.replace("{dataset}", dataset) for url in value.split())


def file_url(base: str, filename: str) -> str:
    """URL of `filename` under the mirror `base` (with or without a final slash)."""
    return base.rstrip("/") + "/" + filename


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    # Jupyter's stderr is no tty, but that is where students download from.
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def _progress_bar(total: int | None, desc: str, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # a bar is a nicety, not a reason to fail a download
        return None
    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024,
                file=sys.stderr, leave=False)


def _copy_verified(response: IO[bytes], out: IO[bytes], url: str, md5: str, bar: Any) -> None:
    # MD5 because that is what the datasets publish; it guards against
    # corruption, and the kwarg keeps FIPS-mode Pythons from refusing it.
    digest = hashlib.md5(usedforsecurity=False)
    while chunk := response.read(_CHUNK):
        digest.update(chunk)
        out.write(chunk)
        if bar is not None:
            bar.update(len(chunk))
    if digest.hexdigest() != md5.lower():
        raise ChecksumError(url, md5.lower(), digest.hexdigest())


def _fetch_to_temp(url: str, dest_dir: Path, name: str, md5: str, progress: bool,
                   timeout: float) -> Path:
    """Download `url` into a new hidden file in `dest_dir`; return its path.

    The file is removed again on any failure, including KeyboardInterrupt.
    """
    from urllib.request import Request, urlopen

    fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            request = Request(url, headers={"User-Agent": "scratchgrad-dataset"})
            with urlopen(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                bar = _progress_bar(total, name, progress)
                try:
                    _copy_verified(response, out, url, md5, bar)
                finally:
                    if bar is not None:
                        bar.close()
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would surprise in a shared cache
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def _fetch_from_mirrors(mirrors: Sequence[str], dest_dir: Path, name: str, md5: str,
                        progress: bool, timeout: float) -> tuple[Path, str]:
    from http.client import HTTPException

    attempts: list[tuple[str, BaseException]] = []
    for base in mirrors:
        url = file_url(base, name)
        try:
            return _fetch_to_temp(url, dest_dir, name, md5, progress, timeout), url
        # OSError covers URLError, HTTPError and timeouts; ValueError covers a
        # malformed mirror URL and ChecksumError.  Anything else is a bug.
        except (OSError, HTTPException, ValueError) as exc:
            attempts.append((url, exc))
    raise DownloadError(name, attempts)


def download_file(
    url: str,
    dest: str | os.PathLike[str],
    md5: str,
    *,
    progress: bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Download one URL to `dest`, atomically, refusing content whose MD5 differs.

    Raises ChecksumError (nothing written) on a mismatch, OSError and friends
    on network errors.  Returns `dest` as a Path.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _fetch_to_temp(url, dest.parent, dest.name, md5, _show_progress(progress), timeout)
    os.replace(tmp, dest)
    return dest


@dataclass
class Staged:
    """Downloaded files not yet under their final names.

    - paths: file name -> temporary path, readable now.
    - urls: file name -> the URL it came from, for messages.
    """

    paths: dict[str, Path] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


@contextmanager
def download_staged(
    md5: Mapping[str, str],
    dest_dir: str | os.PathLike[str],
    *,
    mirrors: Sequence[str],
    progress: bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[Staged]:
    """Download several files, all or nothing.

    Inputs:
    - md5: file name -> published MD5; each file is fetched from the first
      mirror that serves it with that checksum (a mismatch is refused and the
      next mirror tried).
    - dest_dir: where the files go; created if missing.
    - mirrors: base URLs, tried in order for each file.

    Yields a Staged whose files the caller can validate.  Only when the
    with-block exits without an exception are they renamed into dest_dir;
    otherwise every temporary file is removed.  Raises DownloadError when
    every mirror failed for some file.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    show = _show_progress(progress)
    staged = Staged()
    try:
        for name, checksum in md5.items():
            path, url = _fetch_from_mirrors(mirrors, dest_dir, name, checksum, show, timeout)
            staged.paths[name] = path
            staged.urls[name] = url
        yield staged
        for name, path in list(staged.paths.items()):
            os.replace(path, dest_dir / name)
            del staged.paths[name]
    finally:
        for path in staged.paths.values():
            path.unlink(missing_ok=True)
