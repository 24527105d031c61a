"""The engine's scores into nbgrader's gradebook, through nbgrader's own autograde stage.

nbgrader's `Autograde` converter copies `submitted/` to `autograded/`, restores the locked
cells from the source, records the submission and its timestamp, saves one grade per grade
cell, applies late penalties and leaves manually graded cells to formgrader. Only its first
autograde step, `Execute` (running the student's notebook in a kernel with the grader's
rights), is replaced: `ApplyScores` writes what the sandboxed engine found into each unit's
test cell instead, as an output nbgrader reads as that cell's partial credit. Everything
nbgrader keeps (submission state, formgrader, export, feedback) then agrees with the engine.
"""

from __future__ import annotations

import html
import json
import logging
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    SaveAutoGrades,
)
from traitlets import Unicode

from .. import curriculum
from ..grade import rubric
from ..i18n import language
from ..i18n.messages import _, using
from ..report.feedback import STATUS_TEXT

_ICON = {"passed": "✔", "failed": "✘", "error": "⚠", "timeout": "⌛"}


class ApplyScores(NbGraderPreprocessor):
    """Put the engine's result for each unit into that unit's test cell.

    The cell gets the checks' messages on stdout and its score as the cell's result, which
    nbgrader's SaveAutoGrades reads as partial credit. Nothing in the notebook is executed.
    """

    reports = Unicode("", help="folder with <student>/<assignment>.json from the engine"
                      ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources["nbgrader"]
        path = Path(self.reports) / info["student"] / f"{info['assignment']}.json"
        try:
            self._result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"no scratchgrad result for {info['student']}/"
                               f"{info['assignment']} in {path.parent}: {exc}") from exc
        self._notes_shown = False
        # The cell's text is in the language the student's notebook records (its result's).
        with using(language.normalize(str(self._result.get("lang", ""))) or None):
            return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int
                        ) -> tuple[NotebookNode, dict]:
        grade = cell.metadata.get("nbgrader", {})
        unit = curriculum.unit_of_grade_cell(grade.get("grade_id", ""))
        if cell.cell_type != "code" or not grade.get("grade") or unit is None:
            return cell, resources
        checks = [c for c in self._result["checks"] if c["unit"] == unit]
        text = self._text(unit, checks)
        if not self._notes_shown and self._result.get("notes"):
            text = "".join(_("Note: {note}").format(note=n) + "\n"
                           for n in self._result["notes"]) + "\n" + text
            self._notes_shown = True
        score = sum(c["score"] for c in checks)
        # The rubric's unit total equals the cell's points (a test keeps them in step);
        # rounding only removes float noise, so nbgrader never sees more than the maximum.
        score = min(round(score, 6), float(grade.get("points", 0)))
        cell.outputs = [
            new_output("stream", name="stdout", text=text),
            new_output("execute_result", data={"text/plain": f"{score:g}"}, execution_count=None),
        ]
        return cell, resources

    @staticmethod
    def _text(unit: str, checks: list[dict[str, Any]]) -> str:
        if not checks:
            return _("{unit}: no checks in the rubric").format(unit=unit) + "\n"
        score = sum(c["score"] for c in checks)
        maximum = sum(c["max_score"] for c in checks)
        lines = [_("{unit}: {score} / {maximum} points").format(unit=unit, score=f"{score:g}",
                                                               maximum=f"{maximum:g}")]
        for c in checks:
            status = _(STATUS_TEXT[c["status"]]) if c["status"] in STATUS_TEXT else c["status"]
            lines.append(f"{_ICON.get(c['status'], '?')} {_(rubric.title(c['id']))}: "
                         f"{c['score']:g} / {c['max_score']:g} ({status})")
            lines += [f"    {line}" for line in c["message"].splitlines()]
        return "\n".join(lines) + "\n"


class FeedbackOutputs(NbGraderPreprocessor):
    """For `nbgrader generate_feedback`: each unit's messages wrapped, and no score output.

    The score ApplyScores leaves as the cell's result is for nbgrader's SaveAutoGrades only;
    in the feedback it would show as a stray `Out[ ]: 2` (nbgrader prints the cell's score
    above it anyway). The messages become a preformatted block that wraps long lines, where
    nbconvert's plain output would scroll sideways and cut the hints off.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int
                        ) -> tuple[NotebookNode, dict]:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code" or curriculum.unit_of_grade_cell(grade_id) is None:
            return cell, resources
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "execute_result":
                continue
            if output.output_type == "stream" and output.name == "stdout":
                text = output.text if isinstance(output.text, str) else "".join(output.text)
                output = new_output("display_data", data={
                    "text/plain": text,
                    "text/html": '<pre style="white-space: pre-wrap; overflow-wrap: anywhere; '
                                 f'margin: 0">{html.escape(text)}</pre>'})
            outputs.append(output)
        cell.outputs = outputs
        return cell, resources


# nbgrader's default autograde pipeline with ApplyScores in the place of Execute.
AUTOGRADE_PIPELINE = [ApplyScores, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                      SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]


def load_course_config(course: Path) -> Any:
    """The course's nbgrader_config.py, with the course folder as nbgrader's root."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config_file = course / "nbgrader_config.py"
    if config_file.is_file():
        config.merge(PyFileConfigLoader(config_file.name, path=str(course)).load_config())
    config.CourseDirectory.root = str(course)
    return config


class _ErrorLog(logging.Handler):
    """Keeps what nbgrader logs as an error: its exception says only "see the log"."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def reason(self) -> str | None:
        """The last line of the last traceback nbgrader logged (the exception itself)."""
        for message in reversed(self.messages):
            lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
            if len(lines) > 1 and lines[0].startswith("Traceback"):
                return lines[-1]
        return None


def autograde_into_gradebook(course: Path, assignment_id: str, student_ids: Iterable[str],
                             reports: Path) -> list[tuple[str, str]]:
    """Run nbgrader's autograde stage for each student with the engine's scores.

    A student nbgrader cannot record (a notebook it cannot read) does not stop the others:
    the result is the list of (student id, one-line reason) it could not record."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    config = load_course_config(course)
    config.Autograde.autograde_preprocessors = AUTOGRADE_PIPELINE
    config.ApplyScores.reports = str(reports.resolve())
    config.Autograde.force = True  # a re-grade replaces the student's autograded copy
    config.Autograde.create_student = True
    notebook = curriculum.get(assignment_id).notebook
    failed: list[tuple[str, str]] = []
    for student_id in student_ids:
        config.CourseDirectory.assignment_id = assignment_id
        config.CourseDirectory.student_id = student_id
        coursedir = CourseDirectory(config=config)
        errors = _ErrorLog()
        log: logging.Logger | None = None
        try:
            folder = Path(coursedir.format_path(coursedir.submitted_directory, student_id,
                                                assignment_id))
            if not (folder / notebook).is_file():
                _record_missing_notebook(coursedir, assignment_id, student_id, folder)
                continue
            app = Autograde(coursedir=coursedir, config=config)
            log = app.log
            log.setLevel(logging.ERROR)
            log.addHandler(errors)
            log.propagate = False  # the reason is reported once, as one line
            with warnings.catch_warnings():
                # nbgrader's clean-up after a failed notebook trips SQLAlchemy warnings
                warnings.simplefilter("ignore")
                app.start()
        except Exception as exc:  # noqa: BLE001 - nbgrader raises its own types, or plain ones
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            failed.append((student_id, errors.reason() or first))
        finally:
            if log is not None:
                log.removeHandler(errors)
    return failed


def _record_missing_notebook(coursedir: Any, assignment_id: str, student_id: str,
                             folder: Path) -> None:
    """A submission without the notebook: zero for every grade cell, as nbgrader records a
    missing notebook (its autograde stops earlier, when no notebook at all was handed in)."""
    from nbgrader.api import Gradebook

    timestamp = coursedir.get_existing_timestamp(str(folder))
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        gb.update_or_create_student(student_id)
        kwargs = {"timestamp": timestamp} if timestamp else {}
        submission = gb.update_or_create_submission(assignment_id, student_id, **kwargs)
        for nb in submission.notebooks:
            for grade in nb.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gb.db.commit()
