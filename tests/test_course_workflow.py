"""The nbgrader course workflow, end to end, with the real nbgrader CLI and no mocks.

Three students (finished, buggy, one notebook missing) get 02_forward through nbgrader's
exchange (release, fetch, submit, collect) and hand in 03_learning as a Canvas zip
(zip_collect). `scratchgrad grade --course` grades both into the gradebook; nbgrader then
generates and releases feedback and exports, and everything must agree with
`scratchgrad grade` on the same submitted/ folder.

The course is built once per module and no test changes what another one reads: the
re-grade with a due date works on its own copy of the course. Independent nbgrader calls
run side by side (each costs about two seconds just to start).
"""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import sys
import sysconfig
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import warmcli

from autograder import curriculum, paths
from autograder.demo import catalogue, student_notebook
from autograder.grade import rubric
from autograder.selfcheck.hints import HINTS

SCRIPTS = sysconfig.get_path("scripts")
PATH = f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}"
FINISHED, BUGGY, MISSING = "1001", "1002", "1003"
MISTAKES = {"02_forward": "softmax_overflow", "03_learning": "cee_one_hot_only"}

pytestmark = pytest.mark.skipif(shutil.which("nbgrader", path=PATH) is None,
                                reason="nbgrader's command line is not installed")


def run(*cmd: str, cwd: Path, home: Path | None = None) -> str:
    """Run a command; with `home`, as a user whose home (and nbgrader cache) is there."""
    # Built at each call: the session's private HOME and Jupyter dirs (conftest.py) apply.
    env = {**os.environ, "PATH": PATH}
    if home is not None:
        env.update(HOME=str(home), JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"))
    proc = warmcli.run(list(cmd), cwd=cwd, env=env, timeout=300)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def scratchgrad(*args: str, cwd: Path) -> str:
    return run(sys.executable, "-m", "autograder", *args, cwd=cwd)


def fill_in(release_nb: Path, assignment_id: str, mistake: str | None) -> None:
    """What a student does: replace every stub of the fetched notebook with code."""
    mistakes = [m for m in catalogue() if m.name == mistake]
    solved = student_notebook(assignment_id, mistakes)["cells"]
    nb = json.loads(release_nb.read_text(encoding="utf-8"))
    for cell, answer in zip(nb["cells"], solved, strict=True):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "YOUR CODE HERE" in source:
            cell["source"] = answer["source"]
    release_nb.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def student_work(assignment_id: str, student: str, folder: Path) -> None:
    a = curriculum.get(assignment_id)
    nb = folder / a.notebook
    if student == MISSING:
        nb.unlink()
    else:
        fill_in(nb, assignment_id, MISTAKES[assignment_id] if student == BUGGY else None)


def hub_student(student: str, exchange: Path, homes: Path) -> None:
    """One student's session on a hub: fetch 02_forward, do the work, submit it. Each
    student has a home (so an nbgrader submission cache) of their own."""
    home = homes / student
    home.mkdir(parents=True)
    # On a hub each student is a login of their own; here --student says who it is.
    run("nbgrader", "fetch_assignment", "02_forward", "--course", "dlfs",
        f"--Exchange.root={exchange}", "--student", student, cwd=home, home=home)
    student_work("02_forward", student, home / "02_forward")
    run("nbgrader", "submit", "02_forward", "--course", "dlfs",
        f"--Exchange.root={exchange}", "--student", student, cwd=home, home=home)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graded course. Tests read it; a test that changes it works on a copy."""
    tmp = tmp_path_factory.mktemp("course")
    course, exchange = tmp / "dlfs", tmp / "exchange"
    scratchgrad("course", "init", str(course), "--exchange", str(exchange), cwd=tmp)
    roster = tmp / "students.csv"
    roster.write_text("id,last_name\n" + "".join(f"{s},S{s}\n" for s in (FINISHED, BUGGY, MISSING)),
                      encoding="utf-8")
    run("nbgrader", "db", "student", "import", str(roster), cwd=course)

    # 02_forward through the exchange, as on a JupyterHub: the three students work at the
    # same time, while the instructor generates 03_learning (nothing the students touch).
    run("nbgrader", "generate_assignment", "02_forward", cwd=course)
    run("nbgrader", "release_assignment", "02_forward", cwd=course)
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = [pool.submit(hub_student, student, exchange, tmp / "home")
                for student in (FINISHED, BUGGY, MISSING)]
        jobs.append(pool.submit(run, "nbgrader", "generate_assignment", "03_learning",
                                cwd=course))
        for job in jobs:
            job.result()
    run("nbgrader", "collect", "02_forward", cwd=course)

    # 03_learning handed in on Canvas and downloaded as one zip.
    archive = course / "downloaded" / "03_learning" / "archive"
    archive.mkdir(parents=True)
    work = tmp / "canvas"
    shutil.copytree(course / "release" / "03_learning", work)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as z:
        for i, student in enumerate((FINISHED, BUGGY), start=1):
            shutil.copy(course / "release" / "03_learning" / "learning.ipynb", work / "nb.ipynb")
            student_work("03_learning", student, work)
            z.write(work / "nb.ipynb", f"student{i}_{student}_77{i}_learning.ipynb")
    run("nbgrader", "zip_collect", "03_learning", cwd=course)

    scratchgrad("grade", "--course", str(course), "--assignment", "02_forward", "03_learning",
                "--quiet", cwd=course)
    return course


def exported(course: Path) -> dict[tuple[str, str], dict[str, str]]:
    run("nbgrader", "export", "--to", "export.csv", cwd=course)
    with (course / "export.csv").open(encoding="utf-8") as f:
        return {(row["student_id"], row["assignment"]): row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def export(course: Path) -> dict[tuple[str, str], dict[str, str]]:
    """`nbgrader export` of the graded course (no test changes its grades)."""
    return exported(course)


def test_export_agrees_with_scratchgrad_grade_on_the_same_folder(course: Path, export,
                                                                tmp_path: Path):
    scratchgrad("grade", str(course / "submitted"), "--out", str(tmp_path / "out"),
                "--assignment", "02_forward", "03_learning", "--quiet", cwd=tmp_path)
    with (tmp_path / "out" / "grades.csv").open(encoding="utf-8") as f:
        direct = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
    rows = export
    submitted = [(s, a) for (s, a) in direct if (course / "submitted" / s / a).is_dir()]
    assert len(submitted) == 5  # the missing student sent no zip for 03_learning
    for key in submitted:
        assert float(rows[key]["score"]) == float(direct[key]["score"]), key
        report = json.loads((tmp_path / "out" / key[0] / f"{key[1]}.json").read_text())
        per_unit: dict[str, float] = {}
        for c in report["checks"]:
            per_unit[c["unit"]] = per_unit.get(c["unit"], 0.0) + c["score"]
        for unit, score in per_unit.items():  # one column per unit
            assert float(rows[key][unit]) == score, (key, unit)
    finished = rows[(FINISHED, "02_forward")]
    assert float(finished["raw_score"]) == float(direct[(FINISHED, "02_forward")]["max_score"])
    # the conceptual question stays nbgrader's: in max_score, not yet graded by hand
    assert float(finished["max_score"]) > float(finished["raw_score"])
    assert finished["q_nonlinear"] == "0"  # unanswered, so nbgrader gives it 0
    buggy = rows[(BUGGY, "02_forward")]
    units = rubric.unit_points("02_forward")  # no hard-coded points: curricula change
    assert float(buggy["softmax"]) < units["softmax"]
    assert float(buggy["sigmoid"]) == units["sigmoid"]
    assert float(rows[(MISSING, "02_forward")]["score"]) == 0
    assert rows[(MISSING, "03_learning")]["timestamp"] == ""  # no submission at all


def test_gradebook_counts_the_submissions_as_graded(course: Path):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        # the roster came from a CSV (`nbgrader db student import`)
        assert {(s.id, s.last_name) for s in gb.students} == {
            (s, f"S{s}") for s in (FINISHED, BUGGY, MISSING)}
        for student in (FINISHED, BUGGY, MISSING):
            sub = gb.find_submission("02_forward", student)
            auto = [g for nb in sub.notebooks for g in nb.grades if g.cell.name.startswith("check_")]
            assert auto and all(g.auto_score is not None for g in auto)
            assert not any(g.needs_manual_grade for g in auto)
        # an answered conceptual question waits for formgrader
        assert (course / "autograded" / BUGGY / "02_forward" / "forward.ipynb").is_file()


def test_feedback_has_the_hints_and_nothing_hidden(course: Path, tmp_path: Path):
    run("nbgrader", "generate_feedback", "02_forward", cwd=course)
    run("nbgrader", "release_feedback", "02_forward", cwd=course)
    # The student fetches it in a fresh folder, from their own home's submission cache.
    home, folder = course.parent / "home" / BUGGY, tmp_path / BUGGY
    folder.mkdir()
    exchange = json.dumps(str(course.parent / "exchange"))
    (folder / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {exchange}\n")
    run("nbgrader", "fetch_feedback", "02_forward", "--course", "dlfs", "--student", BUGGY,
        cwd=folder, home=home)
    # feedback folders are named by the submission's timestamp
    stamp = (course / "submitted" / BUGGY / "02_forward" / "timestamp.txt").read_text().strip()
    page_file = folder / "02_forward" / "feedback" / stamp / "forward.html"
    assert page_file.is_file(), "fetch_feedback brought no feedback"
    page = page_file.read_text(encoding="utf-8")
    # the buggy student's mistake gets its hint, word for word
    assert f"Hint: {HINTS['softmax_overflow']}" in html.unescape(page)
    sigmoid = rubric.unit_points("02_forward")["sigmoid"]
    assert "softmax: " in page and f"sigmoid: {sigmoid:g} / {sigmoid:g} points" in page
    hidden = (Path(curriculum.__file__).parent / "hidden" / "test_02_forward.py").read_text()
    for line in hidden.splitlines():
        line = line.strip()
        if len(line) > 30 and not line.startswith(("#", "import", "from", "@")):
            assert line not in page, line
    # No line of the reference solution shows unless the student wrote it themselves.
    own = (course / "submitted" / BUGGY / "02_forward" / "forward.ipynb").read_text()
    solution = json.loads((paths.solutions_dir() / "02_forward" / "forward.ipynb").read_text())
    foreign = [line.strip() for cell in solution["cells"]
               for region in "".join(cell["source"]).split("### BEGIN SOLUTION")[1:]
               for line in region.split("### END SOLUTION")[0].splitlines()
               if len(line.strip()) > 15 and json.dumps(line.strip())[1:-1] not in own]
    assert foreign, "the buggy student's softmax differs from the reference"
    for line in foreign:
        assert html.escape(line) not in page and line not in page, line


def test_regrading_one_student_and_late_penalties(course: Path, export, tmp_path: Path):
    # A due date and a penalty change the course: do it on a copy, the other tests read it.
    own = shutil.copytree(course, tmp_path / "dlfs", symlinks=True)
    before = export
    with (own / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write("c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    run("nbgrader", "db", "assignment", "add", "02_forward",
        "--duedate=2000-01-01 00:00:00 UTC", cwd=own)
    scratchgrad("grade", "--course", str(own), "--assignment", "02_forward",
                "--student", BUGGY, "--quiet", cwd=own)
    after = exported(own)
    late = after[(BUGGY, "02_forward")]
    assert float(late["raw_score"]) == float(before[(BUGGY, "02_forward")]["raw_score"])
    assert float(late["score"]) == 0 and float(late["late_submission_penalty"]) > 0
    # the other students were not touched by the re-grade
    assert after[(FINISHED, "02_forward")]["score"] == before[(FINISHED, "02_forward")]["score"]
