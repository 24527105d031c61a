"""The reference solutions, loaded in the trusted grader only, and what a worker may call.

Under unit isolation a student's unit is graded with the reference for the units its
contract uses: the worker holds stubs, and each call crosses back here. A unit's contract
is derived from the reference implementation (the graded names its code refers to), so it
is declared in one place: the solution notebook. Everything else in the notebook stays the
student's own, so a unit cannot earn points by building on reference units it has no use
for (a layer built on the reference network). Earlier notebooks' functions are always the
reference's (the student imports them), their classes only where the contract uses them.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from typing import Any

from .. import curriculum, paths
from ..i18n.messages import _
from ..notebook.loader import LoadedNotebook, load_notebook
from ..sandbox.rpc import Exposed

# Attributes of a reference object that the worker's proxy mirrors, so that student code
# can use them as the book does (Affine shares its W and b with the network's params):
# declared in the curriculum table.
SHARED = curriculum.SHARED


@functools.cache
def load_reference(assignment_id: str) -> LoadedNotebook:
    a = curriculum.get(assignment_id)
    loaded = load_notebook(paths.solutions_dir() / a.id / a.notebook,
                           module_name=f"reference_{a.topic}")
    missing = [n for n in a.names if not loaded.has(n)]
    if missing or loaded.problems or loaded.broken_cells:
        raise RuntimeError(f"the reference {a.notebook} is broken: missing {missing}, "
                           f"{[str(p) for p in loaded.problems + loaded.broken_cells]}")
    return loaded


def public_methods(cls: type) -> tuple[str, ...]:
    return tuple(name for name, _ in inspect.getmembers(cls, callable)
                 if not name.startswith("_"))


def expose(obj: Any) -> Exposed:
    """A reference object as the worker may hold it (its public methods, its shared
    attributes), for a check that gives a student's object the book's state."""
    cls = type(obj)
    return Exposed(obj, public_methods(cls), SHARED.get(cls.__name__, ()))


def _export(obj: Any, name: str) -> Callable[..., Any]:
    """What a worker's stub for `name` calls: the function, or a factory for a class."""
    if isinstance(obj, type):
        methods, shared = public_methods(obj), SHARED.get(name, ())

        def construct(*args: Any, **kwargs: Any) -> Exposed:
            return Exposed(obj(*args, **kwargs), methods, shared)

        return construct
    return obj


@functools.cache
def contract(assignment_id: str, unit: str) -> frozenset[str]:
    """The names (of this notebook's units and the units it imports) that the reference
    implementation of `unit` uses. A method's contract follows `self.<method>` calls from
    the method and from __init__ (which runs in every check of a class)."""
    a = curriculum.get(assignment_id)
    ns = load_reference(assignment_id).namespace
    owner, _, method = unit.partition(".")
    obj = ns[owner]
    if isinstance(obj, type):
        methods = {k: v for k, v in vars(obj).items() if isinstance(v, types.FunctionType)}
        todo = [m for m in {method, "__init__"} if m in methods] if method else list(methods)
        codes, seen = [], set()
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                codes.append(methods[name].__code__)
                todo += [n for n in _names(methods[name].__code__) if n in methods]
    elif isinstance(obj, types.FunctionType):
        codes = [obj.__code__]
    else:  # a value (a concept check's answer) uses nothing
        return frozenset()
    graded = set(a.names) | {n for names in a.imports.values() for n in names}
    used: set[str] = set()
    while codes:
        names = _names(codes.pop())
        for n in names - used:  # the reference's own module-level helpers count too
            if n not in graded and isinstance(ns.get(n), types.FunctionType):
                codes.append(ns[n].__code__)
        used |= names
    return frozenset(used & graded - {owner})


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # lambdas, comprehensions, nested functions
            names |= _names(const)
    return names


def exports_for(assignment_id: str, unit: str | None) -> dict[str, Callable[..., Any]]:
    """Reference units a worker may call during the check of `unit` (None: grading load).

    This notebook's units in the unit's contract; the functions of earlier notebooks it
    imports (all but those the curriculum forbids for the unit); their classes only where
    the contract uses them.
    """
    a = curriculum.get(assignment_id)
    uses = contract(assignment_id, unit) if unit else frozenset()
    forbidden = a.forbids.get(unit or "", {})
    ns = load_reference(assignment_id).namespace
    allowed = {name: _export(ns[name], name) for name in a.names if name in uses}
    for other_id, names in a.imports.items():
        other = load_reference(other_id).namespace
        for name in names:
            if name in forbidden or (isinstance(other[name], type) and name not in uses):
                continue
            allowed[f"{other_id}:{name}"] = _export(other[name], name)
    return allowed


def unavailable(assignment_id: str, unit: str, name: str) -> str:
    """Why the worker may not call the reference `name` while `unit` is checked."""
    plain = name.rpartition(":")[2]
    reason = curriculum.get(assignment_id).forbids.get(unit, {}).get(plain)
    if reason:
        return _("{unit} may not use {name}: {reason}").format(unit=unit, name=plain,
                                                               reason=_(reason))
    return _("{name} is not available while {unit} is checked: {unit} does not need it (write "
             "it with your own code)").format(name=plain, unit=unit)


def import_table(assignment_id: str) -> dict[str, list[str]]:
    """Which earlier units the notebook may import (sent to the worker with the notebook)."""
    return {k: list(v) for k, v in curriculum.get(assignment_id).imports.items()}
