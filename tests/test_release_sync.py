"""The student release is generated from the solutions and gives nothing away."""

import filecmp
import json
import re

import pytest

from autograder import curriculum, paths
from autograder.grade import rubric
from autograder.release import generate_release
from kit import ASSIGNMENTS, ROOT, SOLUTIONS, notebook_sources, solution_regions


def _tree(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_committed_release_equals_a_fresh_generation(tmp_path):
    generate_release(dest=tmp_path)
    assert _tree(tmp_path) == _tree(ASSIGNMENTS)
    stale = [str(p) for p in _tree(tmp_path)
             if not filecmp.cmp(tmp_path / p, ASSIGNMENTS / p, shallow=False)]
    assert not stale, f"assignments/ is out of date, run `scratchgrad release`: {stale}"


def test_every_assignment_has_its_notebook_and_public_tests():
    for a in curriculum.ASSIGNMENTS:
        assert (SOLUTIONS / a.id / a.notebook).is_file()
        assert (ASSIGNMENTS / a.id / a.notebook).is_file()
        assert (ASSIGNMENTS / a.id / a.public_tests).is_file()


def test_stubs_raise_not_implemented():
    for a in curriculum.ASSIGNMENTS:
        text = (ASSIGNMENTS / a.id / a.notebook).read_text()
        assert "# YOUR CODE HERE" in text and "raise NotImplementedError()" in text
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


def _significant(line):
    line = line.strip()
    return len(line) >= 8 and not line.startswith("#") and re.search(r"[A-Za-z]", line)


def _given_text():
    """What the release shows on purpose: the source outside solution regions (teaching
    text may quote a formula such as `x -= lr * grad`)."""
    given = []
    for a in curriculum.ASSIGNMENTS:
        for cell, source in notebook_sources(SOLUTIONS / a.id / a.notebook):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "markdown" and meta.get("solution"):
                continue
            given.append(re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", source,
                                flags=re.DOTALL))
        given.extend(p.read_text() for p in (SOLUTIONS / a.id).glob("test_*.py"))
    return "\n".join(given)


def _released_text():
    return "\n".join(
        "\n".join(source for _, source in notebook_sources(p)) if p.suffix == ".ipynb"
        else p.read_text()
        for p in ASSIGNMENTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_no_solution_line_reaches_the_release():
    given = _given_text()
    secret = {line.strip() for a in curriculum.ASSIGNMENTS
              for region in solution_regions(SOLUTIONS / a.id / a.notebook)
              for line in region.splitlines()
              if _significant(line) and line.strip() not in given}
    assert len(secret) > 100  # the check sees the solutions at all
    released = _released_text()
    leaked = sorted(line for line in secret if line in released)
    assert not leaked, f"solution lines in assignments/: {leaked}"


def test_no_hidden_test_text_reaches_the_release():
    hidden = sorted((ROOT / "autograder" / "hidden").glob("test_*.py"))
    assert len(hidden) == len(curriculum.ASSIGNMENTS)
    given = _given_text()
    secret = {line.strip() for path in hidden for line in path.read_text().splitlines()
              if len(line.strip()) >= 25 and not line.strip().startswith(("import ", "from ", "#"))
              and line.strip() not in given}
    assert len(secret) > 50
    released = _released_text()
    leaked = sorted(line for line in secret if line in released)
    assert not leaked, f"hidden test lines in assignments/: {leaked}"


@pytest.mark.parametrize("assignment", curriculum.ASSIGNMENTS, ids=lambda a: a.id)
def test_each_unit_has_one_test_cell_worth_its_rubric_points(assignment):
    """The gradebook path writes a unit's score into its test cell, so they must agree."""
    nb = json.loads((paths.solutions_dir() / assignment.id / assignment.notebook).read_text())
    cells = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and cell["cell_type"] == "code":
            assert meta["grade_id"] not in cells, f"two test cells {meta['grade_id']}"
            cells[meta["grade_id"]] = float(meta["points"])
    expected = {curriculum.grade_cell_id(u): p for u, p in rubric.unit_points(assignment.id).items()}
    assert cells == expected
