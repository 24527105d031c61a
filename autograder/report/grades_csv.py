"""OUT/grades.csv: one row per student and assignment."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ..grade.results import AssignmentResult

HEADER = ["student_id", "assignment", "score", "max_score", "percent", "passed", "failed",
          "error", "timeout"]


def _num(x: float) -> str:
    return f"{x:g}"


def write_grades_csv(results: Iterable[AssignmentResult], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for r in results:
            counts = {s: sum(c.status == s for c in r.checks)
                      for s in ("passed", "failed", "error", "timeout")}
            percent = 100 * r.score / r.max_score if r.max_score else 0.0
            writer.writerow([r.student_id, r.assignment, _num(r.score), _num(r.max_score),
                             f"{percent:.1f}", *counts.values()])
