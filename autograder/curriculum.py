"""The curriculum: six assignments, their notebooks and the units each one grades.

This table is the public API that students, graders and instructors rely on. Unit names
are qualified (`softmax`, `Affine.backward`, `TwoLayerNet.gradient`) and unique across
the whole course, so a unit name alone tells which assignment it belongs to.

Everything here is read from curriculum.toml, the one place where an assignment, its
units, their hidden checks and their points are declared (see the comment at its top).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = Path(__file__).with_name("curriculum.toml")



@dataclass(frozen=True)
class Assignment:
    id: str
    topic: str
    title: str
    units: tuple[str, ...]
    # Units of earlier assignments this notebook imports with `from_assignment`.
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Units a graded unit must not use, with the reason the student reads (what the unit
    # is meant to practise).
    forbids: dict[str, dict[str, str]] = field(default_factory=dict)
    # Attributes of a reference object (by class name) that a worker's proxy mirrors.
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # unit -> {hidden check id: points}, in the table's order.
    checks: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def notebook(self) -> str:
        return f"{self.topic}.ipynb"

    @property
    def public_tests(self) -> str:
        return f"test_{self.topic}.py"

    @property
    def names(self) -> tuple[str, ...]:
        """Top-level names the student defines (classes once, not once per method)."""
        seen: dict[str, None] = {}
        for unit in self.units:
            seen.setdefault(unit.split(".")[0], None)
        return tuple(seen)

    def points(self, unit: str) -> float:
        """What `unit` is worth: the sum of its checks' points."""
        return float(sum(self.checks[unit].values()))


def _assignment(assignment_id: str, entry: dict[str, Any]) -> Assignment:
    units = entry.get("units", {})
    return Assignment(
        assignment_id, entry["topic"], entry["title"], tuple(units),
        imports={k: tuple(v) for k, v in entry.get("imports", {}).items()},
        forbids={k: dict(v) for k, v in entry.get("forbids", {}).items()},
        shared={k: tuple(v) for k, v in entry.get("shared", {}).items()},
        checks={u: {c: float(p) for c, p in checks.items()} for u, checks in units.items()},
    )


def load(path: Path = TABLE) -> tuple[Assignment, ...]:
    """The assignments declared in a curriculum table, in its order."""
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(_assignment(aid, entry) for aid, entry in table.items())


ASSIGNMENTS: tuple[Assignment, ...] = ()
BY_ID: dict[str, Assignment] = {}


def get(assignment_id: str) -> Assignment:
    """The assignment with this id, or a one-line error that lists the valid ids."""
    try:
        return BY_ID[assignment_id]
    except KeyError:
        raise KeyError(
            f"unknown assignment {assignment_id!r}; the assignments are: {', '.join(BY_ID)}"
        ) from None


def upstream(assignment_id: str) -> list[str]:
    """The assignments whose references grading `assignment_id` may load: those it imports
    from, and theirs in turn (05 imports TwoLayerNet from 04, which imports softmax from 02)."""
    found: list[str] = []
    todo = list(get(assignment_id).imports)
    while todo:
        aid = todo.pop(0)
        if aid not in found:
            found.append(aid)
            todo += list(get(aid).imports)
    return sorted(found)


def assignment_of(unit: str) -> Assignment:
    """The assignment that grades `unit` (a qualified unit name or a top-level name)."""
    for a in ASSIGNMENTS:
        if unit in a.units or unit in a.names:
            return a
    raise KeyError(f"unknown unit {unit!r}")


def grade_cell_id(unit: str) -> str:
    """The nbgrader grade_id of the notebook's test cell for `unit`: `check_softmax`,
    `check_Affine_backward`, `check_TwoLayerNet_init`."""
    return "check_" + unit.replace(".__init__", ".init").replace(".", "_")


def unit_of_grade_cell(grade_id: str) -> str | None:
    """The unit whose test cell has this grade_id, or None (a manually graded question)."""
    return _UNIT_BY_CELL.get(grade_id)


_UNIT_BY_CELL: dict[str, str] = {}
# Attributes a reference object of this class shares with a worker, over all assignments.
SHARED: dict[str, tuple[str, ...]] = {}
_served: Path | None = None


def public_table(text: str) -> str:
    """The curriculum table as the students' package ships it: every assignment and unit,
    without the hidden checks and their points (the rubric stays with the grader)."""
    out, in_unit = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            in_unit = ".units." in stripped
        elif in_unit and stripped and not stripped.startswith("#"):
            continue  # `check = points`
        out.append(line)
    return "".join(out)


def use_table(path: Path) -> None:
    """Serve the curriculum table at `path` from now on (an instructor's curriculum folder:
    autograder/paths.py calls this when one is chosen)."""
    global ASSIGNMENTS, BY_ID, _UNIT_BY_CELL, SHARED, _served
    path = Path(path).resolve()
    if path == _served:
        return
    ASSIGNMENTS = load(path)
    BY_ID = {a.id: a for a in ASSIGNMENTS}
    _UNIT_BY_CELL = {grade_cell_id(u): u for a in ASSIGNMENTS for u in a.units}
    SHARED = {c: s for a in ASSIGNMENTS for c, s in a.shared.items()}
    _served = path
    # rubric's cache holds the previous table's checks; a rubric still being imported (it
    # imports this module first) has no cache yet.
    checks = getattr(sys.modules.get(f"{__package__}.grade.rubric"), "checks", None)
    if checks is not None:
        checks.cache_clear()



use_table(TABLE)
# A curriculum chosen before this module was imported (autograder/paths.py; it is not part
# of the students' side, where the kit's own table is the only one).
_chosen = getattr(sys.modules.get(f"{__package__}.paths"), "_current", None)
if _chosen is not None:
    use_table(_chosen.rubric)
