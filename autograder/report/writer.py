"""Write every report of a graded class into OUT.

Reports are written as each student finishes (`SubmissionWriter` is the engine's on_result
callback), each file atomically, so a run that is killed keeps every report it finished
and a rerun ends with exactly the files an uninterrupted run writes. The files hold no
timings, which differ from run to run: a rerun writes the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..grade.results import AssignmentResult
from ..i18n.messages import N_, _
from .feedback import feedback_html
from .files import ReportError, atomic_write_text, check_writable
from .grades_csv import check_grades_csv, write_grades_csv
from .gradescope import gradescope_results

GRADES_CSV = "grades.csv"
GRADESCOPE = "gradescope"
# Names the kit writes at the top of OUT; a student folder of one of these names would
# clash with them, so discovery refuses such student ids (see collect.submissions).
RESERVED_NAMES = (GRADES_CSV, GRADESCOPE)
MSG_WRITE_FAILED = N_("Cannot write the report of {student}/{assignment} into {out} ({reason}); "
                      "{written} reports were written, run again once the folder is writable.")
MSG_CSV_FAILED = N_("Cannot write {path} ({reason}); the per-student reports are complete, run "
                    "again once the folder is writable.")


def record(result: AssignmentResult) -> dict:
    """The JSON record of a submission: everything but the grading time."""
    data = result.to_dict()
    data.pop("seconds", None)
    return data


def report_paths(out: Path, student_id: str, assignment_id: str,
                 formats: Sequence[str] = ()) -> list[Path]:
    """The files of one submission's report, in the order they are written: the JSON
    record last, so that a record on disk means every other file is there too."""
    files = [out / student_id / f"{assignment_id}.html"]
    if GRADESCOPE in formats:
        files.append(out / GRADESCOPE / student_id / assignment_id / "results.json")
    return [*files, out / student_id / f"{assignment_id}.json"]


def write_submission(result: AssignmentResult, out: Path, formats: Sequence[str] = ()) -> None:
    """OUT/<student>/<assignment>.html (and Gradescope's results.json), then the JSON record."""
    texts = [feedback_html(result)]
    if GRADESCOPE in formats:
        texts.append(json.dumps(gradescope_results(result), indent=2) + "\n")
    texts.append(json.dumps(record(result), indent=2, ensure_ascii=False) + "\n")
    for path, text in zip(report_paths(out, result.student_id, result.assignment, formats),
                          texts):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)


def prepare_out(out: Path) -> None:
    """Before grading: OUT can be written and its grades.csv merged into, and what a killed
    run left half-written is gone. Raises ReportError with a one-line reason."""
    check_writable(out)
    check_grades_csv(out / GRADES_CSV)


class SubmissionWriter:
    """The engine's on_result callback: writes a student's reports as soon as they are
    graded. A failed write (full disk) raises ReportError, which stops the run."""

    def __init__(self, out: Path, formats: Sequence[str] = (), bom: bool = False) -> None:
        self.out = out
        self.formats = tuple(formats)
        self.bom = bom  # grades.csv with a UTF-8 BOM, for Excel (see grades_csv)
        self.written = 0

    def __call__(self, batch: list[AssignmentResult]) -> None:
        for result in batch:
            try:
                write_submission(result, self.out, self.formats)
            except OSError as exc:
                raise ReportError(_(MSG_WRITE_FAILED).format(
                    student=result.student_id, assignment=result.assignment, out=self.out,
                    reason=exc.strerror or exc, written=self.written)) from None
            self.written += 1

    def finish(self, results: Sequence[AssignmentResult]) -> None:
        """grades.csv, merged with what earlier runs recorded."""
        try:
            write_grades_csv(results, self.out / GRADES_CSV, bom=self.bom)
        except OSError as exc:
            raise ReportError(_(MSG_CSV_FAILED).format(path=self.out / GRADES_CSV,
                                                    reason=exc.strerror or exc)) from None


def write_reports(results: Sequence[AssignmentResult], out: Path,
                  formats: Sequence[str] = (), bom: bool = False) -> None:
    """Every report of `results` at once (for callers that grade first, write later)."""
    prepare_out(out)
    writer = SubmissionWriter(out, formats, bom)
    writer(list(results))
    writer.finish(results)
