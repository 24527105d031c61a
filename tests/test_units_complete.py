"""Every unit of the curriculum table has all its pieces (read statically, so it is quick).

A graded unit is declared once, in autograder/curriculum.toml; this test names, for any
unit, the piece that is still missing: its test cell in the solution notebook, a public
check, its hidden checks, a catalogue mistake (with a hint from HINTS) and the book's code.
See README "Add a graded unit".
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

import pytest

from autograder import curriculum, paths
from autograder.demo import ANSWER_PREFIX
from autograder.selfcheck.hints import HINTS

BOOK = Path(__file__).parent / "book"
UNITS = [(a, unit) for a in curriculum.ASSIGNMENTS for unit in a.units]


@functools.cache
def marked_tests(path: Path) -> dict[str, str | None]:
    """test name -> the unit of its @pytest.mark.unit(...), read without importing."""
    found: dict[str, str | None] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            found[node.name] = next(
                (d.args[0].value for d in node.decorator_list
                 if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                 and d.func.attr == "unit" and d.args and isinstance(d.args[0], ast.Constant)),
                None)
    return found


def constants(path: Path) -> dict[str, object]:
    out = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


@functools.cache
def defined(path: Path) -> set[str]:
    """Top-level functions and classes, and `Class.method` for each method."""
    names: set[str] = set()
    if not path.is_file():
        return names
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.Assign):  # a concept check's answer
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}.{m.name}" for m in node.body
                      if isinstance(m, ast.FunctionDef)}
    return names


@functools.cache
def grade_cells(assignment_id: str) -> set[str]:
    a = curriculum.get(assignment_id)
    nb = json.loads((paths.solutions_dir() / a.id / a.notebook).read_text(encoding="utf-8"))
    return {c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c["cell_type"] == "code" and c["metadata"].get("nbgrader", {}).get("grade")}


MISTAKES = [constants(p) | {"name": p.stem} for p in sorted(paths.current().catalogue.glob("*.py"))]


def missing_pieces(a: curriculum.Assignment, unit: str) -> list[str]:
    """What `unit` still lacks, one phrase each (empty: it is complete)."""
    folder = paths.solutions_dir() / a.id
    hidden = paths.current().hidden / f"test_{a.id}.py"
    missing = []
    if curriculum.grade_cell_id(unit) not in grade_cells(a.id):
        missing.append(f"a test cell with grade_id {curriculum.grade_cell_id(unit)} in "
                       f"solutions/{a.id}/{a.notebook}")
    public = marked_tests(folder / a.public_tests) if (folder / a.public_tests).is_file() else {}
    if unit not in public.values():
        missing.append(f'a public check marked @pytest.mark.unit("{unit}") in '
                       f"solutions/{a.id}/{a.public_tests}")
    tests = marked_tests(hidden) if hidden.is_file() else {}
    for check in a.checks[unit]:
        if tests.get(f"test_{check}") != unit:
            missing.append(f'the hidden test test_{check} marked @pytest.mark.unit("{unit}") '
                           f"in autograder/hidden/test_{a.id}.py")
    mine = [m for m in MISTAKES if m.get("UNIT") == unit]
    if not mine:
        missing.append(f"a catalogue mistake with UNIT = {unit!r} in tests/catalogue/")
    elif not unit.startswith(ANSWER_PREFIX) and not any(m.get("HINT") in HINTS for m in mine):
        # (a concept check explains its right answer in its hidden check, not in a hint:
        # hints.py ships with the students' kit)
        missing.append(f"a hint in autograder/selfcheck/hints.py named by the HINT of one of "
                       f"its catalogue mistakes ({', '.join(m['name'] for m in mine)})")
    if unit not in defined(BOOK / f"{a.id}.py"):
        missing.append(f"the book's code for {unit} in tests/book/{a.id}.py")
    return missing


@pytest.mark.parametrize(("assignment", "unit"), UNITS, ids=[u for _, u in UNITS])
def test_every_unit_has_all_its_pieces(assignment, unit):
    missing = missing_pieces(assignment, unit)
    assert not missing, f"{assignment.id}: unit {unit} is missing " + "; ".join(missing)


def test_a_missing_piece_is_named():
    """The check itself can fail: a unit declared only in the table lacks every piece."""
    a = curriculum.get("02_forward")
    extra = curriculum.Assignment(a.id, a.topic, a.title, (*a.units, "d_softmax"),
                                  checks={**a.checks, "d_softmax": {"d_softmax_values": 1.0}})
    missing = "; ".join(missing_pieces(extra, "d_softmax"))
    for piece in ("grade_id check_d_softmax", "public check", "test_d_softmax_values",
                  "catalogue mistake", "tests/book/02_forward.py"):
        assert piece in missing, (piece, missing)
