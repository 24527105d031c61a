"""The pytest plugin that runs the hidden suites against one student's notebooks.

Hidden checks are ordinary pytest tests that ask for fixtures by name:

    @pytest.mark.unit("softmax")
    def test_softmax_rows_of_a_batch(student, reference, rng): ...

`student` calls the submission's units in the sandbox, `reference` is the reference
notebook (trusted side only), `rng` a generator seeded from the check's id. One pytest
session grades all of a student's notebooks, one suite module per notebook (a session
costs about 25 ms to set up). This plugin starts each check (unit isolation, seeds, time
limit) in the worker of that module's notebook and turns its outcome into a scored
CheckResult; the sandbox and the scoring stay out of the tests' sight.
"""

from __future__ import annotations

import time
import types
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pytest

from .. import curriculum
from ..collect.submissions import Submission
from ..i18n.messages import _, using
from ..sandbox.launcher import Sandbox
from ..selfcheck.expect import CheckFailed
from . import reference as reference_module
from .results import AssignmentResult, CheckResult
from .rubric import RubricCheck
from .session import Session, Student, StudentError, WorkerLost

DEFAULT_CHECK_SECONDS = 10.0


def check_id(item: pytest.Item) -> str:
    return item.name.removeprefix("test_")


def assignment_of(item: pytest.Item) -> str:
    """The assignment a hidden check belongs to: its module is test_<assignment>.py."""
    return item.path.stem.removeprefix("test_")


def reference_namespace(assignment_id: str) -> types.SimpleNamespace:
    """The `reference` fixture: the reference notebook's definitions (trusted side only)."""
    ns = reference_module.load_reference(assignment_id).namespace
    return types.SimpleNamespace(**{k: v for k, v in ns.items() if not k.startswith("__")})


def seed_for(assignment_id: str, check: str) -> int:
    return zlib.crc32(f"{assignment_id}:{check}".encode())


@dataclass
class NotebookRun:
    """One notebook in the session: its rubric, its results and, from its first check on,
    the Session with its worker (so that its time budget starts when its checks do)."""

    submission: Submission
    rubric: dict[str, RubricCheck]
    results: dict[str, CheckResult] = field(default_factory=dict)
    session: Session | None = None
    started: float = 0.0
    seconds: float = 0.0
    closed: bool = False
    # Checks that passed with reference units of their contract, to run again with the
    # student's own units once every check of the notebook has run (see own_runs).
    deferred: list[tuple[pytest.Item, frozenset[str]]] = field(default_factory=list)

    def close(self) -> None:
        """Stop the notebook's worker once its last check is done."""
        if self.session is not None and not self.closed:
            self.closed = True
            self.session.close()
            self.seconds = time.monotonic() - self.started

    def passes(self, names: frozenset[str]) -> bool:
        """Every check of these units (a class's methods included) passed."""
        return all(r.status == "passed" for r in self.results.values()
                   if r.unit.split(".")[0] in names)

    def result(self, sandbox_warning: str | None) -> AssignmentResult:
        with using(self.submission.lang):
            return self._result(sandbox_warning)

    def _result(self, sandbox_warning: str | None) -> AssignmentResult:
        sub = self.submission
        result = AssignmentResult(sub.student_id, sub.assignment_id, lang=sub.lang)
        result.checks = [self.results.get(c.id) or CheckResult(
            c.id, c.unit, 0.0, c.points, "error",
            _("{unit}: the check did not run").format(unit=c.unit))
            for c in self.rubric.values()]
        if self.session is not None:
            result.notes = list(self.session.load_notes)
            result.output = self.session.output()
        result.notes += [sandbox_warning] if sandbox_warning else []
        result.seconds = self.seconds
        return result


class GradingPlugin:
    def __init__(self, sandbox: Sandbox, runs: dict[str, NotebookRun],
                 budget_seconds: float, check_seconds: float = DEFAULT_CHECK_SECONDS):
        self.sandbox = sandbox
        self.runs = runs
        self.budget_seconds = budget_seconds
        self.check_seconds = check_seconds
        self.problems: list[str] = []

    def session(self, item: pytest.Item) -> Session:
        run = self.runs[assignment_of(item)]
        if run.session is None:
            run.started = time.monotonic()
            run.session = Session(self.sandbox, run.submission, self.budget_seconds)
        return run.session

    def close_all(self) -> None:
        for run in self.runs.values():
            run.close()

    # -- fixtures -------------------------------------------------------------------

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> Student:
        return Student(self.session(request.node))

    @pytest.fixture
    def reference(self, request: pytest.FixtureRequest) -> types.SimpleNamespace:
        return reference_namespace(assignment_of(request.node))

    @pytest.fixture
    def answers(self, request: pytest.FixtureRequest) -> list[str]:
        """The submission's code cells as text: concept checks read answers from them
        (autograder/grade/answers.py), without running anything."""
        return [c.source for c in self.runs[assignment_of(request.node)].submission.cells or []]

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        return np.random.default_rng(seed_for(assignment_of(request.node),
                                              check_id(request.node)))

    # -- hooks ----------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "unit(name, seconds=10, own_run=True): the unit a "
                                "check grades; own_run=False: the check is about the "
                                "reference units it calls, so it is not run again with the "
                                "student's own units")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        found: set[tuple[str, str]] = set()
        for item in items:
            aid, marker = assignment_of(item), item.get_closest_marker("unit")
            entry = self.runs[aid].rubric.get(check_id(item)) if aid in self.runs else None
            if marker is None or entry is None or entry.unit != marker.args[0]:
                self.problems.append(f"{item.nodeid}: no matching rubric entry or unit marker")
            found.add((aid, check_id(item)))
        self.problems += [f"rubric check {aid}/{c} has no test" for aid, run in self.runs.items()
                          for c in run.rubric if (aid, c) not in found]

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        marker = item.get_closest_marker("unit")
        seconds = float(marker.kwargs.get("seconds", self.check_seconds))
        self.session(item).begin_check(marker.args[0], seed_for(assignment_of(item),
                                                                check_id(item)), seconds)

    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        self.session(item).end_check()
        if nextitem is None or nextitem.path != item.path:  # the notebook's last check
            run = self.runs[assignment_of(item)]
            own_runs(run, self.session(item), self.check_seconds)
            run.close()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None
                                ) -> Iterator[None]:
        """A check writes its messages in the language of the notebook it grades (the one
        its own runs, at the notebook's last check, write theirs in too)."""
        run = self.runs.get(assignment_of(item))
        with using(run.submission.lang if run else None):
            yield

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo
                                  ) -> pytest.TestReport:
        """Score the check, and give pytest a plain report in place of its own: pytest's
        report of a failure parses the source of every frame in the traceback (about 4 ms
        per failed check), and nobody reads it: the CheckResult carries the message."""
        exc = call.excinfo.value if call.excinfo else None
        run = self.runs.get(assignment_of(item))
        entry = run.rubric.get(check_id(item)) if run else None
        if entry is not None and (call.when == "call" or (call.when == "setup" and exc)):
            status, message = classify(exc, entry, item)
            run.results[entry.id] = CheckResult(entry.id, entry.unit,
                                                entry.points if status == "passed" else 0.0,
                                                entry.points, status, message)
            used = frozenset(n for n in self.session(item).reference_calls if ":" not in n)
            marker = item.get_closest_marker("unit")
            if status == "passed" and used and marker.kwargs.get("own_run", True):
                run.deferred.append((item, used))
        return pytest.TestReport(item.nodeid, item.location, {}, "failed" if exc else "passed",
                                 f"{type(exc).__name__}: {str(exc)[:300]}" if exc else None,
                                 call.when, duration=call.duration, start=call.start,
                                 stop=call.stop)


def own_runs(run: NotebookRun, session: Session, default_seconds: float) -> None:
    """Unit isolation must not be a way around the work: a check that passed with the
    reference for units of its contract runs again with the student's own units (the
    quickest such check of each unit, see _one_per_unit). Where
    those units of the student's pass their own checks, the unit must pass here too: if it
    does not finish (endless recursion through units defined through each other, a loop, a
    crash) or answers otherwise, it loses all its points: it does not work in the student's
    notebook. Where one of them fails its own checks, that mistake has cost its points
    there, once."""
    for item, used, seconds in _one_per_unit(run, default_seconds):
        entry = run.rubric[check_id(item)]
        # The student's own units call their own units in turn (train_regression's own
        # backward_regression uses the student's d_mean_squared_error): all must pass.
        if not run.passes(_closure(run.submission.assignment_id, used)):
            continue
        exc: BaseException | None = None
        try:
            session.begin_check(entry.unit, seed_for(run.submission.assignment_id, entry.id),
                                seconds, own=True)
            item.obj(**_fixtures(item, session, run.submission.assignment_id, entry.id))
        except Exception as caught:  # noqa: BLE001 - every outcome is classified below
            exc = caught
        finally:
            session.end_check()
        if exc is None:
            continue
        status, message = classify(exc, entry, item)
        status = "failed" if status == "passed" else status
        names = ", ".join(sorted(used))
        if _does_not_finish(exc):
            text = (f"{entry.unit} does not work in your notebook with your own {names}: "
                    f"{message}")
        else:
            text = (f"{entry.unit} gives another result with your own {names} than with "
                    f"correct ones, although yours pass their checks: {message}")
        for check in run.rubric.values():
            if check.unit == entry.unit:
                run.results[check.id] = CheckResult(check.id, check.unit, 0.0, check.points,
                                                    status, text)


def _closure(assignment_id: str, used: frozenset[str]) -> frozenset[str]:
    """`used` and, transitively, the units of this notebook their contracts use."""
    names = set(curriculum.get(assignment_id).names)
    found, todo = set(used), list(used)
    while todo:
        name = todo.pop()
        if name in names:
            for other in reference_module.contract(assignment_id, name) - found:
                found.add(other)
                todo.append(other)
    return frozenset(found)


def _one_per_unit(run: NotebookRun, default_seconds: float
                  ) -> list[tuple[pytest.Item, frozenset[str], float]]:
    """The quickest deferred check of each unit: whether a unit works in the student's own
    notebook shows in one check (each re-run costs round trips, and the slow gradient
    checks would double a notebook's time)."""
    chosen: dict[str, tuple[pytest.Item, frozenset[str], float]] = {}
    for item, used in run.deferred:
        unit = run.rubric[check_id(item)].unit
        seconds = float(item.get_closest_marker("unit").kwargs.get("seconds", default_seconds))
        if unit not in chosen or seconds < chosen[unit][2]:
            chosen[unit] = (item, used, seconds)
    return list(chosen.values())


def _does_not_finish(exc: BaseException) -> bool:
    if isinstance(exc, WorkerLost):
        return True
    return isinstance(exc, StudentError) and exc.info.get("type") == "RecursionError"


def _fixtures(item: pytest.Item, session: Session, assignment_id: str, check: str
              ) -> dict[str, object]:
    """The check's fixtures, fresh (the rng starts again from the check's seed)."""
    made = {"student": lambda: Student(session),
            "reference": lambda: reference_namespace(assignment_id),
            "rng": lambda: np.random.default_rng(seed_for(assignment_id, check))}
    return {name: made[name]() for name in item._fixtureinfo.argnames}


def classify(exc: BaseException | None, entry: RubricCheck, item: pytest.Item) -> tuple[str, str]:
    """(status, message) for the outcome of a check."""
    if exc is None:
        return "passed", ""
    if isinstance(exc, CheckFailed):
        return "failed", str(exc)
    if isinstance(exc, StudentError):
        return exc.status, str(exc)
    if isinstance(exc, WorkerLost):
        return exc.status, str(exc)
    if isinstance(exc, pytest.skip.Exception):
        return "error", _("{unit}: the check was skipped ({reason})").format(unit=entry.unit,
                                                                             reason=exc)
    # A failure of the check's own code: report it plainly, it needs an instructor's look.
    return "error", _("{unit}: the check {check} could not run on this answer ({error})").format(
        unit=entry.unit, check=entry.id, error=f"{type(exc).__name__}: {str(exc)[:300]}")
