"""Find submissions laid out as nbgrader's `submitted/` folder.

SUBMISSIONS/<student_id>/<assignment_id>/<topic>.ipynb. Other files are ignored; a
missing or unreadable notebook is still a submission, one that scores 0 with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import curriculum
from ..notebook.loader import Cell, NotebookError, read_cells


class SubmissionsError(Exception):
    """SUBMISSIONS cannot be graded at all (not a folder, nothing in it)."""


@dataclass
class Submission:
    student_id: str
    assignment_id: str
    path: Path
    cells: list[Cell] | None = None
    problem: str | None = None  # why there is nothing to grade


@dataclass
class StudentFolder:
    student_id: str
    submissions: list[Submission] = field(default_factory=list)


def read_submission(student_id: str, assignment_id: str, path: Path) -> Submission:
    a = curriculum.get(assignment_id)
    sub = Submission(student_id, assignment_id, path)
    if path.is_symlink():
        sub.problem = f"{a.id}/{a.notebook} is a symbolic link, not a submitted notebook"
    elif not path.is_file():
        sub.problem = f"{a.id}/{a.notebook} was not submitted"
    else:
        try:
            sub.cells = read_cells(path)
        except NotebookError as exc:
            sub.problem = str(exc)
    return sub


def discover(root: Path, assignment_ids: list[str] | None = None) -> list[StudentFolder]:
    """Every student folder under `root` with one Submission per graded assignment.

    Without assignment_ids, grades every assignment that at least one student submitted.
    """
    if not root.exists():
        raise SubmissionsError(f"{root} does not exist")
    if not root.is_dir():
        raise SubmissionsError(f"{root} is not a folder")
    for assignment_id in assignment_ids or []:
        curriculum.get(assignment_id)
    students = sorted(p for p in root.iterdir()
                      if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    if not students:
        raise SubmissionsError(f"{root} holds no student folders; expected "
                               f"{root}/<student_id>/<assignment_id>/<notebook>.ipynb")
    if assignment_ids:
        ids = list(dict.fromkeys(assignment_ids))
    else:
        ids = [a.id for a in curriculum.ASSIGNMENTS
               if any((s / a.id / a.notebook).exists() for s in students)]
        if not ids:
            raise SubmissionsError(
                f"no notebooks found in {root}: expected "
                f"<student_id>/<assignment_id>/<notebook>.ipynb, e.g. "
                f"alice/02_forward/forward.ipynb")
    return [StudentFolder(s.name, [read_submission(s.name, aid, s / aid / curriculum.get(aid)
                                                   .notebook) for aid in ids])
            for s in students]
