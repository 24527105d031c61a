"""OUT/grades.csv: one row per student and assignment, kept across runs.

A run replaces the rows of the submissions it graded and keeps every other row, so grading
one assignment, or one student, never drops the rest of the class; two runs into one OUT
merge under a lock instead of the last one winning. The file is replaced atomically.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from pathlib import Path

from .. import curriculum
from ..grade.results import AssignmentResult
from ..i18n.messages import N_, _
from .files import ReportError, atomic_write, csv_bytes, locked, unescape_cell

MSG_UNREADABLE = N_("Cannot read the existing {path} ({reason}); move it away and run again.")
MSG_FOREIGN = N_("The existing {path} is not a grades table written by scratchgrad; move it away "
                 "and run again.")
MSG_NOT_A_FILE = N_("{path} exists and is not a file; move it away and run again.")

HEADER = ["student_id", "assignment", "score", "max_score", "percent", "passed", "failed",
          "error", "timeout"]


def _num(x: float) -> str:
    return f"{x:g}"


def row_of(result: AssignmentResult) -> list[str]:
    """The grades.csv row of one graded submission (unescaped)."""
    counts = [sum(c.status == s for c in result.checks)
              for s in ("passed", "failed", "error", "timeout")]
    percent = 100 * result.score / result.max_score if result.max_score else 0.0
    return [result.student_id, result.assignment, _num(result.score), _num(result.max_score),
            f"{percent:.1f}", *map(str, counts)]


def read_grades_csv(path: Path) -> list[list[str]]:
    """The rows of an existing grades.csv (unescaped), [] when there is none.

    Raises ReportError for a file this kit did not write: merging into it would mix two
    tables, and replacing it would lose it."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # with or without a BOM
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(_(MSG_UNREADABLE).format(path=path, reason=exc)) from None
    rows = [[unescape_cell(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
    if not rows:
        return []
    if rows[0] != HEADER or any(len(r) != len(HEADER) for r in rows[1:]):
        raise ReportError(_(MSG_FOREIGN).format(path=path))
    return rows[1:]


def _order(row: list[str]) -> tuple[str, int, str]:
    position = {a.id: i for i, a in enumerate(curriculum.ASSIGNMENTS)}
    return row[0], position.get(row[1], len(position)), row[1]


def write_grades_csv(results: Iterable[AssignmentResult], path: Path, bom: bool = False) -> None:
    """Merge `results` into `path` by (student, assignment): their rows replace the old
    ones, other rows stay. Rows are sorted by student, then assignment, so the file depends
    only on what was graded, not on the order of the runs.

    bom: start the file with a UTF-8 byte order mark. Excel on a Japanese Windows reads a
    CSV without one as Shift_JIS, which garbles every Japanese name; Python reads it back
    with encoding="utf-8-sig"."""
    new = {(r.student_id, r.assignment): row_of(r) for r in results}
    with locked(path):
        rows = {(r[0], r[1]): r for r in read_grades_csv(path)}
        rows.update(new)
        body = csv_bytes(HEADER, sorted(rows.values(), key=_order))
        atomic_write(path, codecs.BOM_UTF8 + body if bom else body)


def check_grades_csv(path: Path) -> None:
    """Before grading: an existing grades.csv must be one this kit can merge into."""
    if path.exists() and not path.is_file():
        raise ReportError(_(MSG_NOT_A_FILE).format(path=path))
    read_grades_csv(path)
