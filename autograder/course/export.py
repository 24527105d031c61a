"""`nbgrader export` with one column per graded unit.

nbgrader's CSV columns come first, then one column per unit (`softmax`, `Affine.backward`)
and per manually graded question (its grade_id), holding that cell's score; a unit that is
not part of a row's assignment is left empty. Select it with
`c.ExportApp.plugin_class = "autograder.course.export.UnitScoresExportPlugin"`
(`scratchgrad course init` writes that line) or `nbgrader export --exporter=...`.
"""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from .. import curriculum

BASE_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                "email", "raw_score", "late_submission_penalty", "score", "max_score"]


def _column(grade_id: str) -> str:
    return curriculum.unit_of_grade_cell(grade_id) or grade_id


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


class UnitScoresExportPlugin(ExportPlugin):
    """CSV: one row per student and assignment, one column per unit."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        assignments = [a for a in gradebook.assignments
                       if not self.assignment or a.name in map(str, self.assignment)]
        students = [s for s in gradebook.students
                    if not self.student or s.id in map(str, self.student)]
        cells: list[str] = []
        for a in assignments:
            for nb in a.notebooks:
                cells += [c.name for c in nb.grade_cells if c.name not in cells]
        columns = BASE_COLUMNS + [_column(c) for c in cells]
        self.log.info("Exporting grades with one column per unit to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for a in assignments:
                for s in students:
                    writer.writerow(self._row(gradebook, a, s, cells))

    @staticmethod
    def _row(gradebook: Gradebook, assignment, student, cells: list[str]) -> list[str]:
        row = [assignment.name, assignment.duedate or "", "", student.id,
               student.last_name or "", student.first_name or "", student.email or ""]
        try:
            sub = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return row + ["0", "0", "0", _num(assignment.max_score)] + [""] * len(cells)
        row[2] = str(sub.timestamp or "")
        penalty = sub.late_submission_penalty or 0.0
        row += [_num(sub.score), _num(penalty), _num(max(sub.score - penalty, 0.0)),
                _num(sub.max_score)]
        scores = {g.cell.name: g.score for nb in sub.notebooks for g in nb.grades}
        return row + [_num(scores[c]) if c in scores else "" for c in cells]
