"""Every known mistake in tests/catalogue/ loses points on its own unit only, with its hint."""

import pytest
from grading import grade, write_student

from autograder.demo import catalogue
from autograder.selfcheck.hints import HINTS

MISTAKES = catalogue()


def test_the_catalogue_is_large_and_well_formed():
    assert len(MISTAKES) >= 25
    for m in MISTAKES:
        assert m.unit and m.hint in HINTS, m.name
        assert m.code.startswith("def "), m.name


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("catalogue")
    for m in MISTAKES:
        write_student(root, m.name, m.assignment, [m])
    return grade(root)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_costs_points_on_its_own_unit_with_its_hint(graded, mistake):
    result = graded[(mistake.name, mistake.assignment)]
    lost = [c for c in result.checks if c.status != "passed"]
    assert lost, f"{mistake.name} lost no points"
    elsewhere = [f"{c.unit}/{c.id}: {c.message}" for c in lost if c.unit != mistake.unit]
    assert not elsewhere, f"{mistake.name} also cost points elsewhere: {elsewhere}"
    hint = HINTS[mistake.hint]
    assert any(hint in c.message for c in lost), (
        f"{mistake.name}: no failed check shows the hint {mistake.hint!r}: "
        f"{[c.message for c in lost]}")
