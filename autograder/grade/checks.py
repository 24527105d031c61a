"""Small tools the hidden checks share: gradient checks and the book's-variant helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ..i18n.messages import _
from ..selfcheck import expect


def rel_error(x: Any, y: Any) -> float:
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def numeric_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5,
                     indexes: list[tuple[int, ...]] | None = None) -> np.ndarray:
    """Central differences of f() with respect to the array x, perturbed in place here.

    f takes no argument: it reads x (for instance by sending it to the student's code).
    indexes: only these entries (CS231n's sparse gradient check); the others stay NaN.
    Returns: float64 array of x's shape
    """
    grad = np.zeros_like(x, dtype=float)
    if indexes is not None:
        grad[...] = np.nan
    for idx in np.ndindex(x.shape) if indexes is None else indexes:
        old = x[idx]
        x[idx] = old + h
        plus = float(f())
        x[idx] = old - h
        minus = float(f())
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def sample_indexes(rng: np.random.Generator, shape: tuple[int, ...], k: int
                   ) -> list[tuple[int, ...]]:
    """k distinct entries of an array of this shape (all of them when it has at most k)."""
    size = int(np.prod(shape))
    flat = np.arange(size) if size <= k else np.sort(rng.choice(size, k, replace=False))
    return [tuple(int(i) for i in np.unravel_index(f, shape)) for f in flat]


def numeric_gradient_of_output(forward: Callable[[np.ndarray], Any], x: np.ndarray,
                               dout: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """d sum(forward(x) * dout) / dx: what a layer's backward(dout) must return."""
    def objective() -> float:
        out = forward(x)
        expect.that(isinstance(out, np.ndarray) and out.shape == dout.shape,
                    _("forward returned {got}, expected shape {shape}").format(
                        got=expect.kind(out), shape=dout.shape))
        return float(np.sum(out * dout))

    return numeric_gradient(objective, x, h)


def first_if_tuple(value: Any) -> Any:
    """The book's repository returns (x, history) from gradient_descent; accept both."""
    if isinstance(value, tuple) and len(value) == 2:
        return value[0]
    return value


def expect_gradient(got: Any, want: np.ndarray, *, what: str, hint: str | None = None,
                    threshold: float = 1e-6, diagnose: Any = None) -> None:
    """An analytic gradient agrees with `want` to a CS231n relative error below threshold."""
    expect.array_close(got, want, what=what, rtol=1e-3, atol=1e-6, hint=hint, diagnose=diagnose)
    error = rel_error(got, want)
    expect.that(error < threshold, _("{what}: relative error {error} against the expected "
                                      "gradient (it must be below {threshold})").format(
        what=what, error=f"{error:.2e}", threshold=f"{threshold:.0e}"), hint)


def expect_gradient_at(got: Any, numeric: np.ndarray, indexes: list[tuple[int, ...]], *,
                       what: str, hint: str | None = None, threshold: float = 1e-6) -> None:
    """Like expect_gradient, on the entries of a sparse numeric gradient (numeric_gradient
    with indexes); got must have the full shape."""
    expect.that(np.shape(got) == numeric.shape,
                _("{what}: expected shape {expected}, got {got}").format(
                    what=what, expected=numeric.shape, got=expect.kind(got)), hint)
    entries = tuple(np.array(i) for i in zip(*indexes))  # fancy index of those entries
    expect_gradient(np.asarray(got, dtype=float)[entries], numeric[entries], what=what,
                    hint=hint, threshold=threshold)


def call_with_hint(fn: Callable[..., Any], *args: Any, hint: str,
                   when: Callable[[dict], bool] | tuple[str, ...], **kwargs: Any) -> Any:
    """Call a student's unit; where it raises an error that the mistake behind `hint`
    explains, fail the check with the contract it breaks instead of the raw error.

    when: the evidence, a tuple of exception type names ("IndexError", ...) or a function
    of the error's info (its "type" and "message") that says whether this mistake explains
    it (see `raised`). Any other error (and NotImplementedError) propagates unchanged, without a hint.
    """
    from .session import StudentError

    try:
        return fn(*args, **kwargs)
    except StudentError as exc:
        if exc.status != "error":
            raise
        info = exc.info
        explained = (info.get("type") in when if isinstance(when, tuple) else bool(when(info)))
        if not explained:
            raise
        raise expect.CheckFailed(str(exc).split("\n" + _("Hint:"))[0], hint) from None


def raised(*types: str, says: str = "") -> Callable[[dict], bool]:
    """Evidence for call_with_hint: an error of one of these types whose text (`Type:
    message`) holds `says`."""
    return lambda info: info.get("type") in types and says in str(info.get("text", ""))


_MISSING = re.compile(r"missing \d+ required positional arguments?: (.*)$")


def parameter_names(fn: Callable[..., Any]) -> list[str] | None:
    """A probe: the names of the required parameters of a student's function, read from
    the TypeError that calling it with no argument raises (None where it does not)."""
    from .session import StudentError

    try:
        fn()
    except StudentError as exc:
        match = _MISSING.search(str(exc.info.get("text", "")))
        if exc.info.get("type") == "TypeError" and match:
            return re.findall(r"'([^']+)'", match.group(1))
    return None


TARGET_NAMES = frozenset({"t", "d", "target", "targets", "label", "labels", "teacher",
                          "y_true", "answer"})


def target_first(fn: Callable[..., Any]) -> bool:
    """A probe: the student's function names its first parameter like a target (t, d,
    label...) and its second not: the target-first order of some courses."""
    names = parameter_names(fn)
    return bool(names) and len(names) >= 2 and names[0] in TARGET_NAMES \
        and names[1] not in TARGET_NAMES


def rounded(want: Any, hint_rounded: str, hint_truncated: str) -> list[tuple[str, Any]]:
    """Diagnoses for outputs that lost precision: `want` cut to integers, or rounded to
    0-6 decimals (what np.round or a format-and-parse would give)."""
    want = np.asarray(want, dtype=float)
    pairs = [(hint_truncated, np.trunc(want))]
    return pairs + [(hint_rounded, np.round(want, d)) for d in range(7)
                    if not np.allclose(np.round(want, d), want, rtol=1e-5, atol=1e-8)]
