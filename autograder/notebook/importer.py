"""`from_assignment`: use units of an earlier assignment in a later notebook.

04_backprop needs softmax (02_forward) and cross_entropy_error (03_learning). Rather than
give those answers away in its release, the later notebook imports them from the
student's own earlier notebook, found in the sibling folder (the layout nbgrader's fetch
produces):

    softmax = from_assignment("02_forward", "softmax")
    cross_entropy_error, numerical_gradient = from_assignment(
        "03_learning", "cross_entropy_error", "numerical_gradient")

When the grader runs a notebook it installs a resolver instead, so the imported units are
the reference ones and a mistake in 02_forward costs points in 02_forward only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import curriculum
from ..i18n.messages import _
from .loader import LoadedNotebook, NotebookError, current_notebook_dir, load_notebook

# Set by the grader's worker; maps (assignment_id, name) to the object to hand out.
_resolver: Callable[[str, str], Any] | None = None
_cache: dict[Path, tuple[int, int, LoadedNotebook]] = {}

# Notebook topic per assignment, from the curriculum table (which the sandbox mounts too).
_TOPICS = {a.id: a.topic for a in curriculum.ASSIGNMENTS}


class UnitNotReady(RuntimeError):
    """An imported unit cannot be used yet; the message says what to finish first."""

    def _render_traceback_(self) -> list[str]:
        # In a notebook the message is the whole story: no traceback into the kit.
        return [f"{type(self).__name__}: {self}"]


def set_resolver(resolver: Callable[[str, str], Any] | None) -> None:
    global _resolver
    _resolver = resolver


def from_assignment(assignment_id: str, *names: str) -> Any:
    """The units `names` of an earlier assignment: one object for one name, else a tuple."""
    if assignment_id not in _TOPICS:
        raise ValueError(_("unknown assignment {assignment}; the assignments are: "
                           "{assignments}").format(assignment=repr(assignment_id),
                                                   assignments=", ".join(_TOPICS)))
    if not names:
        raise TypeError(_("from_assignment needs at least one unit name"))
    if _resolver is not None:
        units = tuple(_resolver(assignment_id, name) for name in names)
    else:
        units = tuple(_from_sibling(assignment_id, name) for name in names)
    return units[0] if len(units) == 1 else units


def sibling_notebook(assignment_id: str) -> Path:
    base = current_notebook_dir.get() or Path.cwd()
    return (base.parent / assignment_id / f"{_TOPICS[assignment_id]}.ipynb").resolve()


def _from_sibling(assignment_id: str, name: str) -> Any:
    path = sibling_notebook(assignment_id)
    where = f"{assignment_id}/{path.name}"
    try:
        loaded = load_cached(path)
    except NotebookError as exc:
        return _unavailable(name, _("{name} comes from {where}, which could not be read: "
                                    "{reason}. Put the {assignment} folder next to this one.").format(
            name=name, where=where, reason=exc, assignment=assignment_id))
    if not loaded.has(name):
        return _unavailable(name, _("{name} comes from {where}: {reason}").format(
            name=name, where=where, reason=loaded.why_missing(name)))
    return _guarded(loaded.namespace[name], _("{name} from {where}").format(name=name, where=where),
                    where)


def load_cached(path: Path) -> LoadedNotebook:
    """Load the notebook at `path`, reusing the last load while the file is unchanged."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except OSError:
        raise NotebookError(_("{path} does not exist").format(path=path)) from None
    hit = _cache.get(path)
    if hit and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size:
        return hit[2]
    loaded = load_notebook(path)
    _cache[path] = (stat.st_mtime_ns, stat.st_size, loaded)
    return loaded


def _unavailable(name: str, reason: str) -> Callable[..., Any]:
    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise UnitNotReady(reason)

    unavailable.__name__ = unavailable.__qualname__ = name
    return unavailable


def _not_ready(label: str, where: str) -> UnitNotReady:
    return UnitNotReady(_("{unit} is not implemented yet: finish it in {where} first").format(
        unit=label, where=where))


def _guarded(obj: Any, label: str, where: str) -> Any:
    """`obj` with NotImplementedError turned into a message naming the notebook to finish."""
    if isinstance(obj, type):
        methods = {}
        for attr, value in vars(obj).items():
            if callable(value) and (not attr.startswith("_") or attr == "__init__"):
                method = _("{name} from {where}").format(name=f"{obj.__name__}.{attr}",
                                                          where=where)
                methods[attr] = _guard_function(value, method, where)
        return type(obj.__name__, (obj,), methods)
    if callable(obj):
        return _guard_function(obj, label, where)
    return obj


def _guard_function(fn: Callable[..., Any], label: str, where: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            raise _not_ready(label, where) from None

    return guarded
