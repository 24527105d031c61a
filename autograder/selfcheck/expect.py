"""Teaching assertions: every failure says what was expected, what came back, and a hint.

Used by the public tests students run (`pytest assignments`) and by the hidden suites the
grader runs, so both speak the same language. A failure raises CheckFailed, whose text is
the whole message; the pytest plugin prints it without a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from ..i18n.messages import _

# A diagnosis names the classic mistake behind a wrong answer: a function of the answer
# that returns a hint, or (hint, what that mistake would have returned) pairs.
Diagnosis = Callable[[Any], "str | None"] | Mapping[str, Any] | Sequence[tuple[str, Any]] | None


class CheckFailed(AssertionError):
    """A check failed. str(exc) is the complete teaching message."""

    def __init__(self, message: str, hint: str | None = None):
        self.hint = hint
        super().__init__(_("{message}\nHint: {hint}").format(message=message, hint=hint)
                         if hint else message)

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback when check() fails in a notebook.
        return str(self).splitlines()


class NotImplementedYet(CheckFailed):
    """The unit still raises NotImplementedError."""


def show(value: Any) -> str:
    """A short, one-line picture of a value for a message."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return _("an object array of shape {shape}").format(shape=value.shape)
        body = np.array2string(value, precision=4, threshold=12, edgeitems=2,
                               max_line_width=10_000, separator=", ")
        body = " ".join(body.split())
        if len(body) > 200:
            body = body[:197] + "..."
        return _("{values} (shape {shape}, {dtype})").format(values=body, shape=value.shape,
                                                             dtype=value.dtype)
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def kind(value: Any) -> str:
    describe = getattr(type(value), "__sg_kind__", None)  # a proxy for a student's object
    if describe is not None:
        return describe(value)
    if isinstance(value, np.ndarray):
        return _("an ndarray of shape {shape} and dtype {dtype}").format(shape=value.shape,
                                                                          dtype=value.dtype)
    if value is None:
        return _("None (did you forget `return`?)")
    return _("a {type}").format(type=type(value).__name__)


def fail(message: str, hint: str | None = None) -> NoReturn:
    raise CheckFailed(message, hint)


def _diagnose(got: Any, diagnose: Diagnosis, default: str | None) -> str | None:
    if diagnose is None:
        return default
    if callable(diagnose):
        return diagnose(got) or default
    pairs = diagnose.items() if isinstance(diagnose, Mapping) else diagnose
    for hint, candidate in pairs:
        try:
            cand = np.asarray(candidate, dtype=float)
            if np.shape(got) == cand.shape and np.allclose(got, cand, rtol=1e-5, atol=1e-8,
                                                          equal_nan=True):
                return hint
        except (TypeError, ValueError):
            continue
    return default


def is_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf"


def number_close(got: Any, expected: float, *, what: str, rtol: float = 1e-5,
                 atol: float = 1e-8, hint: str | None = None,
                 diagnose: Diagnosis = None) -> None:
    """`got` is a real number close to `expected`."""
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "iuf":
        got = got.reshape(())[()]
    if not is_number(got):
        fail(_("{what}: expected a number close to {expected}, got {got}").format(
            what=what, expected=show(expected), got=kind(got)),
             _diagnose(got, diagnose, hint))
    if not np.isfinite(got):
        fail(_("{what}: expected {expected}, got {got}").format(
            what=what, expected=show(expected), got=show(got)),
             _diagnose(got, diagnose, hint))
    if not np.isclose(float(got), expected, rtol=rtol, atol=atol):
        fail(_("{what}: expected {expected}, got {got}").format(
            what=what, expected=show(expected), got=show(got)),
             _diagnose(got, diagnose, hint))


def array_close(got: Any, expected: Any, *, what: str, rtol: float = 1e-5, atol: float = 1e-8,
                hint: str | None = None, diagnose: Diagnosis = None,
                nan_hint: str | None = None) -> None:
    """`got` is an ndarray with exactly the expected shape, finite, and close elementwise."""
    expected = np.asarray(expected)
    if not isinstance(got, np.ndarray):
        fail(_("{what}: expected an ndarray of shape {shape}, got {got}").format(
            what=what, shape=expected.shape, got=kind(got)),
             _diagnose(got, diagnose, hint))
    if got.dtype == object or got.dtype.kind not in "biuf":
        fail(_("{what}: expected numbers, got {got}").format(what=what, got=kind(got)),
             _("return an array of numbers (float), not of Python objects"))
    if got.shape != expected.shape:
        fail(_("{what}: expected shape {expected}, got shape {got}").format(
            what=what, expected=expected.shape, got=got.shape),
             _diagnose(got, diagnose, hint))
    finite = np.isfinite(expected)
    if not np.all(np.isfinite(got)[finite]):
        fail(_("{what}: expected {expected}, got {got} (it holds nan or inf)").format(
            what=what, expected=show(expected), got=show(got)),
             nan_hint or _diagnose(got, diagnose, hint))
    if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        worst = float(np.max(np.abs(got.astype(float) - expected.astype(float))))
        fail(_("{what}: expected {expected}, got {got} (largest difference {difference})").format(
            what=what, expected=show(expected), got=show(got), difference=f"{worst:.3g}"),
             _diagnose(got, diagnose, hint))


def equal(got: Any, expected: Any, *, what: str, hint: str | None = None) -> None:
    """`got == expected` for plain values (0/1 outputs, lengths, keys)."""
    same = False
    try:
        same = bool(np.all(np.asarray(got) == np.asarray(expected))) and (
            np.shape(got) == np.shape(expected))
    except (TypeError, ValueError):
        same = False
    if not same:
        fail(_("{what}: expected {expected}, got {got}").format(
            what=what, expected=show(expected), got=show(got)), hint)


def unchanged(before: np.ndarray, after: Any, *, what: str, hint: str) -> None:
    """An input array was not modified by the call."""
    if not (isinstance(after, np.ndarray) and after.shape == before.shape
            and np.array_equal(after, before, equal_nan=True)):
        fail(_("{what} changed its input: before the call it was {before}, after the call "
               "{after}").format(what=what, before=show(before), after=show(after)), hint)


def that(condition: bool, message: str, hint: str | None = None) -> None:
    if not condition:
        fail(message, hint)
