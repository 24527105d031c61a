"""Helpers for the grading tests: build a class of students and grade it for real."""

from __future__ import annotations

from pathlib import Path

from autograder import curriculum
from autograder.collect.submissions import discover
from autograder.demo import Mistake, student_notebook, write_notebook
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
