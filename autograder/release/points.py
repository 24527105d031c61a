"""The points of each unit's test cell, stamped into a notebook from the curriculum table.

A solution notebook's test cells carry no points: curriculum.toml declares them once, and
the release, `course init` and `course sync` write them into the copy nbgrader reads.
"""

from __future__ import annotations

import json
from typing import Any

from .. import curriculum


def stamp_points(nb: dict[str, Any], assignment_id: str) -> dict[str, Any]:
    """`nb` (nbformat JSON) with each unit's test cell worth the unit's points; in place."""
    a = curriculum.get(assignment_id)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        unit = curriculum.unit_of_grade_cell(meta.get("grade_id", ""))
        if cell.get("cell_type") == "code" and meta.get("grade") and unit in a.units:
            points = a.points(unit)
            meta["points"] = int(points) if points.is_integer() else points
    return nb


def notebook_bytes(nb: dict[str, Any], assignment_id: str) -> bytes:
    """The notebook `nb` (nbformat JSON) as nbgrader must read it: points stamped, in place."""
    stamp_points(nb, assignment_id)
    return (json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
