"""What run_autograder runs in Gradescope's container: grade ROOT/submission/'s notebook,
write ROOT/results/results.json.

A results.json is always written, whatever the student uploaded: no notebook, a notebook of
another name, several notebooks, a zip, a malformed notebook each give score 0 and a
one-line reason (in `output` and in every test's message), and so does a failure of the
grader itself. Student code runs in the sandbox as in `scratchgrad grade`; where the
container refuses user namespaces the fallback's warning is in `output`.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .. import curriculum, paths
from ..collect.submissions import Submission
from ..grade.results import AssignmentResult, CheckResult
from ..i18n.messages import N_, _
from ..notebook.loader import NotebookError, read_cells
from ..report.files import atomic_write_text
from ..report.gradescope import run_results
from .layout import CONFIG, CURRICULUM, Layout

STUDENT = "submission"
# Files and folders of an upload that are never the student's answer.
_IGNORED = (".ipynb_checkpoints", "__MACOSX", "__pycache__")

MSG_NO_NOTEBOOK = N_("No notebook was uploaded: upload your {notebook}.")
MSG_A_ZIP = N_("You uploaded a zip file ({names}): upload your {notebook} itself, not a zip.")
MSG_OTHER_NAME = N_("The notebook you uploaded is named {names}, not {notebook}: rename it to "
                    "{notebook} and upload it again.")
MSG_SEVERAL = N_("You uploaded several notebooks ({names}) and none is named {notebook}: "
                 "upload your {notebook} only.")
MSG_SEVERAL_SAME = N_("You uploaded {count} notebooks named {notebook} in different folders: "
                      "upload one only.")
MSG_OTHERS_IGNORED = N_("Graded {notebook}; the other files you uploaded were ignored: {names}.")
MSG_GRADER_FAILED = N_("The autograder failed ({error}); this is not your mistake, tell your "
                       "instructor.")


@dataclass
class Upload:
    """The notebook to grade (or why there is none), and what else was uploaded."""

    notebook: Path | None
    problem: str | None
    ignored: list[str]


def _names(files: list[Path], folder: Path) -> str:
    shown = [p.relative_to(folder).as_posix() for p in files[:5]]
    return ", ".join(shown) + (", ..." if len(files) > 5 else "")


def find_notebook(folder: Path, notebook: str) -> Upload:
    """The uploaded notebook named `notebook` in `folder` (at any depth; symbolic links
    are not followed)."""
    files: list[Path] = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _IGNORED and not d.startswith("."))
        files += [Path(top) / n for n in sorted(names)
                  if not n.startswith(".") and not (Path(top) / n).is_symlink()]
    notebooks = [p for p in files if p.suffix.lower() == ".ipynb"]
    zips = [p for p in files if p.suffix.lower() == ".zip"]
    named = [p for p in notebooks if p.name == notebook]
    if len(named) == 1:
        return Upload(named[0], None, [_names([p], folder) for p in files if p != named[0]])
    if named:
        return Upload(None, _(MSG_SEVERAL_SAME).format(count=len(named), notebook=notebook),
                      [])
    if notebooks:
        message = MSG_OTHER_NAME if len(notebooks) == 1 else MSG_SEVERAL
        return Upload(None, _(message).format(names=_names(notebooks, folder),
                                              notebook=notebook), [])
    if zips:
        return Upload(None, _(MSG_A_ZIP).format(names=_names(zips, folder), notebook=notebook),
                      [])
    return Upload(None, _(MSG_NO_NOTEBOOK).format(notebook=notebook), [])


def _zero(assignment_id: str, reason: str) -> AssignmentResult:
    """Score 0 on every check of the rubric, each saying why."""
    from ..grade import rubric

    try:
        checks = [CheckResult(c.id, c.unit, 0.0, c.points, "error", reason)
                  for c in rubric.checks(assignment_id)]
    except Exception:  # noqa: BLE001 - the rubric itself is what failed
        checks = []
    return AssignmentResult(STUDENT, assignment_id, checks, [reason])


def grade_upload(layout: Layout, assignment_id: str) -> AssignmentResult:
    """Grade what the student uploaded; a result with score 0 and its reason otherwise."""
    from ..collect.submissions import StudentFolder
    from ..grade.engine import Options, _prepare_process, grade_student

    a = curriculum.get(assignment_id)
    upload = find_notebook(layout.submission, a.notebook)
    if upload.notebook is None:
        return _zero(a.id, upload.problem or _(MSG_NO_NOTEBOOK).format(notebook=a.notebook))
    sub = Submission(STUDENT, a.id, upload.notebook)
    try:
        sub.cells = read_cells(upload.notebook)
    except NotebookError as exc:
        return _zero(a.id, str(exc))
    options = Options(jobs=1)
    _prepare_process([a.id])
    [result] = grade_student(StudentFolder(STUDENT, [sub]), options)
    if upload.ignored:
        result.notes.append(_(MSG_OTHERS_IGNORED).format(notebook=a.notebook,
                                                         names=", ".join(upload.ignored)))
    return result


def run(root: Path | None = None) -> int:
    """run_autograder's body; always writes results.json (exit status 0 when it did)."""
    started = time.monotonic()
    layout = Layout.here(root)
    config = {"assignment": "", "visibility": "after_due_date"}
    try:
        config.update(json.loads((layout.source / CONFIG).read_text(encoding="utf-8")))
        if (layout.source / CURRICULUM).is_dir():
            paths.use(layout.source / CURRICULUM)
        result = grade_upload(layout, config["assignment"])
    except Exception as exc:  # noqa: BLE001 - the student must still get a results.json
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        traceback.print_exc()  # stdout is hidden from the student (stdout_visibility)
        message = _(MSG_GRADER_FAILED).format(error=error)
        result = _zero(config["assignment"], message) \
            if config["assignment"] in {x.id for x in curriculum.ASSIGNMENTS} else \
            AssignmentResult(STUDENT, "", [], [message])
    data = _results(result, config["visibility"], time.monotonic() - started)
    layout.results.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(layout.results, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return 0


def _results(result: AssignmentResult, visibility: str, seconds: float) -> dict:
    if not result.assignment:  # not even the assignment is known: the bare format
        return {"score": 0.0, "execution_time": round(seconds, 3), "output": result.notes[0],
                "output_format": "md", "stdout_visibility": "hidden", "tests": []}
    return run_results(result, visibility, seconds)
