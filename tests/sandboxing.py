"""Helpers for the sandbox tests: when bubblewrap is required, hostile units built on a
passing notebook, and grading students one sandbox each while watching the sandbox.

A hostile student here is the solutions notebook with one unit (softmax) replaced by code
that tries something the sandbox promises to prevent and, if it gets away with it,
answers correctly. So a broken promise shows up as points won (or, for attacks on the
grader's processes, as a changed outcome), never as a zero that a zero would have been
anyway; and each test asserts the specific error that the refusal raises.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import textwrap
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import curriculum
from autograder.collect.submissions import discover
from autograder.demo import Mistake, student_notebook, write_notebook
from autograder.grade.engine import Options
from autograder.grade.results import AssignmentResult
from autograder.grade.runner import grade_submissions
from autograder.sandbox.launcher import Sandbox, bwrap_problem

A = curriculum.get("02_forward")
UNIT = "softmax"  # a leaf: no other unit of 02_forward calls it

# Appended to every hostile softmax: reached only if the attack was not refused.
CORRECT_SOFTMAX = """
import numpy as np
e = np.exp(x - np.max(x, axis=-1, keepdims=True))
return e / np.sum(e, axis=-1, keepdims=True)
"""


def require_bwrap(why: str) -> None:
    """Skip a test that needs bubblewrap where it cannot run, except in CI (the CI
    variable set): there the sandbox is what is being tested, and a skip would hide it."""
    problem = bwrap_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must test the sandbox, but {problem} ({why})", pytrace=False)
    pytest.skip(f"{why}: {problem}")


def softmax_that(attack: str) -> str:
    """A softmax that first runs `attack`; if nothing stops it, it answers correctly."""
    body = textwrap.dedent(attack).strip("\n") + "\n" + CORRECT_SOFTMAX.strip("\n")
    return "def softmax(x):\n" + textwrap.indent(body, "    ") + "\n"


def hostile_notebook(softmax_code: str | None = None, extra_cell: str | None = None) -> dict:
    """The solutions of 02_forward with softmax replaced and/or one code cell appended."""
    mistakes = [Mistake("hostile", None, None, UNIT, softmax_code, "")] if softmax_code else []
    nb = student_notebook(A.id, mistakes)
    if extra_cell is not None:
        nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                            "execution_count": None, "source": textwrap.dedent(extra_cell)})
    return nb


def notebook_path(root: Path, student: str) -> Path:
    return root / student / A.id / A.notebook


def write_student(root: Path, student: str, nb: dict) -> Path:
    path = notebook_path(root, student)
    write_notebook(nb, path)
    return path


def unit_checks(result: AssignmentResult, unit: str = UNIT) -> list:
    return [c for c in result.checks if c.unit == unit]


def other_checks(result: AssignmentResult, unit: str = UNIT) -> list:
    return [c for c in result.checks if c.unit != unit]


def describe(checks: list) -> list[tuple[str, str, str]]:
    """What an assertion message shows: each check's id, status and message."""
    return [(c.id, c.status, c.message[:300]) for c in checks]


@dataclass
class Watched:
    """One student's result, and what became of the sandbox that graded it."""

    result: AssignmentResult
    mode: str | None
    warning: str | None
    starts: int  # zygotes started: 1 unless one died (or was killed) and was replaced
    zygote_alive: bool  # after the last check, before the sandbox was closed
    grader_growth: int = 0  # the grading process's peak RSS above its size at its first student


_FIRST_RSS: list[int] = []  # per grading process: its resident size before its first student


def _rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _grade_watched(root: Path, student: str, options: Options) -> Watched:
    """In a grading process: one student in a sandbox of its own, as the engine does it,
    but keeping hold of the sandbox to see whether its zygote survived."""
    if not _FIRST_RSS:
        _FIRST_RSS.append(_rss("VmRSS"))
    [folder] = [f for f in discover(root, [A.id]) if f.student_id == student]
    with Sandbox(options.limits, options.isolation) as sandbox:
        [result] = grade_submissions(sandbox, folder.submissions, options.budget_seconds,
                                     options.check_seconds)
        return Watched(result, sandbox.mode, sandbox.warning, sandbox.starts, sandbox.running,
                       _rss("VmHWM") - _FIRST_RSS[0])


def grade_watched(root: Path, options: dict[str, Options], after: dict[str, str] | None = None,
                  jobs: int = 2) -> dict[str, Watched]:
    """Grade every student of `options` (student -> Options) in processes of their own.

    after: student -> student it must be graded after (the first one finished before the
    second starts), for what one student leaves behind for another to find.
    """
    after = after or {}
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        futures: dict[str, Future] = {
            s: pool.submit(_grade_watched, root, s, o) for s, o in options.items()
            if s not in after}
        for student, first in after.items():
            futures[first].result()
            futures[student] = pool.submit(_grade_watched, root, student, options[student])
        return {s: f.result() for s, f in futures.items()}
