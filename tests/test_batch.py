"""Batch robustness of `scratchgrad grade` (issue 10, item 6), each finding of the hostile
tester as a test: a course run that survives a notebook nbgrader cannot read, grades.csv
merged across runs, reports written atomically as each student finishes (a killed run
reruns to the same bytes; a read-only or full OUT is a one-line error), no grading process
outliving the CLI, safe student ids and CSV cells, symbolic links refused, and outputs not
counted toward the notebook size limit.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import textwrap
import threading
import time
from pathlib import Path

import pytest
import warmcli
from grading import write_student

from autograder import curriculum, paths
from autograder.demo import student_notebook, write_notebook
from autograder.grade.results import AssignmentResult, CheckResult
from autograder.notebook import loader

SCRIPTS = sysconfig.get_path("scripts")
ROOT = Path(__file__).resolve().parents[1]


def env() -> dict[str, str]:
    """The commands' environment, built at each call (so conftest's private HOME applies).
    PYTHONPATH: the commands (and nbgrader's export plugin) import this checkout's kit from
    any working folder, whichever checkout the environment has installed."""
    return {**os.environ, "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")]))}


CLI = [sys.executable, "-m", "autograder"]
TEMP_SUFFIX = ".scratchgrad-tmp"  # autograder.report.files.TEMP_SUFFIX


def run(*args: object, cwd: Path | None = None, timeout: float = 600
        ) -> subprocess.CompletedProcess:
    return warmcli.run([*CLI, *map(str, args)], cwd=cwd, env=env(), timeout=timeout)


def rows(out: Path) -> dict[tuple[str, str], dict[str, str]]:
    with (out / "grades.csv").open(encoding="utf-8", newline="") as f:
        return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


# --- 1. `grade --course` records every student nbgrader can read ---------------------------

@pytest.mark.skipif(shutil.which("nbgrader", path=env()["PATH"]) is None,
                    reason="nbgrader's command line is not installed")
def test_course_records_every_student_nbgrader_can_read(tmp_path: Path):
    def sh(*cmd: str, cwd: Path) -> None:
        done = warmcli.run(list(cmd), cwd=cwd, env=env(), timeout=300)
        assert done.returncode == 0, f"{cmd}: {done.stdout}{done.stderr}"

    course = tmp_path / "dlfs"
    sh(*CLI, "course", "init", str(course), "--exchange", str(tmp_path / "exchange"),
       cwd=tmp_path)
    students = ["1001", "1002", "1003", "=1+2"]  # autograde adds them to the gradebook
    sh("nbgrader", "generate_assignment", "01_perceptron", cwd=course)
    release = course / "release" / "01_perceptron" / "perceptron.ipynb"
    for student in students:
        folder = course / "submitted" / student / "01_perceptron"
        folder.mkdir(parents=True)
        shutil.copy(release, folder / "perceptron.ipynb")
    (course / "submitted" / "1002" / "01_perceptron" / "perceptron.ipynb").write_text("{ no")

    done = run("grade", "--course", course, "--assignment", "01_perceptron", "--quiet",
               cwd=course)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    line = one_line(done.stderr)
    assert "1002/01_perceptron" in line and "not in the gradebook" in line

    from nbgrader.api import Gradebook

    def auto_scores(gb: Gradebook, student: str) -> list[float | None]:
        sub = gb.find_submission("01_perceptron", student)
        return [g.auto_score for nb in sub.notebooks for g in nb.grades]

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("1001", "1003", "=1+2"):  # the ones after 1002 too
            assert auto_scores(gb, student) and None not in auto_scores(gb, student)
        assert set(auto_scores(gb, "1002")) == {None}  # left for the instructor
    graded = rows(course / "scratchgrad")
    assert set(graded) == {(s, "01_perceptron") for s in ("1001", "1002", "1003", "'=1+2")}

    # re-grading one student keeps the course's results file whole
    done = run("grade", "--course", course, "--assignment", "01_perceptron", "--student",
               "1001", "--quiet", cwd=course)
    assert done.returncode == 0, done.stderr
    assert rows(course / "scratchgrad").keys() == graded.keys()

    # nbgrader's export with the kit's plugin escapes a formula-like student id
    sh("nbgrader", "export", "--to", "export.csv", cwd=course)
    with (course / "export.csv").open(encoding="utf-8", newline="") as f:
        ids = {r["student_id"] for r in csv.DictReader(f)}
    assert "'=1+2" in ids and "=1+2" not in ids


# --- 2. grades.csv is merged, not rebuilt ---------------------------------------------------

@pytest.fixture
def two_students(tmp_path: Path) -> Path:
    sub = tmp_path / "submitted"
    for aid in ("01_perceptron", "02_forward"):
        write_student(sub, "alice", aid)
        write_student(sub, "bob", aid, unfinished=True)
    return sub


def test_grades_csv_keeps_the_rows_of_earlier_runs(two_students: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("grade", two_students, "--out", out, "--assignment", "01_perceptron",
               "--quiet").returncode == 0
    assert run("grade", two_students, "--out", out, "--assignment", "02_forward",
               "--quiet").returncode == 0
    first = rows(out)
    assert set(first) == {(s, a) for s in ("alice", "bob")
                          for a in ("01_perceptron", "02_forward")}
    assert first[("bob", "01_perceptron")]["score"] == "0"
    # bob finishes 01: a re-grade replaces his row, and only his
    write_student(two_students, "bob", "01_perceptron")
    assert run("grade", two_students, "--out", out, "--assignment", "01_perceptron",
               "--quiet").returncode == 0
    second = rows(out)
    assert set(second) == set(first)
    assert second[("bob", "01_perceptron")]["score"] == "9"
    assert second[("alice", "02_forward")] == first[("alice", "02_forward")]


def test_two_runs_into_one_out_keep_both(two_students: Path, tmp_path: Path):
    out = tmp_path / "out"
    runs = [subprocess.Popen([*CLI, "grade", str(two_students), "--out", str(out),
                              "--assignment", aid, "--quiet", "--jobs", "1"],
                             env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for aid in ("01_perceptron", "02_forward")]
    for proc in runs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert len(rows(out)) == 4


def _result(student: str, assignment: str, score: float) -> AssignmentResult:
    return AssignmentResult(student, assignment,
                            [CheckResult("c", "AND", score, 1.0, "passed")])


def test_the_merge_waits_for_the_lock(tmp_path: Path):
    from autograder.report.files import lock_path
    from autograder.report.grades_csv import write_grades_csv

    path = tmp_path / "grades.csv"
    write_grades_csv([_result("alice", "01_perceptron", 1)], path)
    with open(lock_path(path), "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another run is merging
        writer = threading.Thread(
            target=write_grades_csv, args=([_result("bob", "01_perceptron", 0)], path))
        writer.start()
        writer.join(0.5)
        assert writer.is_alive(), "wrote grades.csv while another run held the lock"
        fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    writer.join(10)
    text = path.read_text()
    assert "alice,01_perceptron" in text and "bob,01_perceptron" in text


def test_a_foreign_grades_csv_is_refused_before_grading(two_students: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "grades.csv").write_text("name,mark\nx,1\n")
    done = run("grade", two_students, "--out", out)
    assert done.returncode == 2
    assert "not a grades table written by scratchgrad" in one_line(done.stderr)
    assert (out / "grades.csv").read_text() == "name,mark\nx,1\n"
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["grades.csv"]


# --- 3. OUT: checked first, written atomically as each student finishes ---------------------

def _bwrap_mounts() -> bool:
    """bubblewrap can give a test its own mounts (a read-only bind, a tiny tmpfs)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    probe = subprocess.run([bwrap, "--dev-bind", "/", "/", "--size", "65536", "--tmpfs",
                            "/tmp", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _bwrap_mounts(),
                                  reason="bubblewrap cannot mount here (no user namespaces)")


def _in_bwrap(mounts: list[str], *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bwrap", "--dev-bind", "/", "/", *mounts, *command], env=env(),
                          capture_output=True, text=True, timeout=600, check=False)


def test_a_read_only_out_is_refused_before_grading(two_students: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o555)
        done = run("grade", two_students, "--out", out)
    elif _bwrap_mounts():  # root ignores permissions: a read-only mount instead
        done = _in_bwrap(["--ro-bind", str(out), str(out)], *CLI, "grade", str(two_students),
                         "--out", str(out), "--isolation", "none")
    else:
        pytest.skip("running as root without bubblewrap: cannot make a folder read-only")
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)  # no progress bar: nothing was graded
    assert "Cannot write reports into" in line and "nothing was graded" in line
    assert done.stdout == ""


CHECK_OUT = textwrap.dedent("""
    import json, subprocess, sys
    from pathlib import Path
    out = Path(sys.argv[1])
    done = subprocess.run(sys.argv[2:], capture_output=True, text=True)
    files = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            ok = True
            if p.suffix == ".json":
                try:
                    json.loads(data)
                except ValueError:
                    ok = False
            files[str(p.relative_to(out))] = [len(data), ok]
    print(json.dumps({"rc": done.returncode, "stderr": done.stderr, "files": files}))
""")


@needs_mounts
def test_a_full_disk_leaves_no_broken_report(tmp_path: Path):
    sub = tmp_path / "submitted"
    for student in ("a", "b", "c", "d", "e", "f"):
        for aid in ("01_perceptron", "02_forward"):
            write_student(sub, student, aid)
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "check.py").write_text(CHECK_OUT)
    done = _in_bwrap(["--size", str(40 * 1024), "--tmpfs", str(out)], sys.executable,
                     str(tmp_path / "check.py"), str(out), *CLI, "grade", str(sub), "--out",
                     str(out), "--isolation", "none", "--jobs", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["rc"] == 2, report["stderr"]
    line = one_line(report["stderr"])
    assert "Cannot write the report of" in line and "No space left on device" in line
    files = report["files"]
    assert files, "nothing fitted: the test's tmpfs is too small"
    for name, (size, ok) in files.items():
        assert size > 0 and ok, f"{name} is broken: {size} bytes"
        assert not name.endswith(TEMP_SUFFIX), name


STUDENTS = 10  # 30 notebooks: 2-3 s of grading, against the 6 reports a kill waits for


@pytest.fixture(scope="module")
def slow_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough students that a run can be stopped half-way."""
    sub = tmp_path_factory.mktemp("class") / "submitted"
    for i in range(STUDENTS):
        for aid in ("01_perceptron", "02_forward", "03_learning"):
            write_student(sub, f"s{i:02d}", aid, unfinished=(i % 3 == 0))
    return sub


def _wait_for_reports(out: Path, proc: subprocess.Popen, count: int) -> int:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        done = len(list(out.glob("*/*.json")))
        if done >= count:
            return done
        time.sleep(0.02)
    raise AssertionError("the run ended before it could be stopped half-way")


def test_a_killed_run_reruns_to_the_same_bytes(slow_class: Path, tmp_path: Path):
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    args = ["grade", slow_class, "--format", "gradescope", "--jobs", "2", "--quiet"]
    assert run(*args, "--out", clean).returncode == 0
    proc = subprocess.Popen([*CLI, *map(str, args), "--out", str(killed)], env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written = _wait_for_reports(killed, proc, 6)
    proc.kill()
    proc.wait(60)
    assert written < 3 * STUDENTS, "every report was written before the kill"
    assert not (killed / "grades.csv").exists()
    # what a run killed between writing and renaming leaves behind
    stale = killed / "s00" / f".01_perceptron.json.{proc.pid}{TEMP_SUFFIX}"
    stale.write_text('{"half": ')
    finished = {p: p.stat().st_ino for p in killed.glob("*/*.json")}
    assert run(*args, "--out", killed).returncode == 0
    assert tree(killed) == tree(clean)
    # Only what was missing was graded: every finished record is the file the killed run
    # wrote (a rewrite renames a new file over it, with a new inode).
    assert {p: p.stat().st_ino for p in finished} == finished


# --- 4. no grading process outlives the CLI -------------------------------------------------

def _processes() -> dict[int, tuple[str, int, int, int]]:
    """pid -> (state, parent pid, session id, start time), from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(entry)] = (fields[0], int(fields[1]), int(fields[3]), int(fields[19]))
    return found


def _descendants(root: int) -> set[tuple[int, int]]:
    """(pid, start time) of every process below `root` or in its session."""
    procs = _processes()
    found = {(pid, p[3]) for pid, p in procs.items() if p[2] == root and pid != root}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, p in procs.items():
            if p[1] == parent:
                found.add((pid, p[3]))
                frontier.append(pid)
    return found


def _alive(snapshot: set[tuple[int, int]], session: int) -> list[int]:
    procs = _processes()
    return sorted(pid for pid, p in procs.items() if p[0] not in "ZX"
                  and ((pid, p[3]) in snapshot or p[2] == session))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_no_grading_process_outlives_the_cli(slow_class: Path, tmp_path: Path, signum: int):
    out = tmp_path / "out"
    # stdout is a pipe, as in `scratchgrad grade ... | cat`
    proc = subprocess.Popen([*CLI, "grade", str(slow_class), "--out", str(out), "--jobs", "2"],
                            env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    _wait_for_reports(out, proc, 2)
    children = _descendants(proc.pid)
    assert len(children) >= 2, "no pool workers to check"
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=60)  # EOF: nothing holds the pipe open any more
    except subprocess.TimeoutExpired:
        pytest.fail("the pipe stayed open: a grading process survived the CLI")
    deadline = time.monotonic() + 15
    while _alive(children, proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(children, proc.pid), "grading processes outlived the CLI"
    if signum == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM
        assert "Terminated" in err.decode().splitlines()[-1]


# --- 5. student ids and CSV cells -----------------------------------------------------------

def test_csv_cells_that_look_like_formulas_are_escaped():
    from autograder.report.files import escape_cell, unescape_cell

    for cell in ("=WEBSERVICE(A1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=1", "'x"):
        assert escape_cell(cell).startswith("'")
        assert unescape_cell(escape_cell(cell)) == cell
    for cell in ("alice", "1001", "9", "0.5", "a=b"):
        assert escape_cell(cell) == cell


def test_formula_student_ids_are_escaped_in_grades_csv(tmp_path: Path):
    sub, out = tmp_path / "submitted", tmp_path / "out"
    ids = ["=WEBSERVICE(A1)", "+1", "-1", "@SUM(A1)", "alice"]
    for student in ids:
        write_student(sub, student, "01_perceptron")
    done = run("grade", sub, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    with (out / "grades.csv").open(encoding="utf-8", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert {"'=WEBSERVICE(A1)", "'+1", "'-1", "'@SUM(A1)", "alice"} <= set(cells)
    assert all((out / s / "01_perceptron.json").is_file() for s in ids)


def test_student_ids_that_cannot_be_folders_in_out_are_skipped(tmp_path: Path):
    sub, out = tmp_path / "submitted", tmp_path / "out"
    bad = ["grades.csv", "GradeScope", "back\\slash", "tab\tname", "new\nline", "x" * 101]
    for student in [*bad, "alice", "y" * 100]:
        write_student(sub, student, "01_perceptron")
    done = run("grade", sub, "--out", out, "--quiet", "--format", "gradescope")
    assert done.returncode == 0, done.stderr
    skipped = [line for line in done.stderr.splitlines() if "Skipped the folder" in line]
    assert len(skipped) == len(bad), done.stderr
    assert (out / "grades.csv").is_file()
    assert {s for s, _ in rows(out)} == {"alice", "y" * 100}


def test_out_inside_submissions_is_not_graded_as_a_student(two_students: Path, tmp_path: Path):
    said = {"reports": "it is the output folder", "runs/1": "it holds the output folder",
            "alice/reports": None}  # alice's own folder holding OUT: she is still graded
    for i, (where, skipped) in enumerate(said.items()):
        sub = shutil.copytree(two_students, tmp_path / f"class{i}")
        out = sub / where
        for _ in range(2):  # the second run sees the reports of the first
            done = run("grade", sub, "--out", out, "--quiet")
            assert done.returncode == 0, done.stderr
        assert {s for s, _ in rows(out)} == {"alice", "bob"}, where
        assert skipped in done.stderr if skipped else done.stderr == "", done.stderr
    # the reports of an earlier run into SUBMISSIONS/reports, with another OUT now
    done = run("grade", tmp_path / "class0", "--out", tmp_path / "elsewhere", "--quiet")
    assert "it is the output folder of an earlier run" in done.stderr
    assert {s for s, _ in rows(tmp_path / "elsewhere")} == {"alice", "bob"}
    done = run("grade", two_students, "--out", two_students)
    assert done.returncode == 2
    assert "is the SUBMISSIONS folder" in one_line(done.stderr)


# --- 6. symbolic links are refused ----------------------------------------------------------

def test_symlinked_folders_score_zero_with_the_reason(tmp_path: Path):
    sub, out = tmp_path / "submitted", tmp_path / "out"
    write_student(sub, "honest", "01_perceptron", unfinished=True)
    (sub / "cheat").mkdir(parents=True)
    for aid in ("01_perceptron", "02_forward"):  # nobody really submitted 02_forward
        (sub / "cheat" / aid).symlink_to(paths.solutions_dir() / aid, target_is_directory=True)
    (sub / "alias").symlink_to(sub / "honest", target_is_directory=True)
    done = run("grade", sub, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    assert set(rows(out)) == {(s, "01_perceptron") for s in ("alias", "cheat", "honest")}
    for student in ("cheat", "alias"):
        record = json.loads((out / student / "01_perceptron.json").read_text())
        assert record["score"] == 0
        assert all("symbolic link" in c["message"] for c in record["checks"]), record


# --- 7. outputs do not count toward the notebook size limit ---------------------------------

def test_outputs_do_not_count_toward_the_size_limit(tmp_path: Path):
    sub, out = tmp_path / "submitted", tmp_path / "out"
    nb = student_notebook("01_perceptron")
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout",
                        "text": "loss 0.1234567\n" * (57 * 1024 * 1024 // 15)}]
    path = sub / "alice" / "01_perceptron" / "perceptron.ipynb"
    write_notebook(nb, path)
    assert path.stat().st_size > 57 * 1024 * 1024 > loader.MAX_NOTEBOOK_BYTES
    done = run("grade", sub, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    assert rows(out)[("alice", "01_perceptron")]["score"] == "9"


def test_code_over_the_limit_is_still_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    a = curriculum.get("01_perceptron")
    path = write_student(tmp_path, "alice", a.id)
    source = sum(len(c.source.encode()) for c in loader.read_cells(path))
    monkeypatch.setattr(loader, "MAX_NOTEBOOK_BYTES", source - 1)
    with pytest.raises(loader.NotebookError, match="bytes of source"):
        loader.read_cells(path)
    monkeypatch.setattr(loader, "MAX_NOTEBOOK_BYTES", source)
    monkeypatch.setattr(loader, "MAX_NOTEBOOK_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(loader.NotebookError, match="notebook file may have"):
        loader.read_cells(path)
