"""The book's own code, and correct answers written differently, earn full marks."""

from pathlib import Path

import pytest
from grading import grade, write_student

from autograder import curriculum
from autograder.demo import definitions

HERE = Path(__file__).parent
CASES = [(folder, a.id) for folder in ("book", "variants") for a in curriculum.ASSIGNMENTS
         if (HERE / folder / f"{a.id}.py").exists()]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    for folder, aid in CASES:
        write_student(root, folder, aid, definitions(HERE / folder / f"{aid}.py"))
    return grade(root)


def test_the_book_covers_every_assignment():
    assert {aid for folder, aid in CASES if folder == "book"} == {
        a.id for a in curriculum.ASSIGNMENTS}


@pytest.mark.parametrize(("folder", "aid"), CASES, ids=[f"{f}-{a}" for f, a in CASES])
def test_full_marks(graded, folder, aid):
    result = graded[(folder, aid)]
    lost = [f"{c.unit}/{c.id}: {c.message}" for c in result.checks if c.status != "passed"]
    assert not lost, lost
    assert result.score == result.max_score > 0
