"""Exceptions raised by the dataset loaders.

They live in one dependency-free module so that a grader can catch them
without importing numpy or the download machinery.
"""

from __future__ import annotations

__all__ = ["ChecksumError", "DatasetNotFoundError", "DownloadError", "IDXFormatError"]


class DatasetNotFoundError(FileNotFoundError):
    """No copy of a dataset was found locally and it could not be downloaded.

    Subclasses FileNotFoundError so that ``except FileNotFoundError`` in a
    student's notebook still catches it; ``str(err)`` is a one-paragraph
    message that names the four files and where to put them.
    """


class IDXFormatError(ValueError):
    """A file is not a valid IDX file (bad gzip, wrong magic, wrong length, ...).

    ``path`` names the offending file (a path or a URL), which the message
    also contains.
    """

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ChecksumError(ValueError):
    """A downloaded file does not have its published MD5; it was discarded."""

    def __init__(self, url: str, expected: str, actual: str) -> None:
        self.url = url
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{url}: MD5 {actual} does not match the published {expected}; "
            "the file was discarded"
        )


class DownloadError(RuntimeError):
    """Every mirror failed for some file; ``attempts`` lists (url, error) pairs."""

    def __init__(self, filename: str, attempts: list[tuple[str, BaseException]]) -> None:
        self.filename = filename
        self.attempts = attempts
        tried = "; ".join(f"{url}: {_short(err)}" for url, err in attempts) or "no mirror given"
        super().__init__(f"could not download {filename} ({tried})")


def _short(err: BaseException) -> str:
    # ChecksumError already starts with the URL, which the caller prints too.
    if isinstance(err, ChecksumError):
        return f"MD5 {err.actual} instead of {err.expected}"
    return f"{type(err).__name__}: {err}"
