"""Helpers for the grading tests: build a class of students and grade it for real."""

from __future__ import annotations

import random
from pathlib import Path

from autograder import curriculum
from autograder.collect.submissions import discover
from autograder.demo import Mistake, catalogue, student_notebook, write_notebook
from autograder.grade.engine import Options, grade_class
from autograder.grade.results import AssignmentResult


def write_student(root: Path, student: str, assignment_id: str, mistakes: list[Mistake] = (),
                  unfinished: bool = False) -> Path:
    a = curriculum.get(assignment_id)
    path = root / student / a.id / a.notebook
    write_notebook(student_notebook(a.id, list(mistakes), unfinished=unfinished), path)
    return path


def grade(root: Path, assignment_ids: list[str] | None = None, jobs: int = 2,
          **options) -> dict[tuple[str, str], AssignmentResult]:
    results = grade_class(discover(root, assignment_ids), Options(jobs=jobs, **options),
                          progress=False)
    return {(r.student_id, r.assignment): r for r in results}


def catalogue_seats() -> dict[str, tuple[str, str]]:
    """Where each catalogue mistake is graded: (student, assignment). The k-th mistake of
    every assignment goes to student m<k>, so one sandbox and one pytest session grade up to
    six notebooks, each with one mistake and each in workers of its own (seeds depend on the
    check only, not on the student)."""
    taken: dict[str, int] = {}
    out = {}
    for m in catalogue():
        k = taken.get(m.assignment, 0)
        taken[m.assignment] = k + 1
        out[m.name] = (f"m{k:02d}", m.assignment)
    return out


def write_catalogue_class(root: Path, every: int = 1) -> None:
    """The whole mistake catalogue as one class, seated by catalogue_seats(); with every=2,
    only the students of the even seats (m00, m02, ...: every assignment is still there)."""
    seats = catalogue_seats()
    for m in catalogue():
        student, assignment = seats[m.name]
        if int(student[1:]) % every == 0:
            write_student(root, student, assignment, [m])


def grade_catalogue_class(root: Path) -> dict[tuple[str, str], AssignmentResult]:
    """The catalogue class graded in a shuffled order with 2 jobs (test_integrity grades it
    again in another order, with one job and other classmates, and compares)."""
    write_catalogue_class(root)
    folders = list(discover(root))
    random.Random(7).shuffle(folders)
    results = grade_class(folders, Options(jobs=2), progress=False)
    return {(r.student_id, r.assignment): r for r in results}
