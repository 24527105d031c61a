"""Write every report of a graded class into OUT."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..grade.results import AssignmentResult
from .feedback import feedback_html
from .grades_csv import write_grades_csv
from .gradescope import gradescope_results


def write_submission(result: AssignmentResult, out: Path, formats: Sequence[str] = ()) -> None:
    """OUT/<student>/<assignment>.json and .html (and Gradescope's results.json)."""
    folder = out / result.student_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{result.assignment}.json").write_text(
        json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / f"{result.assignment}.html").write_text(feedback_html(result), encoding="utf-8")
    if "gradescope" in formats:
        gs = out / "gradescope" / result.student_id / result.assignment
        gs.mkdir(parents=True, exist_ok=True)
        (gs / "results.json").write_text(json.dumps(gradescope_results(result), indent=2) + "\n",
                                         encoding="utf-8")


def write_reports(results: Sequence[AssignmentResult], out: Path,
                  formats: Sequence[str] = ()) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        write_submission(result, out, formats)
    write_grades_csv(results, out / "grades.csv")
