"""Find submissions laid out as nbgrader's `submitted/` folder.

SUBMISSIONS/<student_id>/<assignment_id>/<topic>.ipynb. Other files are ignored; a
missing or unreadable notebook is still a submission, one that scores 0 with its reason.

A student id names a folder in OUT, so it must be usable as one: printable, no path
separator, no leading dot, at most 100 characters, and not the name of a file the kit
writes at the top of OUT (grades.csv, gradescope). A folder whose name breaks the rule is
skipped with a one-line reason; one whose name starts with a dot is not a student
(.ipynb_checkpoints, .git) and is skipped silently. The OUT folder itself is skipped when
it lies inside SUBMISSIONS, and so are a folder that holds it and no assignment folder
and the report folder of an earlier run (grades.csv and no assignment folder). Symbolic links (student folder, assignment folder or
notebook) are never followed: the submission scores 0 and its report says why.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import curriculum
from ..i18n import language
from ..i18n.messages import N_, _
from ..notebook.loader import Cell, NotebookError, read_cells

MAX_STUDENT_ID = 100

# User-facing messages: whole sentences with named placeholders, ready for translation.
MSG_SKIPPED = N_("Skipped the folder {name}: {problem}.")
MSG_SKIPPED_OUT = N_("Skipped the folder {folder}: it is the output folder.")
MSG_SKIPPED_HOLDS_OUT = N_("Skipped the folder {folder}: it holds the output folder {out}.")
MSG_SKIPPED_OLD_OUT = N_("Skipped the folder {folder}: it is the output folder of an earlier run "
                       "(it holds grades.csv and no assignment folder).")
MSG_UNPRINTABLE = N_("it holds a character that cannot be printed")
MSG_SEPARATOR = N_("it holds a path separator")
MSG_DOT = N_("it starts with a dot")
MSG_TOO_LONG = N_("it is longer than {limit} characters")
MSG_RESERVED = N_("it is the name of a report file scratchgrad writes into the output folder")
MSG_LINKED_STUDENT = N_("The student folder {student}/ is a symbolic link, not a submitted folder, "
                      "so it was not graded.")
MSG_LINKED_ASSIGNMENT = N_("{assignment}/ is a symbolic link, not a submitted folder, so it was "
                         "not graded.")
# The names the report writer puts at the top of OUT (report.writer.RESERVED_NAMES; not
# imported from there, which would make discovery import the whole report package).
RESERVED_IDS = ("grades.csv", "gradescope")


class SubmissionsError(Exception):
    """SUBMISSIONS cannot be graded at all (not a folder, nothing in it)."""


@dataclass
class Submission:
    student_id: str
    assignment_id: str
    path: Path
    cells: list[Cell] | None = None
    problem: str | None = None  # why there is nothing to grade
    lang: str = language.SOURCE  # the notebook's recorded language: its feedback's language


@dataclass
class StudentFolder:
    student_id: str
    submissions: list[Submission] = field(default_factory=list)


def student_id_problem(student_id: str) -> str | None:
    """Why `student_id` cannot be a student id (one sentence), or None when it can."""
    if not student_id or not student_id.isprintable():
        return _(MSG_UNPRINTABLE)
    if "/" in student_id or "\\" in student_id:
        return _(MSG_SEPARATOR)
    if student_id.startswith("."):
        return _(MSG_DOT)
    if len(student_id) > MAX_STUDENT_ID:
        return _(MSG_TOO_LONG).format(limit=MAX_STUDENT_ID)
    if student_id.casefold() in RESERVED_IDS:
        return _(MSG_RESERVED)
    return None


def _print_skip(message: str) -> None:
    print("scratchgrad: " + message, file=sys.stderr)


def read_submission(student_id: str, assignment_id: str, path: Path) -> Submission:
    """One student's notebook for one assignment; `path` is
    <student folder>/<assignment id>/<notebook>. Symbolic links are not followed."""
    a = curriculum.get(assignment_id)
    sub = Submission(student_id, assignment_id, path)
    student_dir, assignment_dir = path.parent.parent, path.parent
    if student_dir.is_symlink():
        sub.problem = _(MSG_LINKED_STUDENT).format(student=student_id)
    elif assignment_dir.is_symlink():
        sub.problem = _(MSG_LINKED_ASSIGNMENT).format(assignment=a.id)
    elif path.is_symlink():
        sub.problem = _("{notebook} is a symbolic link, not a submitted notebook").format(
            notebook=f"{a.id}/{a.notebook}")
    elif not path.is_file():
        sub.problem = _("{notebook} was not submitted").format(notebook=f"{a.id}/{a.notebook}")
    else:
        try:
            sub.cells = read_cells(path)
        except NotebookError as exc:
            sub.problem = str(exc)
        else:
            sub.lang = notebook_language(path)
    return sub


def notebook_language(path: Path) -> str:
    """The language a notebook records in its metadata (English when it records none or the
    file is not what read_cells accepted: the student's file is checked, not trusted)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return language.SOURCE
    metadata = nb.get("metadata") if isinstance(nb, dict) else None
    return language.of_notebook(metadata) if isinstance(metadata, dict) else language.SOURCE


def _submitted(student_dir: Path, a: curriculum.Assignment) -> bool:
    """A real notebook, reached without following any symbolic link."""
    folder = student_dir / a.id
    notebook = folder / a.notebook
    return (not student_dir.is_symlink() and not folder.is_symlink()
            and not notebook.is_symlink() and notebook.is_file())


def _has_assignment(folder: Path) -> bool:
    return any((folder / a.id).exists() or (folder / a.id).is_symlink()
               for a in curriculum.ASSIGNMENTS)


def _earlier_out(folder: Path) -> bool:
    """A report folder of an earlier run (--out inside SUBMISSIONS), not a student."""
    return (folder / "grades.csv").is_file() and not _has_assignment(folder)


def _holds_only_out(folder: Path, out: Path) -> bool:
    """`folder` is the output folder, or holds it and no assignment folder: reports, not a
    student. (A student folder that happens to hold OUT is still graded.)"""
    try:
        folder, out = folder.resolve(), out.resolve()
    except OSError:
        return False
    if folder == out:
        return True
    return out.is_relative_to(folder) and not _has_assignment(folder)


def discover(root: Path, assignment_ids: list[str] | None = None, *,
             out: Path | None = None,
             on_skip: Callable[[str], None] = _print_skip) -> list[StudentFolder]:
    """Every student folder under `root` with one Submission per graded assignment.

    Without assignment_ids, grades every assignment that at least one student submitted.
    `out`, the report folder, is skipped if it lies inside `root` (it would be graded as a
    student on the next run). Folders that cannot be student ids are skipped; each skip is
    one sentence given to `on_skip` (printed to stderr by default).
    """
    if not root.exists():
        raise SubmissionsError(_("{root} does not exist").format(root=root))
    if not root.is_dir():
        raise SubmissionsError(_("{root} is not a folder").format(root=root))
    for assignment_id in assignment_ids or []:
        curriculum.get(assignment_id)
    students: list[Path] = []
    for p in sorted(root.iterdir()):
        if p.name.startswith(".") or not (p.is_dir() or p.is_symlink()):
            continue  # hidden folders and plain files are not students
        if p.is_symlink() and not p.is_dir():
            continue  # a link to a file, or a dangling one: not a student folder either
        problem = student_id_problem(p.name)
        if problem:
            shown = p.name if len(p.name) <= 60 else p.name[:40] + "..."
            on_skip(_(MSG_SKIPPED).format(name=ascii(shown), problem=problem))
        elif out is not None and not p.is_symlink() and _holds_only_out(p, out):
            same = p.resolve() == out.resolve()
            on_skip(_(MSG_SKIPPED_OUT if same else MSG_SKIPPED_HOLDS_OUT).format(folder=p,
                                                                           out=out))
        elif not p.is_symlink() and _earlier_out(p):
            on_skip(_(MSG_SKIPPED_OLD_OUT).format(folder=p))
        else:
            students.append(p)
    if not students:
        raise SubmissionsError(_("{root} holds no student folders; expected "
                                 "{root}/<student_id>/<assignment_id>/<notebook>.ipynb").format(
                                     root=root))
    if assignment_ids:
        ids = list(dict.fromkeys(assignment_ids))
    else:
        ids = [a.id for a in curriculum.ASSIGNMENTS
               if any(_submitted(s, a) for s in students)]
        if not ids:
            raise SubmissionsError(
                _("no notebooks found in {root}: expected "
                  "<student_id>/<assignment_id>/<notebook>.ipynb, e.g. "
                  "alice/02_forward/forward.ipynb").format(root=root))
    return [StudentFolder(s.name, [read_submission(s.name, aid, s / aid / curriculum.get(aid)
                                                   .notebook) for aid in ids])
            for s in students]
