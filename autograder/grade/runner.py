"""Run the hidden suite of one assignment against one submission."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ..collect.submissions import Submission
from ..sandbox.launcher import Sandbox
from . import rubric
from .plugin import DEFAULT_CHECK_SECONDS, GradingPlugin
from .results import AssignmentResult, CheckResult
from .session import Session

HIDDEN = Path(__file__).resolve().parents[1] / "hidden"
DEFAULT_BUDGET_SECONDS = 120.0


class GraderError(Exception):
    """The grader itself is misconfigured (a check without rubric points, ...)."""


def isolate_pytest() -> None:
    """Make pytest ignore everything but our own plugin and configuration."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    for var in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        os.environ.pop(var, None)


def pytest_args(assignment_id: str) -> list[str]:
    return [str(HIDDEN / f"test_{assignment_id}.py"), "-c", str(HIDDEN / "pytest.ini"),
            "--rootdir", str(HIDDEN), "--noconftest", "--assert=plain", "-p", "no:cacheprovider",
            "-p", "no:terminal", "-p", "no:warnings", "-p", "no:doctest",
            "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:stepwise",
            "-p", "no:faulthandler", "-p", "no:debugging", "-p", "no:logging",
            "-p", "no:capture", "-p", "no:unraisableexception", "-p", "no:threadexception"]


def grade_submission(sandbox: Sandbox, submission: Submission,
                     budget_seconds: float = DEFAULT_BUDGET_SECONDS,
                     check_seconds: float = DEFAULT_CHECK_SECONDS) -> AssignmentResult:
    """Grade one notebook. budget_seconds bounds the whole submission, check_seconds each
    check that does not set its own limit."""
    started = time.monotonic()
    aid = submission.assignment_id
    result = AssignmentResult(submission.student_id, aid)
    if submission.cells is None:
        result.checks = [CheckResult(c.id, c.unit, 0.0, c.points, "error",
                                     submission.problem or "no notebook")
                         for c in rubric.checks(aid)]
        return result
    isolate_pytest()
    session = Session(sandbox, submission, budget_seconds)
    plugin = GradingPlugin(session, rubric.by_id(aid), check_seconds)
    try:
        code = pytest.main(pytest_args(aid), plugins=[plugin])
    finally:
        session.close()
    if plugin.problems or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise GraderError(f"the hidden suite for {aid} is broken (pytest exit {code}): "
                          f"{plugin.problems}")
    result.checks = [plugin.results.get(c.id) or CheckResult(
        c.id, c.unit, 0.0, c.points, "error", f"{c.unit}: the check did not run")
        for c in rubric.checks(aid)]
    result.notes = session.load_notes + ([sandbox.warning] if sandbox.warning else [])
    result.output = session.output()
    result.seconds = time.monotonic() - started
    return result
