"""`nbgrader export` with one column per graded unit.

nbgrader's CSV columns come first, then for each unit (`softmax`, `Affine.backward`) and
each manually graded question (its grade_id) two columns: the cell's score and, in
`<name> max`, its maximum; both are left empty in the rows of other assignments. A question
still waiting for formgrader reads `pending` (nbgrader counts it as 0 in `score` until then),
and `pending_manual` holds the points still to be graded by hand. Select it with
`c.ExportApp.plugin_class = "autograder.course.export.UnitScoresExportPlugin"`
(`scratchgrad course init` writes that line) or `nbgrader export --exporter=...`.

Every cell is escaped against spreadsheet formulas (report.files.escape_cell), as in every
CSV the kit writes. In a Japanese run the file starts with a UTF-8 BOM (see grades_csv).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from .. import curriculum
from ..i18n.messages import active
from ..report.files import atomic_write, csv_bytes

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
        columns = BASE_COLUMNS + ["pending_manual"] + [
            name for c in cells for name in (_column(c), f"{_column(c)} max")]
        self.log.info("Exporting grades with one column per unit to %s", dest)
        rows = [self._row(gradebook, a, s, cells) for a in assignments for s in students]
        # Cells a spreadsheet would run as formulas (a student id "=1+2") are escaped, and
        # the file is replaced at once, never left half-written.
        # In a Japanese run (SCRATCHGRAD_LANG=ja, LANG=ja_JP.UTF-8) with a BOM, which Excel on
        # a Japanese Windows needs to read the names (as scratchgrad's own grades.csv).
        body = csv_bytes(columns, rows)
        atomic_write(Path(dest), codecs.BOM_UTF8 + body if active() == "ja" else body)

    @staticmethod
    def _row(gradebook: Gradebook, assignment, student, cells: list[str]) -> list[str]:
        row = [assignment.name, assignment.duedate or "", "", student.id,
               student.last_name or "", student.first_name or "", student.email or ""]
        maxima = {c.name: c.max_score for nb in assignment.notebooks for c in nb.grade_cells}
        try:
            sub = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return row + ["0", "0", "0", _num(assignment.max_score), "0"] + [
                v for c in cells for v in ("", _num(maxima.get(c)))]
        row[2] = str(sub.timestamp or "")
        penalty = sub.late_submission_penalty or 0.0
        grades = {g.cell.name: g for nb in sub.notebooks for g in nb.grades}
        pending = {c for c, g in grades.items()
                   if g.needs_manual_grade and g.manual_score is None}
        row += [_num(sub.score), _num(penalty), _num(max(sub.score - penalty, 0.0)),
                _num(sub.max_score), _num(sum(grades[c].max_score for c in pending))]
        for c in cells:
            if c not in grades:
                row += ["", _num(maxima.get(c))]
            else:
                row += ["pending" if c in pending else _num(grades[c].score),
                        _num(grades[c].max_score)]
        return row
