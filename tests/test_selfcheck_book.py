"""The book's own code passes what students run: `pytest assignments` and `check("unit")`.

tests/book/<id>.py holds the book's code for every unit. Each definition is put into the
released notebook in place of its stub (a definition that finds no stub fails the test:
there is no fallback to the reference solution), and the public tests run on that copy of
the release. tests/test_book_and_variants.py does the same for grading.
"""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder import curriculum
from autograder.demo import _replace_definition, definitions, write_notebook
from autograder.selfcheck import CheckFailed, check
from kit import copy_release, notebook_sources, run_pytest

BOOK = Path(__file__).parent / "book"


def book_notebook(release: Path, assignment: curriculum.Assignment) -> dict:
    """The released notebook of `assignment` with every book definition in place of its
    stub. Raises AssertionError when a definition of the book finds nothing to replace."""
    nb = json.loads(release.read_text(encoding="utf-8"))
    book = definitions(BOOK / f"{assignment.id}.py")
    assert book, f"tests/book/{assignment.id}.py defines nothing"
    placed = dict.fromkeys((d.replaces for d in book), 0)
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for d in book:
            replaced = _replace_definition(source, d.replaces, d.code)
            if replaced is not None:
                source = replaced
                placed[d.replaces] += 1
        cell["source"] = source
    missing = [name for name, count in placed.items() if count != 1]
    assert not missing, (f"{assignment.id}: these book definitions were not put into the "
                         f"release exactly once: {missing}")
    return nb


def _with_book(folder: Path) -> Path:
    for a in curriculum.ASSIGNMENTS:
        path = folder / a.id / a.notebook
        write_notebook(book_notebook(path, a), path)
        assert "raise NotImplementedError()" not in _code(path), (
            f"{a.id}: a stub is left after the book's code was put in")
    return folder


def _code(path: Path) -> str:
    return "\n".join(source for cell, source in notebook_sources(path)
                     if cell["cell_type"] == "code")


@pytest.fixture(scope="module")
def book_release(tmp_path_factory) -> Path:
    return _with_book(copy_release(tmp_path_factory.mktemp("book") / "assignments"))


def test_a_book_definition_without_a_stub_fails_loudly(tmp_path):
    folder = copy_release(tmp_path / "assignments")
    a = curriculum.get("02_forward")
    path = folder / a.id / a.notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = source.replace("def softmax(", "def softmax_renamed(")
    write_notebook(nb, path)
    with pytest.raises(AssertionError, match="softmax"):
        book_notebook(path, a)


def test_the_book_passes_pytest_assignments(book_release, tmp_path):
    report = tmp_path / "report.xml"
    done = run_pytest([str(book_release), f"--junitxml={report}", "-q"], cwd=tmp_path)
    cases = list(ET.parse(report).getroot().iter("testcase"))
    assert len(cases) >= 50, done.stdout
    failing = [(c.get("classname"), c.get("name"),
                "".join((child.get("message") or "") for child in c)) for c in cases if len(c)]
    assert not failing, failing
    assert done.returncode == 0, done.stdout


UNITS = [(a.id, unit) for a in curriculum.ASSIGNMENTS for unit in a.units]


@pytest.mark.parametrize(("aid", "unit"), UNITS, ids=[u for _, u in UNITS])
def test_the_book_passes_check(book_release, aid, unit):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            check(unit, book_release / aid)
        except CheckFailed as exc:
            pytest.fail(f"check({unit!r}) failed on the book's code:\n{exc}\n{out.getvalue()}")
    assert out.getvalue().rstrip().endswith("public checks passed"), out.getvalue()
