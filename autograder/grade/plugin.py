"""The pytest plugin that runs a hidden suite against one submission.

Hidden checks are ordinary pytest tests that ask for fixtures by name:

    @pytest.mark.unit("softmax")
    def test_softmax_rows_of_a_batch(student, reference, rng): ...

`student` calls the submission's units in the sandbox, `reference` is the reference
notebook (trusted side only), `rng` a generator seeded from the check's id. This plugin
starts each check (unit isolation, seeds, time limit) and turns its outcome into a scored
CheckResult; the sandbox and the scoring stay out of the tests' sight.
"""

from __future__ import annotations

import types
import zlib

import numpy as np
import pytest

from ..selfcheck.expect import CheckFailed
from . import reference as reference_module
from .results import CheckResult
from .rubric import RubricCheck
from .session import Session, Student, StudentError, WorkerLost

DEFAULT_CHECK_SECONDS = 10.0


def check_id(item: pytest.Item) -> str:
    return item.name.removeprefix("test_")


def seed_for(assignment_id: str, check: str) -> int:
    return zlib.crc32(f"{assignment_id}:{check}".encode())


class GradingPlugin:
    def __init__(self, session: Session, rubric: dict[str, RubricCheck],
                 check_seconds: float = DEFAULT_CHECK_SECONDS):
        self.session = session
        self.check_seconds = check_seconds
        self.rubric = rubric
        self.results: dict[str, CheckResult] = {}
        self.problems: list[str] = []

    # -- fixtures -------------------------------------------------------------------

    @pytest.fixture
    def student(self) -> Student:
        return Student(self.session)

    @pytest.fixture
    def reference(self) -> types.SimpleNamespace:
        ns = reference_module.load_reference(self.session.assignment_id).namespace
        return types.SimpleNamespace(**{k: v for k, v in ns.items() if not k.startswith("__")})

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        return np.random.default_rng(seed_for(self.session.assignment_id,
                                              check_id(request.node)))

    # -- hooks ----------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "unit(name, seconds=10): the unit a check grades")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("unit")
            entry = self.rubric.get(check_id(item))
            if marker is None or entry is None or entry.unit != marker.args[0]:
                self.problems.append(f"{item.nodeid}: no matching rubric entry or unit marker")
        found = {check_id(i) for i in items}
        self.problems += [f"rubric check {c} has no test" for c in self.rubric if c not in found]

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        marker = item.get_closest_marker("unit")
        seconds = float(marker.kwargs.get("seconds", self.check_seconds))
        self.session.begin_check(marker.args[0], seed_for(self.session.assignment_id,
                                                          check_id(item)), seconds)

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.session.end_check()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
        """Score the check, and give pytest a plain report in place of its own: pytest's
        report of a failure parses the source of every frame in the traceback (about 4 ms
        per failed check), and nobody reads it: the CheckResult carries the message."""
        exc = call.excinfo.value if call.excinfo else None
        entry = self.rubric.get(check_id(item))
        if entry is not None and (call.when == "call" or (call.when == "setup" and exc)):
            status, message = classify(exc, entry, item)
            self.results[entry.id] = CheckResult(entry.id, entry.unit,
                                                 entry.points if status == "passed" else 0.0,
                                                 entry.points, status, message)
        return pytest.TestReport(item.nodeid, item.location, {}, "failed" if exc else "passed",
                          f"{type(exc).__name__}: {str(exc)[:300]}" if exc else None,
                          call.when, duration=call.duration, start=call.start,
                          stop=call.stop)


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
        return "error", f"{entry.unit}: the check was skipped ({exc})"
    # A failure of the check's own code: report it plainly, it needs an instructor's look.
    return "error", (f"{entry.unit}: the check {entry.id} could not run on this answer "
                     f"({type(exc).__name__}: {str(exc)[:300]})")
