"""A student's notebook as the public tests see it: units that fail with one clear line.

`student.softmax(x)` calls the student's function; NotImplementedError becomes
"softmax: not implemented yet" (or, when a unit it uses is the stub that raised,
"Affine.forward is not implemented yet (TwoLayerNet.predict uses it)"), any other exception
becomes one line naming the unit and the line in it, never a traceback.
"""

from __future__ import annotations

from typing import Any

from ..i18n.messages import N_, _
from ..notebook.importer import UnitNotReady
from ..notebook.loader import LoadedNotebook, describe_exception, locate
from .expect import CheckFailed, NotImplementedYet

# Student-facing messages; the placeholders are unit names as the notebook spells them.
MSG_NOT_IMPLEMENTED = N_("{unit}: not implemented yet")
MSG_STUB_USED = N_("{stub} is not implemented yet ({unit} uses it)")
MSG_NOT_READY = "{unit}: {reason}"  # nothing to translate
MSG_RAISED = N_("{unit} raised {error}")
MSG_NO_ATTRIBUTE = N_("{unit} has no attribute {name}")


class StudentUnits:
    """Attribute access to the units a loaded notebook defines."""

    def __init__(self, loaded: LoadedNotebook):
        self._loaded = loaded

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if not self._loaded.has(name):
            raise CheckFailed(self._loaded.why_missing(name))
        return guard(self._loaded.namespace[name], name, self._loaded)


def guard(obj: Any, label: str, loaded: LoadedNotebook) -> Any:
    if isinstance(obj, type):
        return _GuardedClass(obj, label, loaded)
    if callable(obj):
        return _GuardedCallable(obj, label, loaded)
    return obj


def translate(exc: BaseException, label: str, loaded: LoadedNotebook) -> CheckFailed:
    """The teaching message for an exception raised by student code."""
    if isinstance(exc, NotImplementedError):
        stub = _stub_that_raised(exc, label)
        if stub is not None:
            return NotImplementedYet(_(MSG_STUB_USED).format(stub=stub, unit=label))
        return NotImplementedYet(_(MSG_NOT_IMPLEMENTED).format(unit=label))
    if isinstance(exc, UnitNotReady):
        return CheckFailed(MSG_NOT_READY.format(unit=label, reason=exc))
    hint = None
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        hint = loaded.explain_name_error(exc.name)
    return CheckFailed(_(MSG_RAISED).format(unit=label, error=describe_exception(exc)), hint)


def _stub_that_raised(exc: BaseException, label: str) -> str | None:
    """The notebook unit whose code raised `exc` when it is not `label` itself (the unit
    under test called an unfinished one), else None."""
    where = locate(exc)
    if where is None or where.unit is None:
        return None
    return None if where.unit == label else where.unit


def _unwrap(value: Any) -> Any:
    return value._target if isinstance(value, _GuardedInstance) else value


def _call(fn: Any, label: str, loaded: LoadedNotebook, args: tuple, kwargs: dict) -> Any:
    args = tuple(_unwrap(a) for a in args)
    kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
    try:
        return fn(*args, **kwargs)
    except CheckFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - every student error becomes a message
        raise translate(exc, label, loaded) from None


class _GuardedCallable:
    def __init__(self, fn: Any, label: str, loaded: LoadedNotebook):
        self._fn, self._label, self._loaded = fn, label, loaded

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._fn, self._label, self._loaded, args, kwargs)


class _GuardedClass(_GuardedCallable):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        instance = _call(self._fn, f"{self._label}.__init__", self._loaded, args, kwargs)
        return _GuardedInstance(instance, self._label, self._loaded)


class _GuardedInstance:
    """Forwards attribute access to the student's object, guarding its methods."""

    def __init__(self, target: Any, label: str, loaded: LoadedNotebook):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_loaded", loaded)

    def __getattr__(self, name: str) -> Any:
        try:
            value = getattr(self._target, name)
        except AttributeError:
            raise CheckFailed(_(MSG_NO_ATTRIBUTE).format(unit=self._label, name=repr(name))) from None
        if callable(value) and not isinstance(value, type):
            return _GuardedCallable(value, f"{self._label}.{name}", self._loaded)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)
