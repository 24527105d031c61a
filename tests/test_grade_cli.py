"""`scratchgrad grade`: the files it writes, its scores, and its errors."""

import csv
import json
import sys
from pathlib import Path

import pytest
import warmcli
from grading import write_student

from autograder import curriculum
from autograder.demo import student_notebook, write_notebook
from autograder.grade import rubric

IDS = [a.id for a in curriculum.ASSIGNMENTS]


def full(aid: str) -> float:
    """An assignment's points, from the curriculum table."""
    return sum(rubric.unit_points(aid).values())


def run(*args, cwd=None):
    return warmcli.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd,
                       timeout=600)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    sub, out = root / "submitted", root / "out"
    for aid in IDS:
        write_student(sub, "finished", aid)
        write_student(sub, "untouched", aid, unfinished=True)
    write_student(sub, "partial", "01_perceptron")
    broken = sub / "partial" / "02_forward" / "forward.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ this is not json")
    (sub / "partial" / "notes.txt").write_text("ignored")
    (sub / "finished" / "02_forward" / "scratch.py").write_text("ignored")
    done = run("grade", sub, "--out", out, "--format", "gradescope", "--jobs", "2")
    return done, out


def _record(out, student, aid):
    return json.loads((out / student / f"{aid}.json").read_text())


def test_exit_zero_and_a_table(graded):
    done, _ = graded
    assert done.returncode == 0, done.stderr
    total = f"{sum(full(a) for a in IDS):g}"
    assert "finished" in done.stdout and f"{total}/{total}" in done.stdout


def test_grades_csv(graded):
    _, out = graded
    with (out / "grades.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["student_id", "assignment", "score", "max_score"]
    by_key = {(r[0], r[1]): r for r in rows[1:]}
    assert len(by_key) == 3 * len(IDS)
    assert all(by_key[("finished", a)][2] == by_key[("finished", a)][3] for a in IDS)
    assert all(by_key[("untouched", a)][2] == "0" for a in IDS)


def test_json_record_per_submission(graded):
    _, out = graded
    record = _record(out, "finished", "04_backprop")
    assert {"student_id", "assignment", "score", "max_score", "checks"} <= set(record)
    assert record["score"] == record["max_score"] == full("04_backprop")
    units = set()
    for check in record["checks"]:
        assert set(check) == {"id", "unit", "score", "max_score", "status", "message"}
        assert check["status"] == "passed"
        units.add(check["unit"])
    assert {"Affine.backward", "TwoLayerNet.gradient", "d_relu"} <= units


def test_untouched_release_scores_zero_with_one_line_reasons(graded):
    _, out = graded
    for aid in IDS:
        record = _record(out, "untouched", aid)
        assert record["score"] == 0
        # a concept check's answer is a value: it is "not answered yet"
        assert all(c["message"].endswith("not implemented yet") or c["message"].startswith(
            f"{c['unit']}: not answered yet") for c in record["checks"]), record["checks"]


def test_missing_and_unreadable_notebooks_score_zero_with_a_reason(graded):
    _, out = graded
    assert _record(out, "partial", "01_perceptron")["score"] == 9
    broken = _record(out, "partial", "02_forward")
    assert broken["score"] == 0 and "not a notebook" in broken["checks"][0]["message"]
    missing = _record(out, "partial", "03_learning")
    assert missing["score"] == 0 and "was not submitted" in missing["checks"][0]["message"]


def test_feedback_page_has_hints_and_no_hidden_material(graded, tmp_path):
    _, out = graded
    page = (out / "untouched" / "02_forward.html").read_text()
    assert "softmax: not implemented yet" in page
    hidden = (curriculum.__file__.rsplit("/", 1)[0] + "/hidden/test_02_forward.py")
    for line in Path(hidden).read_text().splitlines():
        if len(line.strip()) > 30 and not line.strip().startswith(("#", "import", "from")):
            assert line.strip() not in page


def test_gradescope_results(graded):
    _, out = graded
    results = json.loads((out / "gradescope" / "finished" / "05_training" / "results.json")
                         .read_text())
    assert results["score"] == full("05_training")
    assert all({"name", "score", "max_score", "status", "output"} <= set(t)
               for t in results["tests"])


def test_regrading_gives_identical_scores(graded, tmp_path):
    _, out = graded
    sub = tmp_path / "again"
    write_notebook(student_notebook("02_forward"), sub / "finished" / "02_forward" / "forward.ipynb")
    assert run("grade", sub, "--out", tmp_path / "out", "--quiet").returncode == 0
    first = _record(out, "finished", "02_forward")["checks"]
    second = _record(tmp_path / "out", "finished", "02_forward")["checks"]
    assert first == second


@pytest.mark.parametrize(("args", "message"), [
    (["grade", "/nonexistent/folder", "--out", "OUT"], "does not exist"),
    (["grade", "EMPTY", "--out", "OUT"], "holds no student folders"),
    (["grade", "NOTEBOOKLESS", "--out", "OUT"], "no notebooks found"),
    (["grade", "NOTEBOOKLESS", "--out", "OUT", "--assignment", "07_cnn"], "unknown assignment"),
    (["grade", "NOTEBOOKLESS"], "needs SUBMISSIONS and --out"),
    (["grade", "NOTEBOOKLESS", "--out", "OUT", "--jobs", "0"], "--jobs must be"),
])
def test_bad_usage_is_one_line_and_nonzero(tmp_path, args, message):
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "NOTEBOOKLESS" / "alice").mkdir(parents=True)
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "OUT").exists()
