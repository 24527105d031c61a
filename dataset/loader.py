"""Find an MNIST-format dataset on disk or download it, then decode it.

Lookup order, first match wins:
1. an explicit directory: the data_dir argument, else the spec's environment
   variable (a directory named there must hold the files: no silent fallback);
2. the user's cache, $XDG_CACHE_HOME/scratchgrad/<name> (~/.cache/... by default);
3. directories a distribution package installs to (Debian's, for Fashion-MNIST);
4. a download from the mirrors into the cache, verified by MD5.
"""

from __future__ import annotations

import os
from pathlib import Path

from dataset.convert import Split, to_book_format
from dataset.errors import DatasetNotFoundError, DownloadError, IDXFormatError
from dataset.spec import FILES, DatasetSpec
from dataset.splits import RawSplits, read_splits

__all__ = ["cache_dir", "find_files", "load", "load_raw", "locate", "not_found_message"]


def cache_dir(spec: DatasetSpec) -> Path:
    """The per-user directory downloads of `spec` go to."""
    root = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says to ignore a relative value.
    base = Path(root) if os.path.isabs(root) else Path.home() / ".cache"
    return base / "scratchgrad" / spec.name


def find_files(directory: Path) -> tuple[dict[str, Path], list[str]]:
    """Look for the four standard files in `directory`.

    Each may also be there uncompressed (without ".gz"), as left by gunzip.
    Returns (found: name -> path, missing names).
    """
    found: dict[str, Path] = {}
    missing: list[str] = []
    for name in FILES:
        for candidate in (directory / name, directory / name.removesuffix(".gz")):
            if candidate.is_file():
                found[name] = candidate
                break
        else:
            missing.append(name)
    return found, missing


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def not_found_message(spec: DatasetSpec, reason: str) -> str:
    """The one paragraph shown when no usable copy of `spec` exists."""
    apt = ""
    if spec.apt_package and spec.system_dirs:
        apt = (f", or install them system-wide with `sudo apt-get install {spec.apt_package}`"
               f" (Debian/Ubuntu; it puts them in {spec.system_dirs[0]})")
    return (
        f"{spec.title} could not be loaded: {reason}. "
        f"Put the four files {_and_list(list(FILES))} (as published; gunzipped copies work too) "
        f"in {cache_dir(spec)}, or in a directory named by the environment variable "
        f"{spec.env_var} or passed as data_dir=...{apt}, then run the cell again. "
        "To practise offline without them, dataset.sample.load_sample() returns a small "
        "Fashion-MNIST subset that ships with the kit."
    )


def _explicit_dir(
    spec: DatasetSpec, data_dir: str | os.PathLike[str] | None
) -> tuple[Path, str] | None:
    if data_dir is not None:
        return Path(data_dir).expanduser(), "data_dir"
    value = os.environ.get(spec.env_var, "")
    return (Path(value).expanduser(), f"${spec.env_var}") if value else None


def locate(spec: DatasetSpec, data_dir: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Find a complete local copy of `spec`, in the order of the module docstring.

    Returns standard file name -> path, or {} when only a download can help.
    Raises DatasetNotFoundError when an explicit directory lacks a file.
    """
    explicit = _explicit_dir(spec, data_dir)
    if explicit is not None:
        directory, origin = explicit
        found, missing = find_files(directory)
        if missing:
            reason = f"the directory {directory} (from {origin}) lacks {_and_list(missing)}"
            raise DatasetNotFoundError(not_found_message(spec, reason))
        return found
    for directory in (cache_dir(spec), *spec.system_dirs):
        found, missing = find_files(directory)
        if not missing:
            return found
    return {}


def _download(spec: DatasetSpec) -> RawSplits:
    from dataset.download import download_staged, mirrors_from_env

    target = cache_dir(spec)
    # Files already in the cache (put there by hand, say) are not fetched again.
    cached, _ = find_files(target)
    wanted = {name: md5 for name, md5 in spec.md5.items() if name not in cached}
    mirrors = mirrors_from_env(spec.name, spec.mirrors)
    try:
        with download_staged(wanted, target, mirrors=mirrors) as staged:
            # Decode before the files get their real names, so that a copy that
            # passes its checksum yet fails validation never enters the cache.
            return read_splits({**cached, **staged.paths}, display=staged.urls)
    except DownloadError as exc:
        reason = f"no local copy was found and downloading it failed ({exc})"
        raise DatasetNotFoundError(not_found_message(spec, reason)) from exc


def load_raw(spec: DatasetSpec, data_dir: str | os.PathLike[str] | None = None) -> RawSplits:
    """Locate (or download) and decode `spec`; see the module docstring for the order.

    Returns RawSplits: x_* (N, 28, 28) uint8, t_* (N,) uint8.
    Raises DatasetNotFoundError when no copy can be had, IDXFormatError
    naming the file when a copy is corrupt.
    """
    paths = locate(spec, data_dir)
    if not paths:
        return _download(spec)
    try:
        return read_splits(paths)
    except IDXFormatError as exc:
        if data_dir is None and Path(exc.path).parent == cache_dir(spec):
            raise IDXFormatError(
                exc.path, f"{exc.problem}; delete this cached file to download it again"
            ) from None
        raise


def load(
    spec: DatasetSpec,
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[Split, Split]:
    """load_mnist for any spec; see dataset.mnist.load_mnist."""
    return to_book_format(load_raw(spec, data_dir), normalize, flatten, one_hot_label)
