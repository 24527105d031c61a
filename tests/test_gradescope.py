"""Gradescope's autograder.zip, written by the kit installed from its wheel, and its
run_autograder run against a simulated /autograder root (SCRATCHGRAD_GRADESCOPE_ROOT) for
what students upload: a finished notebook, a buggy one, an untouched one, a malformed one,
none, one of another name, several, a zip. Every run must leave a results.json in
Gradescope's format."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from installs import Env, make_env

from autograder import curriculum
from autograder.demo import catalogue, student_notebook
from autograder.gradescope.layout import ROOT_VAR

A = curriculum.get("02_forward")
TEST_FIELDS = {"name", "score", "max_score", "status", "output", "visibility"}


@pytest.fixture(scope="module")
def autograder_zip(instructor_env: Env, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    done = instructor_env.run("scratchgrad", "gradescope", A.id, "-o", out,
                              "--visibility", "hidden")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def container(autograder_zip: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, Env]:
    """ROOT/source/ unpacked from the zip, and the kit installed from the zip's own wheel
    (what setup.sh does, without apt)."""
    root = tmp_path_factory.mktemp("autograder")
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(root / "source")
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    [wheel] = (root / "source").glob("scratchgrad-*.whl")
    return root, make_env(tmp_path_factory.mktemp("gradescope-env"), wheel)


def test_the_zip_holds_gradescopes_layout_and_installs_nothing_else(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as zf:
        names = zf.namelist()
        setup = zf.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "scratchgrad.json",
            "curriculum/curriculum.toml", f"curriculum/hidden/test_{A.id}.py",
            f"curriculum/solutions/{A.id}/{A.notebook}"} <= set(names)
    assert [n for n in names if n.endswith(".whl")] == ["scratchgrad-0.1.0-py3-none-any.whl"]
    assert "curriculum/hidden/test_04_backprop.py" not in names  # only this assignment's
    assert "apt-get install" in setup and "bubblewrap" in setup
    assert not any(word in setup for word in ("curl", "wget", "git clone", "http"))


def _run(container: tuple[Path, Env], files: dict[str, bytes],
         extra_env: dict[str, str] | None = None) -> dict:
    root, env = container
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    for name, data in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(data)
    done = env.run("/bin/bash", root / "source" / "run_autograder",
                   env={ROOT_VAR: str(root), "SCRATCHGRAD_PYTHON": str(env.python),
                        **(extra_env or {})})
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    _validate(results)
    return results


def _validate(results: dict, visibility: str = "hidden") -> None:
    """Gradescope's results.json, as the issue lists its fields."""
    assert isinstance(results["score"], float)
    assert isinstance(results["execution_time"], float) and results["execution_time"] >= 0
    assert results["output_format"] == "md" and isinstance(results["output"], str)
    assert results["stdout_visibility"] == "hidden"
    for test in results["tests"]:
        assert TEST_FIELDS <= set(test)
        assert test["visibility"] == visibility
        assert test["status"] in ("passed", "failed")
        assert 0 <= test["score"] <= test["max_score"]
        assert "def test_" not in test["output"] and "assert " not in test["output"]
    assert results["score"] == sum(t["score"] for t in results["tests"])


def _notebook(**kwargs) -> bytes:
    return (json.dumps(student_notebook(A.id, **kwargs), indent=1) + "\n").encode()


def test_a_finished_notebook_gets_every_point(container):
    results = _run(container, {A.notebook: _notebook()})
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == 16, results
    assert results["output"].startswith(f"**{A.id}: 16 of 16 points.**")


def test_without_bubblewrap_the_fallback_grades_and_says_so(container):
    """A container where bwrap cannot run (here: not on PATH): the plain subprocess with the
    sandbox's limits grades, and the summary tells the student and instructor why."""
    _, env = container
    results = _run(container, {A.notebook: _notebook()}, {"PATH": str(env.prefix / "bin")})
    assert results["score"] == 16, results
    assert "> bubblewrap is not available (bwrap is not installed)" in results["output"]


def test_a_buggy_notebook_loses_the_points_of_its_mistake(container):
    [mistake] = [m for m in catalogue() if m.name == "softmax_overflow"]
    results = _run(container, {A.notebook: _notebook(mistakes=[mistake])})
    lost = [t for t in results["tests"] if t["score"] < t["max_score"]]
    assert lost and {t["name"].split(":")[0] for t in lost} == {"softmax"}
    assert any("Hint:" in t["output"] for t in lost)


@pytest.mark.parametrize("files, reason", [
    ({A.notebook: "unfinished"}, None),
    ({A.notebook: b'{"cells": [oops'}, "forward.ipynb"),
    ({}, "No notebook was uploaded"),
    ({"my_forward.ipynb": "finished"}, "is named my_forward.ipynb, not forward.ipynb"),
    ({"a.ipynb": "finished", "b.ipynb": "finished"}, "several notebooks"),
    ({"forward.zip": b"PK\x05\x06" + bytes(18)}, "a zip file"),
], ids=["untouched", "malformed", "nothing", "other-name", "several", "zip"])
def test_what_cannot_earn_points_gets_zero_and_a_reason(container, files, reason):
    contents = {name: _notebook(unfinished=True) if data == "unfinished" else
                _notebook() if data == "finished" else data for name, data in files.items()}
    results = _run(container, contents)
    assert results["score"] == 0
    assert len(results["tests"]) == 14  # every check of the rubric, each at 0
    if reason is not None:
        notes = [line for line in results["output"].splitlines() if line.startswith("> ")]
        assert len(notes) == 1 and reason in notes[0], results["output"]
        assert all(reason in t["output"] for t in results["tests"])


def test_the_right_notebook_among_other_files_is_graded(container):
    results = _run(container, {f"hw/{A.notebook}": _notebook(), "notes.txt": b"hello",
                               ".ipynb_checkpoints/forward-checkpoint.ipynb": _notebook()})
    assert results["score"] == 16, results
    assert "notes.txt" in results["output"]


def test_an_assignment_that_imports_gets_every_reference_it_needs(tmp_path):
    """05 imports TwoLayerNet from 04, which imports softmax from 02: the zip carries the
    references all the way up, and a finished notebook gets every point."""
    from test_batch import run

    b = curriculum.get("05_training")
    root = tmp_path / "autograder"
    made = run("gradescope", b.id, "-o", tmp_path / "a.zip")
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        zf.extractall(root / "source")
    assert sorted(p.name for p in (root / "source" / "curriculum" / "solutions").iterdir()) \
        == ["02_forward", "03_learning", "04_backprop", "05_training"]
    (root / "submission").mkdir()
    (root / "submission" / b.notebook).write_text(json.dumps(student_notebook(b.id)))
    done = run("gradescope-run", "--root", root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    _validate(results, "after_due_date")
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0, results
