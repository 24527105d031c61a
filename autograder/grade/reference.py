"""The reference solutions, loaded in the trusted grader only, and what a worker may call.

Under unit isolation a student's unit calls the reference for every other unit: the
worker holds stubs, and each call crosses back here. `exports_for` decides, per check,
which reference units the worker may reach: never the unit under test itself.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from .. import curriculum, paths
from ..notebook.loader import LoadedNotebook, load_notebook
from ..sandbox.rpc import Exposed

# Attributes of a reference object that the worker's proxy mirrors, so that student code
# can use them as the book does (Affine shares its W and b with the network's params).
SHARED = {
    "Affine": ("W", "b", "dW", "db"),
    "SoftmaxWithLoss": ("loss",),
    "TwoLayerNet": ("params",),
}


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


def _export(obj: Any, name: str) -> Callable[..., Any]:
    """What a worker's stub for `name` calls: the function, or a factory for a class."""
    if isinstance(obj, type):
        methods, shared = public_methods(obj), SHARED.get(name, ())

        def construct(*args: Any, **kwargs: Any) -> Exposed:
            return Exposed(obj(*args, **kwargs), methods, shared)

        return construct
    return obj


def exports_for(assignment_id: str, unit: str | None) -> dict[str, Callable[..., Any]]:
    """Reference units a worker may call during the check of `unit` (None: grading load).

    The assignment's own units except the one under test (the whole class for a method),
    and the earlier units this notebook imports with `from_assignment`.
    """
    a = curriculum.get(assignment_id)
    owner = unit.split(".")[0] if unit else None
    ns = load_reference(assignment_id).namespace
    allowed = {name: _export(ns[name], name) for name in a.names if name != owner}
    for other_id, names in a.imports.items():
        other = load_reference(other_id).namespace
        for name in names:
            allowed[f"{other_id}:{name}"] = _export(other[name], name)
    return allowed


def import_table(assignment_id: str) -> dict[str, list[str]]:
    """Which earlier units the notebook may import (sent to the worker with the notebook)."""
    return {k: list(v) for k, v in curriculum.get(assignment_id).imports.items()}
