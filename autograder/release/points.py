"""The points of each unit's test cell, stamped into a notebook from the curriculum table.

A solution notebook's test cells carry no points: curriculum.toml declares them once, and
the release, `course init` and `course sync` write them into the copy nbgrader reads.
"""

from __future__ import annotations

import json
from pathlib import Path
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


def stamped_bytes(source: Path, assignment_id: str) -> bytes:
    """The notebook at `source` as nbgrader must read it: its test cells' points stamped."""
    return notebook_bytes(json.loads(source.read_text(encoding="utf-8")), assignment_id)


def write_stamped(source: Path, target: Path, assignment_id: str) -> None:
    """Copy the notebook `source` to `target` with its test cells' points stamped."""
    target.write_bytes(stamped_bytes(source, assignment_id))


def source_bytes(folder: Path, name: str, assignment_id: str) -> bytes:
    """What a course's source/<id>/<name> holds for the kit's file `folder/name`: the
    notebook with its points stamped, any other file (the public tests) as it is."""
    if name == curriculum.get(assignment_id).notebook:
        return stamped_bytes(folder / name, assignment_id)
    return (folder / name).read_bytes()
