"""The rubric: points per hidden check, declared in the curriculum table (curriculum.toml)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import curriculum


@dataclass(frozen=True)
class RubricCheck:
    id: str
    unit: str
    points: float


@functools.cache
def checks(assignment_id: str) -> tuple[RubricCheck, ...]:
    """The checks of an assignment in the table's order."""
    a = curriculum.get(assignment_id)
    return tuple(RubricCheck(check_id, unit, points)
                 for unit, entries in a.checks.items() for check_id, points in entries.items())


def title(check_id: str) -> str:
    """A check as students read it ("softmax rows of a batch"): the English msgid of its
    translated title (i18n.extractors puts every check of curriculum.toml in the catalog)."""
    return check_id.replace("_", " ")


def by_id(assignment_id: str) -> dict[str, RubricCheck]:
    return {c.id: c for c in checks(assignment_id)}


def unit_points(assignment_id: str) -> dict[str, float]:
    a = curriculum.get(assignment_id)
    return {unit: a.points(unit) for unit in a.units}
