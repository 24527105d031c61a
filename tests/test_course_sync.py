"""The instructor's course workflow without traps (issue 16), with the real nbgrader CLI.

- A curriculum change (softmax 4 -> 5 points through a new hidden check, and a new public
  check) is refused by `course sync` until the notebook, the rubric and the hidden suite
  agree, then synced and graded consistently: a perfect student gets full marks, and the
  gradebook, the export and nbgrader's feedback agree. It is made in a copy of the kit
  (PYTHONPATH), never in the kit itself.
- `zip_collect` before `generate_assignment`: `grade --course` gives nbgrader's reason and
  the command that fixes it on one line, and changes nothing in the course.
- A Canvas `_LATE` file gets the course's late penalty; an unknown Canvas id is reported
  when it is collected and when it is graded (nbgrader's autograde then adds it).
- COURSE/scratchgrad/grades.csv accumulates across assignments and one-student re-grades;
  the grade table lists non-submitters and manual points pending; the export has a maximum
  per unit and marks ungraded answers as pending.

conftest.py gives the session (and so every nbgrader call) a private HOME and Jupyter dirs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import warmcli

from autograder import curriculum, paths
from autograder.demo import catalogue, student_notebook, write_notebook
from autograder.grade import rubric

SCRIPTS = sysconfig.get_path("scripts")
FINISHED, BUGGY, SILENT, STRANGER = "1001", "1002", "1003", "9999"

pytestmark = pytest.mark.skipif(
    shutil.which("nbgrader", path=f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}") is None,
    reason="nbgrader's command line is not installed")


def env(kit: Path | None = None) -> dict[str, str]:
    """The environment of a subprocess, built at each call (conftest's private dirs apply);
    with `kit`, that copy of the kit is the `autograder` package nbgrader and we import."""
    e = {**os.environ, "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}"}
    if kit is not None:
        e["PYTHONPATH"] = str(kit)
    return e


def call(*cmd: str, cwd: Path, kit: Path | None = None) -> subprocess.CompletedProcess:
    return warmcli.run(list(cmd), cwd=cwd, env=env(kit), timeout=300)


def run(*cmd: str, cwd: Path, kit: Path | None = None) -> str:
    proc = call(*cmd, cwd=cwd, kit=kit)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def scratchgrad(*args: str, cwd: Path, kit: Path | None = None, ok: bool = True):
    cmd = (sys.executable, "-m", "autograder", *args)
    return run(*cmd, cwd=cwd, kit=kit) if ok else call(*cmd, cwd=cwd, kit=kit)


def new_course(tmp: Path, kit: Path | None = None, students=(FINISHED, BUGGY, SILENT)) -> Path:
    course = tmp / "dlfs"
    scratchgrad("course", "init", str(course), cwd=tmp, kit=kit)
    roster = tmp / "students.csv"
    roster.write_text("id,last_name\n" + "".join(f"{s},S{s}\n" for s in students),
                      encoding="utf-8")
    run("nbgrader", "db", "student", "import", str(roster), cwd=course, kit=kit)
    return course


def auto_points(assignment_id: str) -> float:
    """What the rubric gives an assignment's automatic checks (no total is hard-coded, so a
    curriculum change needs no edit here)."""
    return sum(rubric.unit_points(assignment_id).values())


def manual_points(assignment_id: str, solutions: Path | None = None) -> float:
    """The points of the questions graded by hand in the solution notebook."""
    a = curriculum.get(assignment_id)
    nb = json.loads(((solutions or paths.solutions_dir()) / a.id / a.notebook).read_text())
    return sum(float(c["metadata"]["nbgrader"]["points"]) for c in nb["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade")
               and curriculum.unit_of_grade_cell(c["metadata"]["nbgrader"]["grade_id"]) is None)


def n(x: float) -> str:
    return f"{x:g}"


def notebook_for(assignment_id: str, mistake: str | None = None) -> dict:
    mistakes = [m for m in catalogue() if m.name == mistake]
    return student_notebook(assignment_id, mistakes)


def hand_in(course: Path, student: str, assignment_id: str, nb: dict) -> None:
    """What `nbgrader collect` leaves: submitted/<student>/<id>/<notebook> and timestamp.txt."""
    folder = course / "submitted" / student / assignment_id
    write_notebook(nb, folder / curriculum.get(assignment_id).notebook)
    (folder / "timestamp.txt").write_text("2026-11-01 10:00:00.000000 UTC", encoding="utf-8")


def canvas_zip(course: Path, assignment_id: str, entries: dict[str, dict]) -> None:
    archive = course / "downloaded" / assignment_id / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as z:
        for name, nb in entries.items():
            z.writestr(name, json.dumps(nb, indent=1))


def exported(course: Path, kit: Path | None = None) -> dict[tuple[str, str], dict[str, str]]:
    run("nbgrader", "export", "--to", "export.csv", cwd=course, kit=kit)
    with (course / "export.csv").open(encoding="utf-8") as f:
        return {(row["student_id"], row["assignment"]): row for row in csv.DictReader(f)}


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- a curriculum change --------------------------------------------------------------------

NEW_HIDDEN_CHECK = '''

@pytest.mark.unit("softmax")
def test_softmax_rows_sum_to_one(student, reference, rng):
    x = rng.normal(size=(4, 10))
    expect.array_close(student.softmax(x).sum(axis=1), np.ones(4),
                       what="the rows of softmax(x) summed")
'''

NEW_PUBLIC_CHECK = '''

@pytest.mark.unit("softmax")
def test_softmax_sums_to_one(student):
    expect.array_close(student.softmax(np.array([1.0, 2.0, 3.0])).sum(), 1.0,
                       what="softmax([1, 2, 3]).sum()")
'''


def copy_kit(dest: Path) -> Path:
    """The kit's package, solutions and release, to change without touching the kit."""
    for name in ("autograder", "solutions", "assignments"):
        shutil.copytree(paths.ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "dataset").symlink_to(paths.ROOT / "dataset")
    return dest


def set_points(notebook: Path, grade_id: str, points: int) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade_id") == grade_id:
            meta["points"] = points
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def cell_points(notebook: Path, grade_id: str) -> float:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return next(float(c["metadata"]["nbgrader"]["points"]) for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def test_a_curriculum_change_is_synced_and_graded_consistently(tmp_path: Path):
    kit = copy_kit(tmp_path / "kit")
    probe = run(sys.executable, "-c", "import autograder; print(autograder.__file__)",
                cwd=tmp_path, kit=kit)
    assert probe.strip().startswith(str(kit)), probe
    course = new_course(tmp_path, kit, students=(FINISHED,))
    run("nbgrader", "generate_assignment", "02_forward", cwd=course, kit=kit)
    source_nb = course / "source" / "02_forward" / "forward.ipynb"

    # points written into the solution's test cell: refused, one line, nothing copied (the
    # curriculum table is the one place a unit's points are declared)
    old = rubric.unit_points("02_forward")["softmax"]  # 4 today
    new = old + 1
    solution_nb = kit / "solutions" / "02_forward" / "forward.ipynb"
    pristine = solution_nb.read_bytes()
    set_points(solution_nb, "check_softmax", new)
    before = tree_digest(course)
    refused = scratchgrad("course", "sync", str(course), "--assignment", "02_forward",
                          cwd=course, kit=kit, ok=False)
    assert refused.returncode == 2, refused.stderr
    problems = [line for line in refused.stderr.splitlines() if line.startswith("02_forward:")]
    assert len(problems) == 1, refused.stderr
    assert re.search(rf"unit softmax in .* declares {n(new)} points, but a unit's points are "
                     rf"declared only in .*curriculum.toml \({n(old)}\)", problems[0]), problems
    assert tree_digest(course) == before
    solution_nb.write_bytes(pristine)

    # the table's new check without its hidden test: refused again, naming the test
    table_file = kit / "autograder" / "curriculum.toml"
    text = table_file.read_text(encoding="utf-8")
    table_file.write_text(text.replace("softmax_leaves_its_input_alone = 1\n",
                                       "softmax_leaves_its_input_alone = 1\n"
                                       "softmax_rows_sum_to_one = 1\n"), encoding="utf-8")
    refused = scratchgrad("course", "sync", str(course), cwd=course, kit=kit, ok=False)
    assert refused.returncode == 2
    assert "has no test test_softmax_rows_sum_to_one" in refused.stderr
    assert tree_digest(course) == before

    # the hidden test and a new public check: all four files agree, sync goes through and
    # stamps the table's points into the course's source and release
    with (kit / "autograder" / "hidden" / "test_02_forward.py").open("a") as f:
        f.write(NEW_HIDDEN_CHECK)
    with (kit / "solutions" / "02_forward" / "test_forward.py").open("a") as f:
        f.write(NEW_PUBLIC_CHECK)
    synced = scratchgrad("course", "sync", str(course), "--assignment", "02_forward",
                         cwd=course, kit=kit)
    assert "Synced 02_forward" in synced
    assert cell_points(source_nb, "check_softmax") == new
    assert "test_softmax_sums_to_one" in (course / "release/02_forward/test_forward.py").read_text()
    assert cell_points(course / "release" / "02_forward" / "forward.ipynb", "check_softmax") == new
    checked = scratchgrad("course", "check", str(course), "--assignment", "02_forward",
                          cwd=course, kit=kit)
    assert "no problem found" in checked

    # a perfect student gets full marks, and every total agrees
    nb = json.loads(run(sys.executable, "-c",
                        "import json; from autograder.demo import student_notebook; "
                        "print(json.dumps(student_notebook('02_forward')))",
                        cwd=tmp_path, kit=kit))
    hand_in(course, FINISHED, "02_forward", nb)
    table = scratchgrad("grade", "--course", str(course), "--assignment", "02_forward",
                        cwd=course, kit=kit)
    report = json.loads((course / "scratchgrad" / FINISHED / "02_forward.json").read_text())
    full = auto_points("02_forward") + 1  # the new hidden check
    manual = manual_points("02_forward", kit / "solutions")
    assert report["score"] == report["max_score"] == full, report
    softmax = [c for c in report["checks"] if c["unit"] == "softmax"]
    checks = sum(c.unit == "softmax" for c in rubric.checks("02_forward")) + 1
    assert len(softmax) == checks and all(c["status"] == "passed" for c in softmax)
    # the answered conceptual question is counted in the maximum and shown as pending
    assert re.search(rf"{FINISHED}\s+{n(full)}/{n(full + manual)} \({n(manual)} pending\)",
                     table), table
    row = exported(course, kit)[(FINISHED, "02_forward")]
    assert float(row["raw_score"]) == full and float(row["max_score"]) == full + manual
    assert row["softmax"] == n(new) and row["softmax max"] == n(new)
    assert row["q_nonlinear"] == "pending" and row["pending_manual"] == n(manual)

    run("nbgrader", "generate_feedback", "02_forward", cwd=course, kit=kit)
    page = (course / "feedback" / FINISHED / "02_forward" / "forward.html").read_text()
    assert f"softmax: {n(new)} / {n(new)} points" in page
    assert f"Score: {new:.1f} / {new:.1f}" in page, "nbgrader's score of the cell"
    # the messages wrap instead of scrolling, and the score is not a stray output
    assert '<pre style="white-space: pre-wrap; overflow-wrap: anywhere; margin: 0">softmax: ' \
        in page
    assert "output_execute_result" not in page and not re.search(r"Out\[(\s|&nbsp;)*\d*\]", page)


# --- one course, from the LMS, with a refused first grading ---------------------------------

@pytest.fixture(scope="module")
def lms_course(tmp_path_factory: pytest.TempPathFactory):
    """A Canvas course. 03_learning's download is zip-collected before it was generated
    (the trap): the refused `grade --course` and the course before and after it are kept
    for the tests. Then the instructor does what the message says and grades everything."""
    tmp = tmp_path_factory.mktemp("lms")
    course = new_course(tmp)
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write("c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    run("nbgrader", "generate_assignment", "02_forward", cwd=course)
    canvas_zip(course, "03_learning", {
        f"tanaka_{FINISHED}_771_learning.ipynb": notebook_for("03_learning"),
        f"sato_LATE_{BUGGY}_772_learning.ipynb": notebook_for("03_learning"),
        f"stranger_{STRANGER}_773_learning.ipynb": notebook_for("03_learning"),
    })
    early = run("nbgrader", "zip_collect", "03_learning", cwd=course)
    before = tree_digest(course)
    refused = scratchgrad("grade", "--course", str(course), "--assignment", "03_learning",
                          cwd=course, ok=False)
    after = tree_digest(course)
    reports_after_refusal = (course / "scratchgrad").exists()

    # what the message says: generate, then collect again (a due date for the late flag)
    run("nbgrader", "generate_assignment", "03_learning", cwd=course)
    run("nbgrader", "db", "assignment", "add", "03_learning",
        "--duedate=2026-11-01 00:00:00 UTC", cwd=course)
    collect_log = run("nbgrader", "zip_collect", "--force", "03_learning", cwd=course)
    hand_in(course, FINISHED, "02_forward", notebook_for("02_forward"))
    hand_in(course, BUGGY, "02_forward", notebook_for("02_forward", "softmax_overflow"))
    first = scratchgrad("grade", "--course", str(course), "--assignment", "02_forward",
                        cwd=course)
    second = scratchgrad("grade", "--course", str(course), "--assignment", "03_learning",
                         cwd=course, ok=False)  # not --quiet: the warnings are printed
    regrade = scratchgrad("grade", "--course", str(course), "--assignment", "02_forward",
                          "--student", FINISHED, "--quiet", cwd=course)
    return {"course": course, "early": early, "refused": refused, "before": before,
            "after": after, "collect_log": collect_log, "first": first, "second": second,
            "regrade": regrade, "reports_after_refusal": reports_after_refusal}


def test_grading_before_generate_gives_nbgraders_reason_and_changes_nothing(lms_course):
    early, refused = lms_course["early"], lms_course["refused"]
    assert "03_learning is not in the gradebook yet" in early  # said at zip_collect already
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, lines  # one line: nbgrader's reason and what to run
    assert "No assignment with ID '03_learning' exists in the database" in lines[0]
    assert "run `nbgrader generate_assignment 03_learning`" in lines[0]
    assert "Traceback" not in refused.stderr and refused.stdout == ""
    assert lms_course["after"] == lms_course["before"]  # no report, no grades.csv, no gradebook
    assert not lms_course["reports_after_refusal"]


def test_a_late_canvas_file_gets_the_late_penalty(lms_course):
    course = lms_course["course"]
    assert "marked sato_LATE_1002" in lms_course["collect_log"].replace(
        "submissions/", "")
    stamp = (course / "submitted" / BUGGY / "03_learning" / "timestamp.txt").read_text()
    assert stamp.startswith("2026-11-01 00:00:01")
    late_row = [line for line in lms_course["second"].stdout.splitlines()
                if line.startswith(BUGGY)]
    full, manual = auto_points("03_learning"), manual_points("03_learning")
    expected = rf"0/{n(full + manual)} \(late -{n(full)}, {n(manual)} pending\)"
    assert len(late_row) == 1 and re.search(expected, late_row[0]), late_row
    rows = exported(course)
    late, on_time = rows[(BUGGY, "03_learning")], rows[(FINISHED, "03_learning")]
    assert float(late["raw_score"]) == float(on_time["raw_score"]) > 0
    assert float(late["score"]) == 0 and float(late["late_submission_penalty"]) > 0
    assert float(on_time["late_submission_penalty"]) == 0
    assert float(on_time["score"]) == float(on_time["raw_score"])


def test_an_unknown_canvas_id_is_reported_at_collection_and_grading(lms_course):
    from nbgrader.api import Gradebook

    course = lms_course["course"]
    assert f"from student {STRANGER}, who is not in the gradebook" in lms_course["collect_log"]
    second = lms_course["second"]
    assert second.returncode == 0, second.stderr
    warned = [line for line in second.stderr.splitlines() if f"student {STRANGER} in" in line]
    assert len(warned) == 1 and "nbgrader db student add 9999 --last-name" in warned[0]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        # graded as nbgrader's autograde would (it adds them), and said so above
        assert gb.find_student(STRANGER).last_name is None


def test_results_accumulate_across_assignments_and_one_student_regrades(lms_course):
    with (lms_course["course"] / "scratchgrad" / "grades.csv").open(encoding="utf-8") as f:
        rows = {(r["student_id"], r["assignment"]) for r in csv.DictReader(f)}
    assert rows == {(FINISHED, "02_forward"), (BUGGY, "02_forward"),
                    (FINISHED, "03_learning"), (BUGGY, "03_learning"), (STRANGER, "03_learning")}


def test_the_table_lists_non_submitters_and_pending_manual_points(lms_course):
    table = lms_course["first"]
    silent = [line for line in table.splitlines() if line.startswith(SILENT)]
    assert len(silent) == 1 and re.fullmatch(rf"{SILENT}\s+-\s+0/0", silent[0].rstrip()), silent
    full, manual = auto_points("02_forward"), manual_points("02_forward")
    assert re.search(rf"{FINISHED}\s+{n(full)}/{n(full + manual)} \({n(manual)} pending\)",
                     table), table
    assert "still to be graded by hand" in table  # the legend says what it means


def test_grading_runs_print_no_sqlalchemy_warnings(lms_course):
    output = lms_course["first"] + lms_course["second"].stderr + lms_course["regrade"]
    assert "Warning" not in output, output


def test_the_export_has_maxima_per_unit_and_pending_answers(lms_course):
    rows = exported(lms_course["course"])
    finished = rows[(FINISHED, "02_forward")]
    units = rubric.unit_points("02_forward")
    assert finished["softmax max"] == n(units["softmax"])
    assert finished["sigmoid max"] == n(units["sigmoid"])
    manual = manual_points("02_forward")
    assert finished["q_nonlinear"] == "pending" and finished["q_nonlinear max"] == n(manual)
    assert finished["pending_manual"] == n(manual)
    silent = rows[(SILENT, "02_forward")]
    assert silent["softmax"] == "" and silent["softmax max"] == n(units["softmax"])
    assert rows[(FINISHED, "03_learning")]["softmax max"] == ""  # not a unit of 03


# --- the exchange: release order and re-submissions -----------------------------------------

def student_run(*cmd: str, home: Path, exchange: Path) -> str:
    """A student's nbgrader command, from their own home (their own submission cache)."""
    home.mkdir(parents=True, exist_ok=True)
    e = {**env(), "HOME": str(home), "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter")}
    proc = warmcli.run([*cmd, "--course", "dlfs", f"--Exchange.root={exchange}"], cwd=home,
                       env=e, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def test_check_names_the_release_order_and_a_resubmission_not_collected(tmp_path: Path):
    exchange = tmp_path / "exchange"
    course = tmp_path / "dlfs"
    scratchgrad("course", "init", str(course), "--exchange", str(exchange), cwd=tmp_path)
    run("nbgrader", "db", "student", "add", FINISHED, "--last-name", "Tanaka", cwd=course)
    for assignment_id in ("02_forward", "04_backprop"):
        run("nbgrader", "generate_assignment", assignment_id, cwd=course)
        run("nbgrader", "release_assignment", assignment_id, cwd=course)
    home = tmp_path / "home" / FINISHED
    student_run("nbgrader", "fetch_assignment", "02_forward", "--student", FINISHED,
                home=home, exchange=exchange)
    student_run("nbgrader", "submit", "02_forward", "--student", FINISHED, home=home,
                exchange=exchange)
    run("nbgrader", "collect", "02_forward", cwd=course)
    student_run("nbgrader", "submit", "02_forward", "--student", FINISHED, home=home,
                exchange=exchange)

    checked = scratchgrad("course", "check", str(course), cwd=course, ok=False)
    assert checked.returncode == 1
    lines = checked.stdout.strip().splitlines()
    order = [line for line in lines if line.startswith("04_backprop: its notebook imports")]
    assert len(order) == 1 and "03_learning, which is not released" in order[0]
    assert "`nbgrader release_assignment 03_learning`" in order[0]
    again = [line for line in lines if f"student {FINISHED} submitted again" in line]
    assert len(again) == 1 and "`nbgrader collect --update 02_forward`" in again[0]
    assert len(lines) == 2, lines  # nothing else: the exchange is writable, points agree

    run("nbgrader", "collect", "--update", "02_forward", cwd=course)
    checked = scratchgrad("course", "check", str(course), "--assignment", "02_forward",
                          cwd=course)
    assert "no problem found" in checked


# --- --help and --version -------------------------------------------------------------------

def test_help_tells_nbgraders_real_exchange_default_and_every_argument():
    from nbgrader.exchange.default.exchange import Exchange

    from autograder import __version__
    from autograder.cli import build_parser

    parser = build_parser()
    init_help = " ".join(scratchgrad("course", "init", "--help", cwd=paths.ROOT).split())
    assert f"(default: nbgrader's, {Exchange.root.default_value})" in init_help
    assert scratchgrad("--version", cwd=paths.ROOT).strip() == f"scratchgrad {__version__}"
    # every argument of every subcommand has a help text of its own
    stack = [parser]
    while stack:
        p = stack.pop()
        for action in p._actions:
            if action.choices and isinstance(action.choices, dict):
                stack += action.choices.values()
            elif action.dest not in ("help", "version", "command", "course_command"):
                assert action.help, f"{p.prog} {action.dest} has no help"
    grade_help = " ".join(scratchgrad("grade", "--help", cwd=paths.ROOT).split())
    assert "required with --course" in grade_help and "can read the machine's files" in grade_help
