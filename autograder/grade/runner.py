"""Run the hidden suites against one student's submissions."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from .. import paths
from ..collect.submissions import Submission
from ..i18n.messages import _, active
from ..sandbox.launcher import Sandbox
from . import rubric
from .plugin import DEFAULT_CHECK_SECONDS, GradingPlugin, NotebookRun
from .results import AssignmentResult, CheckResult

DEFAULT_BUDGET_SECONDS = 120.0
# The only pytest configuration the hidden suites run with: the kit's, whichever curriculum.
CONFIG = Path(__file__).with_name("hidden.ini")


class GraderError(Exception):
    """The grader itself is misconfigured (a check without rubric points, ...)."""


@contextlib.contextmanager
def isolated_pytest() -> Iterator[None]:
    """pytest ignores everything but our own plugin and configuration, while it grades; the
    process's environment is as it was afterwards (grading may run inside a test session
    or a notebook, whose own pytest runs need their plugins)."""
    saved = {var: os.environ.get(var) for var in _PYTEST_VARS}
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    for var in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        os.environ.pop(var, None)
    try:
        yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


_PYTEST_VARS = ("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")


def pytest_args(assignment_ids: list[str]) -> list[str]:
    hidden = paths.current().hidden
    return [*(str(hidden / f"test_{aid}.py") for aid in assignment_ids),
            "-c", str(CONFIG),
            "--rootdir", str(hidden), "--noconftest", "--assert=plain", "-p", "no:cacheprovider",
            "-p", "no:terminal", "-p", "no:warnings", "-p", "no:doctest",
            "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:stepwise",
            "-p", "no:faulthandler", "-p", "no:debugging", "-p", "no:logging",
            "-p", "no:capture", "-p", "no:unraisableexception", "-p", "no:threadexception"]


def grade_submissions(sandbox: Sandbox, submissions: list[Submission],
                      budget_seconds: float = DEFAULT_BUDGET_SECONDS,
                      check_seconds: float = DEFAULT_CHECK_SECONDS) -> list[AssignmentResult]:
    """Grade one student's notebooks (one per assignment) in one pytest session, each in
    workers of its own. budget_seconds bounds each notebook, check_seconds each check that
    does not set its own limit. Results come in the order of `submissions`."""
    results: dict[str, AssignmentResult] = {}
    runs: dict[str, NotebookRun] = {}
    for sub in submissions:
        aid = sub.assignment_id
        if aid in runs or aid in results:
            raise GraderError(f"two notebooks for {aid} from {sub.student_id}")
        if sub.cells is None:
            # No notebook, so no language of its own: the run's language.
            results[aid] = AssignmentResult(sub.student_id, aid, [
                CheckResult(c.id, c.unit, 0.0, c.points, "error", sub.problem or _("no notebook"))
                for c in rubric.checks(aid)], lang=active())
        else:
            runs[aid] = NotebookRun(sub, rubric.by_id(aid))
    if runs:
        plugin = GradingPlugin(sandbox, runs, budget_seconds, check_seconds)
        try:
            # numpy's warnings from reference code the checks run on a student's answers
            # (a log of a negative number) are the checks' business, not the instructor's.
            with isolated_pytest(), np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                code = pytest.main(pytest_args(list(runs)), plugins=[plugin])
        finally:
            plugin.close_all()
        if plugin.problems or code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            raise GraderError(f"the hidden suites for {', '.join(runs)} are broken "
                              f"(pytest exit {code}): {plugin.problems}")
        results.update({aid: run.result(sandbox.warning) for aid, run in runs.items()})
    return [results[sub.assignment_id] for sub in submissions]
