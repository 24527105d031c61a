"""Writing report files so that a crash, a kill or a full disk never leaves a broken one.

Every report is written to a temporary file beside its target, flushed to disk, and renamed
over the target (`os.replace` is atomic on POSIX): a reader, and a rerun, sees either the
old file or the new one, never an empty or half-written one. Temporary files are named
`.<target>.<pid>.scratchgrad-tmp`; a run killed between writing and renaming leaves one
behind, and the next run into the same folder removes those whose process is gone.

Shared files (grades.csv) are read, merged and replaced under an exclusive `flock` on a
lock file beside them, so two runs into one OUT both keep their rows.

CSV cells that a spreadsheet would run as a formula are escaped here, for every CSV the kit
writes.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..i18n.messages import N_, _

TEMP_SUFFIX = ".scratchgrad-tmp"
_TEMP_NAME = re.compile(r"^\..+\.(\d+)" + re.escape(TEMP_SUFFIX) + r"$")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


MSG_NOT_A_FOLDER = N_("The output folder {out} exists and is not a folder.")
MSG_NOT_WRITABLE = N_("Cannot write reports into {out} ({reason}); nothing was graded.")


class ReportError(Exception):
    """A report cannot be written (folder not writable, disk full, foreign grades.csv).

    The message is one whole sentence for the instructor; nothing already written is lost.
    """


def temp_path(target: Path) -> Path:
    """Where `target` is written before it is renamed into place (one per process)."""
    return target.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")


def atomic_write(target: Path, data: bytes) -> None:
    """Replace `target` by `data` all at once: after a crash it holds the old or the new
    bytes, never a prefix. The temporary file is removed when writing fails (ENOSPC)."""
    tmp = temp_path(target)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_text(target: Path, text: str) -> None:
    """`atomic_write` for UTF-8 text."""
    atomic_write(target, text.encode("utf-8"))


def lock_path(target: Path) -> Path:
    """The lock file of a shared report. Its name starts with a dot, which no student id
    may, so it never clashes with a student's report folder."""
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold an exclusive lock for a read-merge-replace of `target` (waits for other runs)."""
    with open(lock_path(target), "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_files(out: Path, depth: int = 3) -> list[Path]:
    """Delete temporary files left in `out` by runs that were killed mid-write.

    Only names this module makes, and only those of processes that no longer exist: a run
    writing into the same OUT at the same time keeps its own. The reports sit at most
    three levels down (OUT/gradescope/<student>/<assignment>/results.json), so the walk
    stops there however large the folder is."""
    removed: list[Path] = []
    base = len(out.parts)
    for folder, dirs, files in os.walk(out):
        if len(Path(folder).parts) - base >= depth:
            dirs[:] = []
        for name in files:
            match = _TEMP_NAME.match(name)
            if match and not _alive(int(match.group(1))):
                path = Path(folder) / name
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed


def check_writable(out: Path) -> None:
    """Make sure reports can be written into `out` before anything is graded.

    os.access() is not enough: it says yes to root on a read-only mount and knows nothing of
    a full disk. So a small file is really written, flushed and removed. Raises ReportError.
    """
    if out.exists() and not out.is_dir():
        raise ReportError(_(MSG_NOT_A_FOLDER).format(out=out))
    probe = temp_path(out / ".write-check")  # this run's own name: runs side by side agree
    try:
        out.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as f:
            f.write(b"\0" * 4096)
            f.flush()
            os.fsync(f.fileno())
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise ReportError(_(MSG_NOT_WRITABLE).format(out=out, reason=exc.strerror or exc)) from None
    remove_stale_temp_files(out)


def escape_cell(value: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula: a leading = + - @ tab or CR gets a
    single quote in front (OWASP). Applied to every cell; scores are never negative, so
    numbers are left as they are. A cell that starts with a quote gets one more, so that
    `unescape_cell` gives back exactly the original (`'=1` and `=1` stay two students)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START + ("'",)) else text


def unescape_cell(text: str) -> str:
    """The value `escape_cell` was given."""
    return text.removeprefix("'")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The CSV file for `header` and `rows`, every cell escaped."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(c) for c in header])
    for row in rows:
        writer.writerow([escape_cell(c) for c in row])
    return buffer.getvalue().encode("utf-8")
