"""Incremental grading: a rerun into the same OUT grades only the submissions whose grade
may have changed (notebook, hidden suite, reference, rubric, kit), and --force grades all.
A killed run's rerun is in test_batch (test_a_killed_run_reruns_to_the_same_bytes)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from grading import write_student
from test_batch import run, tree

from autograder import paths
from autograder.demo import student_notebook, write_notebook

IDS = ("01_perceptron", "02_forward")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Three students, graded once: (SUBMISSIONS, OUT)."""
    root = tmp_path_factory.mktemp("incremental")
    sub = root / "submitted"
    for i, student in enumerate(("ann", "bo", "cy")):
        for aid in IDS:
            write_student(sub, student, aid, unfinished=(i == 2))
    out = root / "out"
    first = run("grade", sub, "--out", out, "--jobs", "1", "--format", "gradescope")
    assert first.returncode == 0, first.stderr
    return sub, out


def _inodes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_ino for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def _copy(graded: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    sub, out = graded
    shutil.copytree(sub, tmp_path / "submitted")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "submitted", tmp_path / "out"


def test_an_unchanged_class_is_not_graded_again(graded, tmp_path):
    sub, out = _copy(graded, tmp_path)
    before, files = _inodes(out), tree(out)
    again = run("grade", sub, "--out", out, "--format", "gradescope")
    assert again.returncode == 0, again.stderr
    assert "6 of 6 notebooks were graded by an earlier run" in again.stderr
    assert tree(out) == files
    reports = {k: v for k, v in _inodes(out).items() if k != "grades.csv"}
    assert reports == {k: v for k, v in before.items() if k != "grades.csv"}
    assert "ann" in again.stdout  # the table still lists everyone


def test_one_changed_notebook_is_graded_again_and_force_grades_all(graded, tmp_path):
    sub, out = _copy(graded, tmp_path)
    before = _inodes(out)
    # cy finishes 02_forward: only that notebook's reports are new.
    nb = student_notebook("02_forward")
    write_notebook(nb, sub / "cy" / "02_forward" / "forward.ipynb")
    again = run("grade", sub, "--out", out, "--format", "gradescope")
    assert again.returncode == 0, again.stderr
    changed = {k for k, v in _inodes(out).items() if before.get(k) != v} - {"grades.csv"}
    assert changed == {"cy/02_forward.json", "cy/02_forward.html",
                       "gradescope/cy/02_forward/results.json"}
    record = json.loads((out / "cy" / "02_forward.json").read_text())
    assert record["score"] == record["max_score"] > 0
    regraded = _inodes(out)
    forced = run("grade", sub, "--out", out, "--format", "gradescope", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "earlier run" not in forced.stderr
    after = _inodes(out)
    assert len(after) == len(regraded) == 19  # 6 x (json, html, results.json), grades.csv
    assert all(after[k] != v for k, v in regraded.items())


def test_a_changed_hidden_suite_or_rubric_grades_its_assignment_again(graded, tmp_path):
    """The fingerprint holds the curriculum: an edited hidden suite (in a curriculum
    folder of one's own) grades that assignment's notebooks again, not the others."""
    sub, out = _copy(graded, tmp_path)
    mine = paths.default().copy_to(tmp_path / "curriculum")
    first = run("grade", sub, "--out", out, "--curriculum", mine)
    assert first.returncode == 0, first.stderr
    assert "6 of 6 notebooks" in first.stderr  # a copy holds the same bytes: the same grades
    before = _inodes(out)
    with (mine / "hidden" / "test_01_perceptron.py").open("a") as f:
        f.write("\n# a comment changes the suite's bytes\n")
    again = run("grade", sub, "--out", out, "--curriculum", mine)
    assert again.returncode == 0, again.stderr
    changed = {k for k, v in _inodes(out).items() if before.get(k) != v} - {"grades.csv"}
    assert changed == {f"{s}/01_perceptron.{ext}" for s in ("ann", "bo", "cy")
                       for ext in ("json", "html")}
