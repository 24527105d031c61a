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

MSG_COURSE_CREATED = "Created the nbgrader course {course} ({config}, source/, gradebook.db)."
MSG_COURSE_NEXT = ("Next, in {course}: `nbgrader db student import students.csv` (or `nbgrader "
                   "db student add ID`), `scratchgrad course check .`, then for each assignment "
                   "in order `nbgrader generate_assignment 02_forward` and `nbgrader "
                   "release_assignment 02_forward`.")
MSG_DEMO_KEPT = ("The reports are kept in {out} (delete that folder when done, or choose the "
                 "folder with `scratchgrad demo --out DIR`); the demo's notebooks are removed.")


class UsageError(Exception):
    """Bad usage or unusable input: printed as one line, exit status 2."""


def _release(args: argparse.Namespace) -> int:
    from .i18n.notebooks import catalog_path
    from .release import generate_release
    from .release.generate import MSG_FALLBACK

    fallbacks: list = []
    written = generate_release(dest=args.dest, assignment_ids=args.assignment or None,
                               langs=args.lang or None, fallbacks=fallbacks)
    for folder in written:
        print(f"wrote {folder}")
    for f in fallbacks:
        print(MSG_FALLBACK.format(assignment=f.assignment, lang=f.lang, missing=len(f.missing),
                                  fuzzy=len(f.fuzzy), catalog=catalog_path(f.assignment, f.lang)),
              file=sys.stderr)
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

    config = init_course(args.course, args.course_id, args.exchange, args.lms, args.lang)
    course = config.parent
    print(MSG_COURSE_CREATED.format(course=course, config=config.name))
    print(MSG_COURSE_NEXT.format(course=course))
    return 0


def _course_check(args: argparse.Namespace) -> int:
    from .course.check import (
        MSG_CHECK_NOTHING_STARTED,
        MSG_CHECK_OK,
        MSG_CHECK_PROBLEMS,
        course_assignments,
        course_problems,
        submitted_students,
    )

    course = args.course.resolve()
    ids = args.assignment or course_assignments(course)
    problems = course_problems(course, ids, submitted_students(course, ids))
    for problem in problems:
        print(problem.text)
    if problems:
        print(MSG_CHECK_PROBLEMS.format(count=len(problems), course=course), file=sys.stderr)
        return 1
    if ids:
        print(MSG_CHECK_OK.format(course=course, assignments=", ".join(ids)))
    else:
        print(MSG_CHECK_NOTHING_STARTED.format(course=course))
    return 0


def _course_sync(args: argparse.Namespace) -> int:
    from .course.check import sync_course

    ids = args.assignment or [a.id for a in _curriculum().ASSIGNMENTS]
    for line in sync_course(args.course, ids):
        print(line)
    return 0


def _languages() -> tuple[str, ...]:
    from .i18n.language import SUPPORTED

    return SUPPORTED


def _curriculum():
    from . import curriculum

    return curriculum


def _demo(args: argparse.Namespace) -> int:
    import tempfile

    from .demo import build_class

    with tempfile.TemporaryDirectory(prefix="scratchgrad-demo-") as tmp:
        submissions = Path(tmp) / "submitted"
        build_class(submissions)
        # The reports outlive the run (the printed path must still be there to open); only
        # the generated notebooks are removed.
        out = args.out or Path(tempfile.mkdtemp(prefix="scratchgrad-demo-reports-"))
        print(f"Grading the bundled demo class ({', '.join(sorted(p.name for p in submissions.iterdir()))})"
              f" against the hidden suites...")
        grade_args = argparse.Namespace(
            submissions=submissions, out=out, assignment=None, jobs=args.jobs, format=None,
            course=None, quiet=False, isolation=args.isolation)
        code = _grade(grade_args)
        if args.out is None:
            print(MSG_DEMO_KEPT.format(out=out))
        return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scratchgrad",
        description="Auto-graded exercise kit for Deep Learning from Scratch courses.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"scratchgrad {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser(
        "release", help="regenerate the student release (assignments/<lang>/) from solutions/")
    release.add_argument("--dest", type=Path, default=None,
                         help="write DEST/<lang>/<id>/ instead of the kit's assignments/ folder")
    release.add_argument("--lang", action="append", choices=_languages(),
                         help="only this language (repeatable; default: every language)")
    release.add_argument("--assignment", action="append", metavar="ID",
                         help="only this assignment (repeatable)")
    release.set_defaults(run=_release)

    grade = commands.add_parser(
        "grade", help="grade a class of submitted notebooks",
        description="Grade SUBMISSIONS/<student_id>/<assignment_id>/<notebook>.ipynb with the "
                    "hidden suites, in a sandbox, and write grades.csv (merged with the rows "
                    "already there), a JSON record and an HTML feedback page per submission "
                    "into OUT. With --course COURSE instead: check the course first (as "
                    "`scratchgrad course check`), grade COURSE/submitted/ and record every "
                    "unit's score in nbgrader's gradebook.")
    grade.add_argument("submissions", type=Path, nargs="?", metavar="SUBMISSIONS",
                       help="folder of SUBMISSIONS/<student_id>/<assignment_id>/<notebook>.ipynb "
                            "(nbgrader's submitted/ layout); not with --course")
    grade.add_argument("--out", type=Path, metavar="OUT",
                       help="folder for the reports (required with SUBMISSIONS; with --course "
                            "the default is COURSE/scratchgrad)")
    grade.add_argument("--assignment", action="extend", nargs="+", metavar="ID",
                       help="only these assignments (default: every one submitted; required "
                            "with --course)")
    grade.add_argument("--jobs", type=int, metavar="N",
                       help="students graded in parallel (default: the number of cores)")
    grade.add_argument("--format", action="append", choices=["gradescope"],
                       help="also write Gradescope's results.json per submission")
    grade.add_argument("--course", type=Path, metavar="COURSE",
                       help="grade an nbgrader course's submitted/ folder into its gradebook "
                            "(run `nbgrader collect --update ID` first to pick up resubmissions)")
    grade.add_argument("--student", action="append", metavar="S",
                       help="with --course: only this student (repeatable)")
    grade.add_argument("--isolation", choices=["auto", "bwrap", "none"], default="auto",
                       help="auto (default): bubblewrap if it can run, else a plain "
                            "subprocess with a warning in every report; bwrap: refuse to "
                            "grade without it; none: a plain subprocess that keeps the memory, "
                            "CPU, time and output limits and the seccomp filter but can read "
                            "the machine's files (hidden tests included), use its network "
                            "and write to its /tmp")
    grade.add_argument("--quiet", action="store_true",
                       help="no progress bar, no table and, with --course, no warnings "
                            "(errors are still printed; `scratchgrad course check` lists the "
                            "warnings)")
    grade.set_defaults(run=_grade)

    course = commands.add_parser(
        "course", help="set up, check and update an nbgrader course that uses the kit",
        description="init: create the course; check: find what would make grading go wrong; "
                    "sync: push a curriculum change into the course. Grading is `scratchgrad "
                    "grade --course COURSE --assignment ID`.")
    course_commands = course.add_subparsers(dest="course_command", required=True,
                                            metavar="COURSE_COMMAND")
    init = course_commands.add_parser(
        "init", help="create COURSE: nbgrader_config.py, source/ from solutions/, gradebook.db",
        description="Create an nbgrader course folder that grades with the kit: "
                    "nbgrader_config.py (course id, exchange, LMS collection rules, the "
                    "export and feedback plugins), source/<id>/ for all six assignments and "
                    "an empty gradebook.db. Then, in COURSE: add the students (`nbgrader db "
                    "student add` or `import`), and for each assignment in order (02 and 03 "
                    "before 04, 04 before 05 and 06) `nbgrader generate_assignment ID` and "
                    "`nbgrader release_assignment ID`.")
    init.add_argument("course", type=Path, metavar="COURSE",
                      help="the folder to create (it must not already be a course)")
    init.add_argument("--course-id", help="nbgrader's course id (default: COURSE's folder name)")
    init.add_argument("--exchange", type=Path, metavar="DIR",
                      help="the exchange folder that release_assignment, fetch_assignment, "
                           "submit and collect share; students need it too, writable by "
                           "everyone (chmod 1777), and the same path in their nbgrader "
                           "config (default: nbgrader's, /usr/local/share/nbgrader/exchange)")
    init.add_argument("--lms", choices=["canvas", "moodle"], default="canvas",
                      help="file-name pattern for `nbgrader zip_collect` (default: canvas)")
    init.add_argument("--lang", choices=_languages(), default="en",
                      help="the language of the course's notebooks (default: en); a Japanese "
                           "course's source/ holds the solutions rendered in Japanese")
    init.set_defaults(run=_course_init)

    check = course_commands.add_parser(
        "check", help="find what would make grading COURSE go wrong; changes nothing",
        description="A dry run, also done at the start of `scratchgrad grade --course`: each "
                    "assignment is in the gradebook with the rubric's points per unit, the "
                    "kit's notebook, rubric and hidden suite agree, COURSE/source/ is the "
                    "kit's, every assignment a notebook imports from (from_assignment) is "
                    "released, every submitting student is in the gradebook and the exchange "
                    "is writable by everyone. Prints one line per problem with the command "
                    "that fixes it; exit status 1 when there is any.")
    check.add_argument("course", type=Path, metavar="COURSE",
                       help="the course folder (the one holding nbgrader_config.py)")
    check.add_argument("--assignment", action="extend", nargs="+", metavar="ID",
                       help="only these assignments (default: every one generated or "
                            "collected in COURSE)")
    check.set_defaults(run=_course_check)

    sync = course_commands.add_parser(
        "sync", help="copy edited solutions into COURSE/source/ and regenerate with nbgrader",
        description="After a curriculum change (solutions/<id>/, autograder/grade/rubric.toml, "
                    "autograder/hidden/test_<id>.py): check that each unit's test-cell points "
                    "equal its checks in the rubric and that every rubric check has a hidden "
                    "test and every hidden test a rubric entry; if anything disagrees, print "
                    "one line per problem and change nothing. Otherwise copy the notebook and "
                    "its public tests into COURSE/source/<id>/ and run nbgrader's "
                    "generate_assignment --force, which updates the gradebook's points. "
                    "Release it again and re-grade what was already collected.")
    sync.add_argument("course", type=Path, metavar="COURSE",
                      help="the course folder (the one holding nbgrader_config.py)")
    sync.add_argument("--assignment", action="extend", nargs="+", metavar="ID",
                      help="only these assignments (default: all six)")
    sync.set_defaults(run=_course_sync)

    demo = commands.add_parser(
        "demo", help="grade the bundled demo class and print the table",
        description="Write five students' notebooks (finished, untouched, typical mistakes), "
                    "grade them in the sandbox like `scratchgrad grade` and print the table.")
    demo.add_argument("--out", type=Path, metavar="OUT",
                      help="write the reports here (default: a new folder under the "
                           "temporary directory, kept and printed at the end)")
    demo.add_argument("--jobs", type=int, metavar="N",
                      help="students graded in parallel (default: the number of cores)")
    demo.add_argument("--isolation", choices=["auto", "bwrap", "none"], default="auto",
                      help="as for `scratchgrad grade` (see `scratchgrad grade --help`)")
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
