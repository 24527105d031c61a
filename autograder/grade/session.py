"""One submission being graded: its worker in the sandbox, the check in progress, and the
`student` object the hidden checks use.

A worker that crashes, times out or sends garbage is stopped; the next check starts a
fresh one from the same notebook, so a crash costs only the checks it interrupted.
"""

from __future__ import annotations

import time
from typing import Any

from ..collect.submissions import Submission
from ..i18n.messages import _
from ..sandbox.codec import ChannelClosed, ChannelTimeout, ProtocolError, TooLarge
from ..sandbox.launcher import Sandbox, SandboxError, WorkerProcess
from ..sandbox.rpc import Rejected, RemoteError, RemoteFunction, RemoteObject, Unsendable
from . import reference

LOAD_SECONDS = 20.0
# What the grading process accepts from one worker: the grader's memory must not grow with
# what student code sends. The largest legitimate message is a few MB (the training check
# sends 3 MB of images to the worker; answers are smaller).
MAX_MESSAGE_BYTES = 64 * 2**20
CHECK_BUDGET_BYTES = 256 * 2**20


class StudentError(Exception):
    """The student's code raised. `status` is "failed" for an unimplemented or missing
    unit, "error" otherwise; str() is the teaching message."""

    def __init__(self, label: str, info: dict[str, Any]):
        self.label, self.info = label, info
        text = str(info.get("text") or f"{info.get('type')}: {info.get('message', '')}")
        if info.get("not_implemented"):
            self.status, message = "failed", _("{unit}: not implemented yet").format(unit=label)
        elif info.get("not_ready") or info.get("rejected") or info.get("type") == "LookupError":
            self.status, message = "failed", f"{label}: {text}"
        else:
            self.status, message = "error", _("{unit} raised {error}").format(unit=label,
                                                                               error=text)
        if info.get("hint"):
            message = _("{message}\nHint: {hint}").format(message=message, hint=info["hint"])
        super().__init__(message)


class WorkerLost(Exception):
    """The check could not finish: status "timeout" or "error"."""

    def __init__(self, status: str, message: str):
        self.status = status
        super().__init__(message)


class Session:
    """Grades one submission: a worker with its notebook loaded, one check at a time."""

    def __init__(self, sandbox: Sandbox, submission: Submission, budget_seconds: float):
        self.sandbox, self.submission = sandbox, submission
        self.assignment_id = submission.assignment_id
        self.budget_end = time.monotonic() + budget_seconds
        self.worker: WorkerProcess | None = None
        self.load_failure: str | None = None  # loading is deterministic: no second try
        self.load_notes: list[str] = []
        self.reference_calls: list[str] = []
        self.unit: str | None = None
        self.check_seconds = 0.0
        self.outputs: list[str] = []

    # -- worker lifecycle -----------------------------------------------------------

    def _ensure_worker(self) -> WorkerProcess:
        if self.worker is not None:
            return self.worker
        if self.load_failure is not None:
            raise WorkerLost("error", self.load_failure)
        from .. import curriculum

        worker = self.sandbox.spawn()
        self.worker = worker
        worker.peer.channel.max_message = MAX_MESSAGE_BYTES
        worker.peer.channel.budget = CHECK_BUDGET_BYTES
        a = curriculum.get(self.assignment_id)
        worker.peer.deadline = time.monotonic() + LOAD_SECONDS
        try:
            reply = worker.peer.request("load", {
                "cells": [[c.index, c.source] for c in self.submission.cells or []],
                "name": a.notebook, "names": list(a.names),
                "imports": reference.import_table(self.assignment_id),
                "lang": self.submission.lang,
            })
        except (ChannelClosed, ChannelTimeout, ProtocolError, RemoteError) as exc:
            status = self.lose()
            self.load_failure = _("the notebook could not be loaded: {reason}").format(
                reason=_why(exc, status))
            raise WorkerLost("error", self.load_failure) from None
        if not self.load_notes:
            self.load_notes = [str(p) for p in reply.get("problems", [])]
        return worker

    def lose(self) -> str:
        """Stop the current worker (after a crash, timeout or protocol error)."""
        status = ""
        if self.worker is not None:
            # Proxies of this worker's objects may outlive it (in a failed check's
            # traceback): drop what its peer holds so that no reference object it had the
            # grader build stays in memory.
            self.worker.peer.reset()
            status = self.worker.stop()
            self.outputs.append(self.worker.output.text())
            self.worker = None
        return status

    def close(self) -> None:
        self.lose()

    def output(self) -> str:
        return "".join(self.outputs)

    # -- checks -------------------------------------------------------------------

    def begin_check(self, unit: str, seed: int, seconds: float, own: bool = False) -> None:
        """Start a check of `unit` in the worker. Unit isolation: the units of the unit's
        contract are the reference's, the rest of the notebook is the student's own. With
        own=True every unit of the notebook is the student's own (only earlier notebooks'
        units stay the reference's): the check of how the unit works in the student's own
        notebook."""
        self.unit, self.reference_calls = unit, []
        remaining = self.budget_end - time.monotonic()
        if remaining <= 0:
            raise WorkerLost("timeout", _("{unit}: not run, the submission used up its time "
                                          "budget").format(unit=unit))
        self.check_seconds = min(seconds, remaining)
        try:
            worker = self._ensure_worker()
        except SandboxError as exc:
            raise WorkerLost("error", _("the sandbox could not start: {reason}").format(
                reason=exc)) from None
        exports = reference.exports_for(self.assignment_id, unit)
        if own:
            exports = {n: f for n, f in exports.items() if ":" in n}

        def resolve(name: str) -> Any:
            if name not in exports:
                raise LookupError(reference.unavailable(self.assignment_id, unit, name))
            self.reference_calls.append(name)
            return exports[name]

        worker.peer.reset()
        worker.peer.resolve_unit = resolve
        worker.peer.deadline = time.monotonic() + self.check_seconds
        worker.peer.channel.budget = CHECK_BUDGET_BYTES
        self.request("isolate", {"replace": [n for n in exports if ":" not in n],
                                 "seed": seed})

    def end_check(self) -> None:
        if self.worker is not None:
            self.worker.peer.deadline = None
            self.worker.peer.reset()

    def request(self, op: str, meta: dict | None = None, values: dict | None = None) -> dict:
        return self.guard(lambda: self._ensure_worker().peer.request(op, meta, values))

    def guard(self, action: Any) -> Any:
        """Run `action` against the worker, turning a lost worker into WorkerLost."""
        try:
            return action()
        except ChannelTimeout:
            self.lose()
            raise WorkerLost("timeout", _("{unit}: no answer within {seconds} s (an endless "
                                          "loop, or much too slow)").format(
                unit=self.unit, seconds=f"{self.check_seconds:g}")) from None
        except ChannelClosed:
            status = self.lose()
            raise WorkerLost("error", _("{unit}: the worker process died during this check "
                                        "({status})").format(unit=self.unit,
                                                             status=status)) from None
        except TooLarge as exc:
            self.lose()
            raise WorkerLost("error", _("{unit}: the answer is too large ({reason}); the grader "
                                        "accepts at most {message} MiB in one message and "
                                        "{check} MiB in one check").format(
                unit=self.unit, reason=exc, message=MAX_MESSAGE_BYTES // 2**20,
                check=CHECK_BUDGET_BYTES // 2**20)) from None
        except ProtocolError as exc:
            self.lose()
            raise WorkerLost("error", _("{unit}: the notebook sent data the grader cannot read "
                                        "({reason})").format(unit=self.unit,
                                                             reason=exc)) from None


def _why(exc: BaseException, status: str) -> str:
    if isinstance(exc, RemoteError):
        return str(exc.info.get("text") or exc)
    if isinstance(exc, ChannelTimeout):
        return "loading took too long"
    return _("the worker process died ({status})").format(status=status) if status else str(exc)


class Student:
    """The `student` fixture: the submission's units, called in the sandbox.

    student.softmax(x) calls the student's softmax under unit isolation; a class gives an
    object whose methods are called remotely too. Errors become StudentError.
    """

    def __init__(self, session: Session):
        self._session = session

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Callable(self._session, {"unit": name}, name)

    def current(self, value: Any) -> Any:
        """`value` (an array or container this check passed to a unit) as the student's
        code holds it now: the grader's own arrays never change, so a check that wants to
        see what a unit did to its arguments (or what a callback saw) reads it here. The
        result is the worker's data: validate it like any answer."""
        worker = self._session.worker
        return worker.peer.links.current(value) if worker is not None else value

    def replaced(self, container: Any) -> list:
        """Keys (or indexes) of `container` whose array the student's code replaced by a
        new array instead of changing it in place."""
        worker = self._session.worker
        return worker.peer.links.replaced(container) if worker is not None else []

    def blank(self, name: str) -> Any:
        """An instance of the student's class `name` made without its __init__."""
        def run() -> Any:
            try:
                return self._session.request("blank", {"name": name})["value"]
            except RemoteError as exc:
                raise StudentError(name, exc.info) from None

        return _wrap(self._session.guard(run), name, self._session)

    def write_back(self, value: Any) -> None:
        """Send back arrays received from the worker after changing them here: the
        worker's originals are updated in place (e.g. to set a network's params)."""
        self._session.request("sync", {}, {"value": _unwrap(value)})

    @property
    def reference_calls(self) -> list[str]:
        """Reference units the student's code called during this check."""
        return list(self._session.reference_calls)


def _unwrap(value: Any) -> Any:
    """The remote object behind a StudentObject. Containers are passed as they are (so
    that changes the student makes to them come back into the caller's dict or list)."""
    if isinstance(value, StudentObject):
        return value._sg_target
    return value


def _wrap(value: Any, label: str, session: Session) -> Any:
    if isinstance(value, RemoteObject):
        return StudentObject(value, session)
    if isinstance(value, Unsendable):
        return value
    return value


class _Callable:
    def __init__(self, session: Session, target: dict, label: str):
        self._session, self._target, self._label = session, target, label

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        session = self._session
        peer = session._ensure_worker().peer

        def run() -> Any:
            try:
                return peer.call(self._target, tuple(_unwrap(a) for a in args),
                                 {k: _unwrap(v) for k, v in kwargs.items()})
            except RemoteError as exc:
                raise StudentError(self._label, exc.info) from None
            except Rejected as exc:
                raise StudentError(self._label, {"type": "Rejected", "rejected": True,
                                                 "text": str(exc)}) from None

        return _wrap(session.guard(run), self._label, session)


class StudentObject:
    """An object of the student's (e.g. their Affine layer), living in the worker."""

    def __init__(self, target: RemoteObject, session: Session):
        object.__setattr__(self, "_sg_target", target)
        object.__setattr__(self, "_sg_session", session)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        target, session = self._sg_target, self._sg_session
        label = f"{target._sg_cls}.{name}"

        def get() -> Any:
            try:
                return getattr(target, name)
            except RemoteError as exc:
                if exc.info.get("type") == "AttributeError":  # hasattr() and numpy rely on it
                    raise AttributeError(f"{label} does not exist") from None
                raise StudentError(label, exc.info) from None

        value = session.guard(get)
        if isinstance(value, RemoteFunction):
            return _Callable(session, {"fn": value._sg_rid}, label)
        return _wrap(value, label, session)

    def __setattr__(self, name: str, value: Any) -> None:
        target, session = self._sg_target, self._sg_session
        session.guard(lambda: setattr(target, name, _unwrap(value)))

    def __repr__(self) -> str:
        return f"<student's {self._sg_target._sg_cls} object>"

    def __sg_kind__(self) -> str:
        return _("an object of class {name}").format(name=self._sg_target._sg_cls)
