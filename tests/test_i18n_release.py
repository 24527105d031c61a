"""The two languages' releases side by side: a student checks their own language, a notebook
imports from its siblings in its own language, and an nbgrader course is made in one language.

conftest.py gives the session (and so every nbgrader call) a private HOME and Jupyter dirs.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path

import pytest
from test_course_sync import hand_in, run, scratchgrad

from autograder import curriculum
from autograder.course.check import course_problems
from autograder.course.init import kit_source
from autograder.demo import catalogue, student_notebook
from autograder.grade import rubric
from autograder.i18n.messages import _, using
from autograder.notebook import importer
from autograder.selfcheck.hints import HINTS
from autograder.selfcheck.hints import SOURCE as HINT_SOURCE
from kit import RELEASE, SOLUTIONS, run_pytest, write_solution


def _collected(folder: Path, *args: str, **env: str) -> set[str]:
    """The public test files `pytest` collects in `folder` under this environment."""
    saved = dict(os.environ)
    try:
        for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "SCRATCHGRAD_LANG"):
            os.environ.pop(key, None)
        os.environ.update(env)
        done = run_pytest(["--collect-only", "-q", *args], cwd=folder)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert done.returncode == 0, done.stdout + done.stderr
    return {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}


@pytest.fixture(scope="module")
def both_releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("both")
    shutil.copytree(RELEASE, folder / "assignments")
    return folder


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"),
    ({"LANG": "ja_JP.UTF-8", "SCRATCHGRAD_LANG": "en"}, "en"), ({"SCRATCHGRAD_LANG": "ja"}, "ja")])
def test_pytest_assignments_checks_the_students_own_language(both_releases, env, lang):
    files = _collected(both_releases, "assignments", **env)
    assert {f.split("/")[1] for f in files} == {lang}
    assert len(files) == len(curriculum.ASSIGNMENTS)


def test_a_language_named_on_the_command_line_is_checked_whatever_the_locale(both_releases):
    files = _collected(both_releases, "assignments/ja", LANG="C.UTF-8")
    assert {f.split("/")[1] for f in files} == {"ja"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_from_assignment_finds_the_sibling_in_the_same_language(lang, monkeypatch):
    monkeypatch.chdir(RELEASE / lang / "04_backprop")
    token = importer.current_notebook_dir.set(None)
    try:
        assert importer.sibling_notebook("02_forward") == (
            RELEASE / lang / "02_forward" / "forward.ipynb").resolve()
    finally:
        importer.current_notebook_dir.reset(token)


def test_a_japanese_notebook_uses_the_japanese_siblings_units(tmp_path):
    """A finished Japanese 04 next to finished Japanese 02 and 03 passes while the English 02
    and 03 are untouched; with the Japanese 02 untouched, it names 02 to finish."""
    release = tmp_path / "assignments"
    shutil.copytree(RELEASE, release)
    for aid in ("02_forward", "03_learning", "04_backprop"):
        write_solution(aid, "ja", release / "ja" / aid / curriculum.get(aid).notebook)
    args = ["assignments/ja/04_backprop", "-q", "-p", "no:randomly", "-k",
            "softmax_with_loss_forward"]
    done = run_pytest(args, cwd=tmp_path)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    shutil.copy(RELEASE / "ja" / "02_forward" / "forward.ipynb",
                release / "ja" / "02_forward" / "forward.ipynb")
    done = run_pytest(args, cwd=tmp_path)
    assert done.returncode == 1 and "02_forward" in done.stdout, done.stdout + done.stderr


def test_course_init_in_japanese_gives_a_japanese_nbgrader_course(tmp_path):
    course = tmp_path / "dlfs_ja"
    scratchgrad("course", "init", str(course), "--lang", "ja", cwd=tmp_path)
    assert "c.Scratchgrad.lang = 'ja'" in (course / "nbgrader_config.py").read_text()
    for a in curriculum.ASSIGNMENTS:
        nb = json.loads((course / "source" / a.id / a.notebook).read_text(encoding="utf-8"))
        assert nb["metadata"]["scratchgrad"]["lang"] == "ja"
        assert (course / "source" / a.id / a.public_tests).read_bytes() == \
            (SOLUTIONS / a.id / a.public_tests).read_bytes()
    # nbgrader's own generate_assignment makes the Japanese student version
    run("nbgrader", "generate_assignment", "02_forward", cwd=course)
    released = (course / "release" / "02_forward" / "forward.ipynb").read_text(encoding="utf-8")
    assert "ソフトマックス関数" in released and "BEGIN SOLUTION" not in released
    assert "ここに答えを書いてください。" in released and "YOUR ANSWER HERE" not in released
    assert json.loads(released)["metadata"]["scratchgrad"]["lang"] == "ja"
    # check compares the source with the kit in the course's language: nothing differs
    problems = [p.text for p in course_problems(course, ["02_forward"])]
    assert not [p for p in problems if "differs from the kit" in p], problems
    # and a source edited by hand is seen
    source = course / "source" / "02_forward" / "forward.ipynb"
    source.write_text(source.read_text(encoding="utf-8").replace("ソフトマックス", "softmax"),
                      encoding="utf-8")
    problems = [p.text for p in course_problems(course, ["02_forward"])]
    assert [p for p in problems if "differs from the kit" in p], problems
    # sync puts the Japanese source back
    scratchgrad("course", "sync", str(course), "--assignment", "02_forward", cwd=tmp_path)
    assert source.read_bytes() == kit_source("02_forward", "ja")["forward.ipynb"]

    # A student's Japanese notebook with a classic mistake, graded into the gradebook:
    # nbgrader's own generate_feedback shows the messages and the hint in Japanese.
    mistake = next(m for m in catalogue() if m.name == "softmax_overflow")
    nb = student_notebook("02_forward", [mistake])
    nb.setdefault("metadata", {})["scratchgrad"] = {"lang": "ja"}
    hand_in(course, "1001", "02_forward", nb)
    scratchgrad("grade", "--course", str(course), "--assignment", "02_forward", "--quiet",
                cwd=course)
    run("nbgrader", "generate_feedback", "02_forward", cwd=course)
    page = html.unescape((course / "feedback" / "1001" / "02_forward" / "forward.html")
                         .read_text(encoding="utf-8"))
    with using("ja"):
        hint = HINTS["softmax_overflow"]
        sigmoid = rubric.unit_points("02_forward")["sigmoid"]
        line = _("{unit}: {score} / {maximum} points").format(
            unit="sigmoid", score=f"{sigmoid:g}", maximum=f"{sigmoid:g}")
    assert "points" not in line  # the catalog has it in Japanese
    assert hint in page and line in page, page[-3000:]
    assert HINT_SOURCE["softmax_overflow"] not in page and "Hint:" not in page


def test_course_init_refuses_an_unknown_language(tmp_path):
    done = scratchgrad("course", "init", str(tmp_path / "c"), "--lang", "xx", cwd=tmp_path,
                       ok=False)
    assert done.returncode != 0 and "xx" in done.stderr
    assert not (tmp_path / "c").exists()
