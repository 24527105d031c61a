"""Grading speed: scratchgrad against `nbgrader autograde`, side by side in one run.

Builds a synthetic class from the solutions and the mistake catalogue (tests/catalogue/):
each student has finished every assignment, a few with one or two known mistakes, some
with a notebook left as the untouched release. Then

1. grades the whole class with the engine (sandboxed, `--jobs` workers), and
2. runs a sample of the same notebooks through `nbgrader autograde` in a course made by
   `scratchgrad course init` (nbgrader executes each notebook in a kernel, one at a time),

and prints seconds per notebook for both and their ratio.

    python benchmarks/bench_grading.py [--students 100] [--jobs 2] [--nbgrader-students 2]
                                       [--baseline REV]

With --baseline REV the same class is also graded by the kit as it was at git revision REV
(checked out into a temporary worktree, run in a subprocess), so that a change's cost is a
ratio measured in one run on the same machine.

With --incremental the class is also graded by the `scratchgrad grade` command three times
into one OUT: the first run, a rerun of the unchanged class (every report reused), and a
rerun after one student changed one notebook. With --gradescope, Gradescope's
run_autograder (from `scratchgrad gradescope`'s zip, against a simulated /autograder) grades
one student's six notebooks, one run each, pinned to one core with `taskset`; the peak
memory is the largest sum of the resident memory of every process of the run (grader,
bubblewrap, zygote, workers), sampled every 10 ms.

Targets (issue #3): 100 students x 6 assignments in at most 60 s wall on 2 cores, and at
least 20x nbgrader autograde per notebook. Issue #13: the unchanged class's rerun at most
2 s for 600 notebooks; run_autograder at most 5 s per submission on one core (Gradescope
gives half a vCPU), within Gradescope's 768 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from autograder import curriculum
from autograder.collect.submissions import discover
from autograder.course.init import init_course
from autograder.demo import catalogue, student_notebook, write_notebook
from autograder.grade.engine import Options, grade_class


def build_class(root: Path, students: int, seed: int = 0) -> None:
    """SUBMISSIONS/<student>/<id>/<notebook>: 70% correct, 25% with a mistake, 5% release."""
    rng = random.Random(seed)
    mistakes = {a.id: [m for m in catalogue() if curriculum.assignment_of(m.unit).id == a.id]
                for a in curriculum.ASSIGNMENTS}
    for i in range(students):
        for a in curriculum.ASSIGNMENTS:
            roll = rng.random()
            if roll < 0.05:
                nb = student_notebook(a.id, unfinished=True)
            elif roll < 0.30 and mistakes[a.id]:
                nb = student_notebook(a.id, [rng.choice(mistakes[a.id])])
            else:
                nb = student_notebook(a.id)
            write_notebook(nb, root / f"s{i:03d}" / a.id / a.notebook)


def time_scratchgrad(submissions: Path, jobs: int) -> tuple[float, int, dict[str, list[float]]]:
    started = time.perf_counter()
    results = grade_class(discover(submissions), Options(jobs=jobs), progress=False)
    wall = time.perf_counter() - started
    per_assignment: dict[str, list[float]] = {}
    for r in results:
        per_assignment.setdefault(r.assignment, []).append(r.seconds)
    return wall, len(results), per_assignment


_BASELINE = """
import sys, time
from pathlib import Path
from autograder.collect.submissions import discover
from autograder.grade.engine import Options, grade_class
started = time.perf_counter()
results = grade_class(discover(Path(sys.argv[1])), Options(jobs=int(sys.argv[2])), progress=False)
print(time.perf_counter() - started, len(results))
"""


def time_baseline(submissions: Path, jobs: int, revision: str, work: Path) -> float:
    """Wall seconds for the kit at git `revision` to grade the same class."""
    root = Path(__file__).resolve().parents[1]
    tree = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=root,
                   check=True, capture_output=True)
    try:
        out = subprocess.run([sys.executable, "-c", _BASELINE, str(submissions), str(jobs)],
                             cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                             check=True, capture_output=True, text=True)
        return float(out.stdout.split()[-2])
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=root,
                       check=False, capture_output=True)


def time_nbgrader(submissions: Path, work: Path, students: int) -> dict[str, list[float]]:
    """Seconds per notebook for `nbgrader autograde`, one call per student and assignment."""
    env = {**os.environ,
           "PATH": f"{sysconfig.get_path('scripts')}{os.pathsep}{os.environ.get('PATH', '')}"}
    course = work / "course"
    init_course(course, "bench")
    for a in curriculum.ASSIGNMENTS:
        subprocess.run(["nbgrader", "generate_assignment", a.id], cwd=course, env=env,
                       check=True, capture_output=True)
    # nbgrader executes the notebooks in place: each assignment imports its siblings
    chosen = sorted(p.name for p in submissions.iterdir())[:students]
    for student in chosen:
        shutil.copytree(submissions / student, course / "submitted" / student)
    seconds: dict[str, list[float]] = {}
    for student in chosen:
        for a in curriculum.ASSIGNMENTS:
            started = time.perf_counter()
            subprocess.run(["nbgrader", "autograde", a.id, "--student", student, "--force"],
                           cwd=course, env=env, check=False, capture_output=True)
            seconds.setdefault(a.id, []).append(time.perf_counter() - started)
    return seconds


def _cli(*args: object, **kwargs: object) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), **kwargs.pop("env", {})}  # this checkout
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], env=env,
                          check=True, capture_output=True, text=True, **kwargs)


def time_incremental(submissions: Path, out: Path, jobs: int) -> dict[str, float]:
    """Wall seconds of `scratchgrad grade` (interpreter start included): first run, rerun
    of the unchanged class, rerun after one changed notebook."""
    times = {}
    for label in ("first run", "unchanged rerun", "one notebook changed"):
        if label == "one notebook changed":
            student = min(p.name for p in submissions.iterdir())
            write_notebook(student_notebook("02_forward", unfinished=True),
                           submissions / student / "02_forward" / "forward.ipynb")
        started = time.perf_counter()
        _cli("grade", submissions, "--out", out, "--jobs", jobs, "--quiet")
        times[label] = time.perf_counter() - started
    return times


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and every process below it (bubblewrap starts the sandbox
    in a session of its own, so the tree, not the session, is what counts)."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
        rss[int(entry)] = next((int(line.split()[1]) * 1024 for line in status.splitlines()
                                if line.startswith("VmRSS:")), 0)
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


def time_gradescope(submissions: Path, work: Path) -> dict[str, tuple[float, int, float]]:
    """assignment -> (wall seconds, peak bytes, score) of run_autograder on one core."""
    import json
    import zipfile

    from autograder.gradescope.layout import ROOT_VAR
    from autograder.gradescope.package import build_zip

    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    student = sorted(p.name for p in submissions.iterdir())[1]
    found = {}
    for a in curriculum.ASSIGNMENTS:
        root = work / "gradescope" / a.id
        with zipfile.ZipFile(build_zip(a.id, work / f"{a.id}.zip")) as zf:
            zf.extractall(root / "source")
        (root / "submission").mkdir()
        shutil.copy(submissions / student / a.id / a.notebook, root / "submission")
        env = {**os.environ, ROOT_VAR: str(root), "SCRATCHGRAD_PYTHON": sys.executable,
               "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        started = time.perf_counter()
        proc = subprocess.Popen([*pin, "bash", str(root / "source" / "run_autograder")],
                                env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.01)
        wall = time.perf_counter() - started
        score = json.loads((root / "results" / "results.json").read_text())["score"]
        found[a.id] = (wall, peak, score)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--nbgrader-students", type=int, default=2,
                        help="students whose six notebooks go through nbgrader autograde "
                             "(0 to skip)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also grade the class with the kit at this git revision")
    parser.add_argument("--incremental", action="store_true",
                        help="also time `scratchgrad grade` reruns into the same OUT")
    parser.add_argument("--gradescope", action="store_true",
                        help="also time run_autograder on one student's six notebooks")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="scratchgrad-bench-") as tmp:
        submissions = Path(tmp) / "submitted"
        t0 = time.perf_counter()
        build_class(submissions, args.students)
        print(f"built {args.students} students x {len(curriculum.ASSIGNMENTS)} notebooks "
              f"in {time.perf_counter() - t0:.1f} s")

        wall, notebooks, ours = time_scratchgrad(submissions, args.jobs)
        ours_per_nb = wall / notebooks
        print(f"\nscratchgrad grade: {notebooks} notebooks in {wall:.1f} s wall "
              f"with {args.jobs} jobs = {ours_per_nb:.3f} s per notebook")
        if args.baseline:
            base = time_baseline(submissions, args.jobs, args.baseline, Path(tmp))
            print(f"the kit at {args.baseline}: {base:.1f} s wall for the same class; "
                  f"this version takes {wall / base:.2f}x its time")
        if args.incremental:
            times = time_incremental(submissions, Path(tmp) / "out", args.jobs)
            print(f"\nscratchgrad grade into one OUT ({notebooks} notebooks, {args.jobs} jobs):")
            for label, seconds in times.items():
                print(f"  {label:<22}{seconds:8.2f} s")
            target = "meets" if times["unchanged rerun"] <= 2 * notebooks / 600 else "misses"
            print(f"  ({target} the target of 2 s per 600 unchanged notebooks)")
        if args.gradescope:
            runs = time_gradescope(submissions, Path(tmp))
            print("\nrun_autograder, one submission per assignment, pinned to one core:")
            print(f"  {'assignment':<15}{'wall s':>8}{'peak MiB':>10}{'score':>7}")
            for aid, (wall_s, peak, score) in runs.items():
                print(f"  {aid:<15}{wall_s:8.2f}{peak / 2**20:10.0f}{score:7g}")
            worst = max(w for w, _, _ in runs.values())
            top = max(p for _, p, _ in runs.values()) / 2**20
            print(f"  slowest {worst:.2f} s (target 5 s), largest peak {top:.0f} MiB "
                  f"(Gradescope's limit: 768 MB)")
        theirs: dict[str, list[float]] = {}
        if args.nbgrader_students:
            theirs = time_nbgrader(submissions, Path(tmp), args.nbgrader_students)

        print(f"\n{'assignment':<15}{'scratchgrad s/nb':>18}{'nbgrader s/nb':>16}")
        for a in curriculum.ASSIGNMENTS:
            mine = statistics.mean(ours[a.id])
            other = f"{statistics.mean(theirs[a.id]):16.2f}" if a.id in theirs else " " * 16
            print(f"{a.id:<15}{mine:18.3f}{other}")
        print("(scratchgrad per-notebook times are one worker's; the wall figure above "
              "counts the parallel jobs)")
        target = "meets" if wall <= 60 * notebooks / 600 else "misses"
        print(f"\nclass wall time: {wall:.1f} s for {notebooks} notebooks "
              f"({target} the target of 60 s per 600 notebooks)")
        if theirs:
            nb_per = statistics.mean(s for v in theirs.values() for s in v)
            ratio = nb_per / ours_per_nb
            print(f"nbgrader autograde: {nb_per:.2f} s per notebook, sequential, unsandboxed")
            print(f"ratio: scratchgrad is {ratio:.0f}x faster per notebook "
                  f"(target: at least 20x)")


if __name__ == "__main__":
    sys.exit(main())
