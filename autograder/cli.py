"""The `scratchgrad` command: release, grade, demo and the nbgrader course workflow."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

MSG_OUT_IS_SUBMISSIONS = ("The output folder {out} is the SUBMISSIONS folder; give --out a "
                          "folder of its own.")
MSG_ERROR = "scratchgrad: error: {message}"
MSG_INTERRUPTED = "scratchgrad: Interrupted; the reports of every student graded so far are kept."
MSG_TERMINATED = ("scratchgrad: Terminated; the reports of every student graded so far are "
                  "kept.")


class UsageError(Exception):
    """Bad usage or unusable input: printed as one line, exit status 2."""


def _release(args: argparse.Namespace) -> int:
    from .release import generate_release

    written = generate_release(dest=args.dest, assignment_ids=args.assignment or None)
    for folder in written:
        print(f"wrote {folder}")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from .collect.submissions import SubmissionsError, discover
    from .grade.engine import Options, count_by_status, grade_class
    from .report import SubmissionWriter, prepare_out
    from .report.table import grade_table, warn_if_unsandboxed

    if args.course is not None:
        from .course.grade import grade_course

        return grade_course(args)
    if args.submissions is None or args.out is None:
        raise UsageError("grade needs SUBMISSIONS and --out OUT (or --course COURSE)")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} exists and is not a folder")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.submissions.resolve() == args.out.resolve():
        raise UsageError(MSG_OUT_IS_SUBMISSIONS.format(out=args.out))
    try:
        folders = discover(args.submissions, args.assignment, out=args.out)
    except SubmissionsError as exc:
        raise UsageError(str(exc)) from None
    prepare_out(args.out)  # a read-only or full OUT stops here, before anything is graded
    options = Options(isolation=args.isolation)
    if args.jobs:
        options.jobs = args.jobs
    writer = SubmissionWriter(args.out, args.format or [])
    results = grade_class(folders, options, on_result=writer, progress=not args.quiet)
    writer.finish(results)
    warn_if_unsandboxed(results)
    if not args.quiet:
        print(grade_table(results))
        counts = count_by_status(results)
        print(f"\n{len(folders)} students, {len(results)} notebooks, checks: "
              + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
              + f". Reports in {args.out}/")
    return 0


def _course_init(args: argparse.Namespace) -> int:
    from .course.init import init_course

    config = init_course(args.course, args.course_id, args.exchange, args.lms)
    course = config.parent
    print(f"Created the nbgrader course {course} ({config.name}, source/, gradebook.db).")
    print(f"Next, in {course}: `nbgrader db student add ID`, `nbgrader generate_assignment "
          "02_forward`, `nbgrader release_assignment 02_forward`.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    import tempfile

    from .demo import build_class

    with tempfile.TemporaryDirectory(prefix="scratchgrad-demo-") as tmp:
        submissions = Path(tmp) / "submitted"
        build_class(submissions)
        out = args.out or Path(tmp) / "out"
        print(f"Grading the bundled demo class ({', '.join(sorted(p.name for p in submissions.iterdir()))})"
              f" against the hidden suites...")
        grade_args = argparse.Namespace(
            submissions=submissions, out=out, assignment=None, jobs=args.jobs, format=None,
            course=None, quiet=False, isolation=args.isolation)
        code = _grade(grade_args)
        if args.out is None:
            print("(run `scratchgrad demo --out DIR` to keep the reports)")
        return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scratchgrad",
        description="Auto-graded exercise kit for Deep Learning from Scratch courses.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser(
        "release", help="regenerate the student release (assignments/) from solutions/")
    release.add_argument("--dest", type=Path, default=None,
                         help="write here instead of the kit's assignments/ folder")
    release.add_argument("--assignment", action="append", metavar="ID",
                         help="only this assignment (repeatable)")
    release.set_defaults(run=_release)

    grade = commands.add_parser(
        "grade", help="grade a class of submitted notebooks",
        description="Grade SUBMISSIONS/<student_id>/<assignment_id>/<notebook>.ipynb with the "
                    "hidden suites, in a sandbox, and write grades.csv, a JSON record and an "
                    "HTML feedback page per submission into OUT.")
    grade.add_argument("submissions", type=Path, nargs="?", metavar="SUBMISSIONS")
    grade.add_argument("--out", type=Path, metavar="OUT")
    grade.add_argument("--assignment", action="extend", nargs="+", metavar="ID",
                       help="only these assignments (default: every one submitted)")
    grade.add_argument("--jobs", type=int, metavar="N",
                       help="students graded in parallel (default: the number of cores)")
    grade.add_argument("--format", action="append", choices=["gradescope"],
                       help="also write Gradescope's results.json per submission")
    grade.add_argument("--course", type=Path, metavar="COURSE",
                       help="grade an nbgrader course's submitted/ folder into its gradebook")
    grade.add_argument("--student", action="append", metavar="S",
                       help="with --course: only this student (repeatable)")
    grade.add_argument("--isolation", choices=["auto", "bwrap", "none"], default="auto",
                       help="sandbox student code with bubblewrap (auto: if available)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    grade.set_defaults(run=_grade)

    course = commands.add_parser("course", help="set up an nbgrader course that uses the kit")
    course_commands = course.add_subparsers(dest="course_command", required=True,
                                            metavar="COURSE_COMMAND")
    init = course_commands.add_parser(
        "init", help="create COURSE: nbgrader_config.py, source/ from solutions/, gradebook.db")
    init.add_argument("course", type=Path, metavar="COURSE")
    init.add_argument("--course-id", help="nbgrader's course id (default: COURSE's folder name)")
    init.add_argument("--exchange", type=Path, metavar="DIR",
                      help="the exchange folder for release/fetch/submit/collect "
                           "(default: nbgrader's, /srv/nbgrader/exchange)")
    init.add_argument("--lms", choices=["canvas", "moodle"], default="canvas",
                      help="file-name pattern for `nbgrader zip_collect` (default: canvas)")
    init.set_defaults(run=_course_init)

    demo = commands.add_parser("demo", help="grade the bundled demo class and print the table")
    demo.add_argument("--out", type=Path, help="keep the reports in this folder")
    demo.add_argument("--jobs", type=int, metavar="N")
    demo.add_argument("--isolation", choices=["auto", "bwrap", "none"], default="auto")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .course.init import CourseError
    from .report import ReportError

    try:
        return args.run(args)
    except (UsageError, CourseError, ReportError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(MSG_ERROR.format(message=message), file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # grade.engine.Terminated (SIGTERM) is one too
        if getattr(exc, "signum", None) == signal.SIGTERM:
            print(MSG_TERMINATED, file=sys.stderr)
            return 128 + signal.SIGTERM
        print(MSG_INTERRUPTED, file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
