"""The rubric: points per hidden check, in one file (rubric.toml)."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .. import curriculum

RUBRIC = Path(__file__).with_name("rubric.toml")


@dataclass(frozen=True)
class RubricCheck:
    id: str
    unit: str
    points: float


@functools.cache
def checks(assignment_id: str) -> tuple[RubricCheck, ...]:
    """The checks of an assignment in rubric order."""
    a = curriculum.get(assignment_id)
    table = tomllib.loads(RUBRIC.read_text(encoding="utf-8")).get(assignment_id, {})
    out = []
    for unit, entries in table.items():
        if unit not in a.units:
            raise ValueError(f"rubric: {assignment_id} has no unit {unit!r}")
        out.extend(RubricCheck(check_id, unit, float(points))
                   for check_id, points in entries.items())
    return tuple(out)


def title(check_id: str) -> str:
    """A check as students read it ("softmax rows of a batch"): the English msgid of its
    translated title (i18n.extractors puts every check of rubric.toml in the catalog)."""
    return check_id.replace("_", " ")


def by_id(assignment_id: str) -> dict[str, RubricCheck]:
    return {c.id: c for c in checks(assignment_id)}


def unit_points(assignment_id: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for c in checks(assignment_id):
        totals[c.unit] = totals.get(c.unit, 0.0) + c.points
    return totals
