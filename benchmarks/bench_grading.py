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

Targets (issue #3): 100 students x 6 assignments in at most 60 s wall on 2 cores, and at
least 20x nbgrader autograde per notebook.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--nbgrader-students", type=int, default=2,
                        help="students whose six notebooks go through nbgrader autograde "
                             "(0 to skip)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also grade the class with the kit at this git revision")
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
