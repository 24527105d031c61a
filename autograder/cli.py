"""The `scratchgrad` command: release, grade, demo and the nbgrader course workflow."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from .i18n.messages import N_, _, active, using
from .startup import skip_unused_slow_imports

MSG_OUT_IS_SUBMISSIONS = N_("The output folder {out} is the SUBMISSIONS folder; give --out a "
                            "folder of its own.")
MSG_ERROR = N_("scratchgrad: error: {message}")
MSG_INTERRUPTED = N_("scratchgrad: Interrupted; the reports of every student graded so far are "
                     "kept.")
MSG_TERMINATED = N_("scratchgrad: Terminated; the reports of every student graded so far are "
                    "kept.")

MSG_COURSE_CREATED = N_("Created the nbgrader course {course} ({config}, source/, gradebook.db).")
MSG_COURSE_NEXT = N_("Next, in {course}: `nbgrader db student import students.csv` (or "
                     "`nbgrader db student add ID`), `scratchgrad course check .`, then for each "
                     "assignment in order `nbgrader generate_assignment 02_forward` and `nbgrader "
                     "release_assignment 02_forward`.")
MSG_DEMO_KEPT = N_("The reports are kept in {out} (delete that folder when done, or choose the "
                   "folder with `scratchgrad demo --out DIR`); the demo's notebooks are "
                   "removed.")
MSG_RELEASE_INSIDE_WHEEL = N_("The kit's own curriculum is part of the installed package and is "
                            "not rewritten; give --dest DIR, or work on a copy (`scratchgrad "
                            "curriculum copy DIR`, then --curriculum DIR).")
MSG_DEST_EXISTS = N_("{dest} already exists; give a folder that does not exist yet.")
MSG_CURRICULUM_COPIED = N_("Copied the curriculum of {source} into {dest}. Edit it there and "
                         "give `--curriculum {dest}` to every scratchgrad command (or to "
                         "`scratchgrad course init`, which records it in the course).")
MSG_STUDENT_WHEEL = N_("Wrote {wheel}: the students' package (check(), `pytest assignments`, "
                     "from_assignment, the dataset loaders; no solution, hidden test or "
                     "rubric). Students install it with `pip install {wheel}`.")
MSG_GRADESCOPE_ZIP = N_("Wrote {zip}: upload it as the autograder of a Gradescope programming "
                      "assignment for {assignment} (Ubuntu base image); students upload "
                      "their notebook.")


class UsageError(Exception):
    """Bad usage or unusable input: printed as one line, exit status 2."""


def _release(args: argparse.Namespace) -> int:
    from . import paths
    from .i18n.notebooks import catalog_path
    from .release import generate_release
    from .release.generate import MSG_FALLBACK

    if args.dest is None and paths.current().root == paths.PACKAGED:
        raise UsageError(_(MSG_RELEASE_INSIDE_WHEEL))
    fallbacks: list = []
    written = generate_release(dest=args.dest, assignment_ids=args.assignment or None,
                               langs=args.lang or None, fallbacks=fallbacks)
    for folder in written:
        print(_("wrote {folder}").format(folder=folder))
    for f in fallbacks:
        print(_(MSG_FALLBACK).format(assignment=f.assignment, lang=f.lang,
                                     missing=len(f.missing), fuzzy=len(f.fuzzy),
                                     catalog=catalog_path(f.assignment, f.lang)),
              file=sys.stderr)
    return 0


def _grade(args: argparse.Namespace) -> int:
    from .collect.submissions import SubmissionsError, discover
    from .grade.engine import Options, count_by_status, grade_class, sort_results
    from .report import SubmissionWriter, prepare_out
    from .report.feedback import STATUS_TEXT
    from .report.reuse import MSG_REUSED, plan
    from .report.table import grade_table, warn_if_unsandboxed

    if args.course is not None:
        from .course.grade import grade_course

        return grade_course(args)
    if args.submissions is None or args.out is None:
        raise UsageError(_("grade needs SUBMISSIONS and --out OUT (or --course COURSE)"))
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(_("--out {out} exists and is not a folder").format(out=args.out))
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(_("--jobs must be at least 1"))
    if args.submissions.resolve() == args.out.resolve():
        raise UsageError(_(MSG_OUT_IS_SUBMISSIONS).format(out=args.out))
    try:
        folders = discover(args.submissions, args.assignment, out=args.out)
    except SubmissionsError as exc:
        raise UsageError(str(exc)) from None
    prepare_out(args.out)  # a read-only or full OUT stops here, before anything is graded
    options = Options(isolation=args.isolation)
    if args.jobs:
        options.jobs = args.jobs
    formats = args.format or []
    todo = plan(folders, args.out, options, formats, force=args.force)
    writer = SubmissionWriter(args.out, formats, bom=csv_bom(args))
    results = sort_results(todo.reused + grade_class(
        todo.to_grade, options, on_result=writer, progress=not args.quiet,
        reused=len(todo.reused)))
    writer.finish(results)
    if todo.reused and not args.quiet:
        print(_(MSG_REUSED).format(reused=len(todo.reused), total=len(results)), file=sys.stderr)
    warn_if_unsandboxed(results)
    if not args.quiet:
        print(grade_table(results))
        counts = count_by_status(results)
        print("\n" + _("{students} students, {notebooks} notebooks, checks: {counts}. Reports "
                       "in {out}/").format(
            students=len(folders), notebooks=len(results), out=args.out,
            counts=", ".join(f"{n} {_(STATUS_TEXT[s])}" for s, n in sorted(counts.items()))))
    return 0


def _course_init(args: argparse.Namespace) -> int:
    from .course.init import init_course

    config = init_course(args.course, args.course_id, args.exchange, args.lms, args.lang)
    course = config.parent
    print(_(MSG_COURSE_CREATED).format(course=course, config=config.name))
    print(_(MSG_COURSE_NEXT).format(course=course))
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
        print(_(MSG_CHECK_PROBLEMS).format(count=len(problems), course=course), file=sys.stderr)
        return 1
    if ids:
        print(_(MSG_CHECK_OK).format(course=course, assignments=", ".join(ids)))
    else:
        print(_(MSG_CHECK_NOTHING_STARTED).format(course=course))
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


def _gradescope(args: argparse.Namespace) -> int:
    from .gradescope.package import build_zip

    print(_(MSG_GRADESCOPE_ZIP).format(zip=build_zip(args.assignment, args.out, args.visibility),
                                    assignment=args.assignment))
    return 0


def _gradescope_run(args: argparse.Namespace) -> int:
    from .gradescope.run import run

    return run(args.root)


def _student_wheel(args: argparse.Namespace) -> int:
    from .release.wheels import student_wheel

    print(_(MSG_STUDENT_WHEEL).format(wheel=student_wheel(args.out)))
    return 0


def _curriculum_copy(args: argparse.Namespace) -> int:
    from . import paths

    if args.dest.exists():
        raise UsageError(_(MSG_DEST_EXISTS).format(dest=args.dest))
    source = paths.current()
    source.copy_to(args.dest)
    print(_(MSG_CURRICULUM_COPIED).format(source=source.root, dest=args.dest))
    return 0


def _demo(args: argparse.Namespace) -> int:
    import tempfile

    from .demo import build_class

    with tempfile.TemporaryDirectory(prefix="scratchgrad-demo-") as tmp:
        submissions = Path(tmp) / "submitted"
        build_class(submissions, lang=active())
        # The reports outlive the run (the printed path must still be there to open); only
        # the generated notebooks are removed.
        out = args.out or Path(tempfile.mkdtemp(prefix="scratchgrad-demo-reports-"))
        print(_("Grading the bundled demo class ({students}) against the hidden suites...").format(
            students=", ".join(sorted(p.name for p in submissions.iterdir()))))
        grade_args = argparse.Namespace(
            submissions=submissions, out=out, assignment=None, jobs=args.jobs, format=None,
            course=None, quiet=False, isolation=args.isolation, force=True,
            csv_bom=getattr(args, "csv_bom", None))
        code = _grade(grade_args)
        if args.out is None:
            print(_(MSG_DEMO_KEPT).format(out=out))
        return code


def _curriculum_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--curriculum", type=Path, metavar="DIR",
                        help="grade with the curriculum folder DIR (reference notebooks, "
                             "hidden suites, rubric; make one with `scratchgrad curriculum "
                             "copy DIR`) instead of the kit's own; with a course, the default "
                             "is the one `course init` recorded")


def _choose_curriculum(args: argparse.Namespace) -> None:
    """The curriculum of this run: --curriculum, else the course's recorded one, else the
    kit's own (or SCRATCHGRAD_CURRICULUM's)."""
    from . import paths

    folder = getattr(args, "curriculum", None)
    course = getattr(args, "course", None)
    creating = args.command == "course" and args.course_command == "init"
    if folder is None and course is not None and not creating:
        from .course.init import recorded_curriculum

        folder = recorded_curriculum(course)
    if folder is not None:
        paths.use(folder)


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
    _curriculum_option(release)
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
    grade.add_argument("--force", action="store_true",
                       help="grade every submission again, also those whose report in OUT is "
                            "from an unchanged notebook, hidden suite, reference, rubric and "
                            "kit (by default those reports are kept)")
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
    _curriculum_option(grade)
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
    _curriculum_option(init)
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
    _curriculum_option(check)
    check.set_defaults(run=_course_check)

    sync = course_commands.add_parser(
        "sync", help="copy edited solutions into COURSE/source/ and regenerate with nbgrader",
        description="After a curriculum change (solutions/<id>/, autograder/curriculum.toml, "
                    "autograder/hidden/test_<id>.py): check that each unit has its test cell, "
                    "that every check of the curriculum table has a hidden test and every "
                    "hidden test a table entry; if anything disagrees, print one line per "
                    "problem and change nothing. Otherwise copy the notebook (its test cells "
                    "worth the table's points) and its public tests into COURSE/source/<id>/ "
                    "and run nbgrader's generate_assignment --force, which updates the "
                    "gradebook's points. "
                    "Release it again and re-grade what was already collected.")
    sync.add_argument("course", type=Path, metavar="COURSE",
                      help="the course folder (the one holding nbgrader_config.py)")
    sync.add_argument("--assignment", action="extend", nargs="+", metavar="ID",
                      help="only these assignments (default: all six)")
    _curriculum_option(sync)
    sync.set_defaults(run=_course_sync)

    curriculum = commands.add_parser(
        "curriculum", help="copy the curriculum into a folder of your own",
        description="copy: write the curriculum in use (the kit's own, or --curriculum's) "
                    "into DEST as a curriculum folder: solutions/ (nbgrader source notebooks "
                    "and public tests), assignments/ (their release), hidden/ (the hidden "
                    "suites), curriculum.toml, demo_class.toml and catalogue/ (the demo's "
                    "mistakes). Keep it under your own version control.")
    curriculum_commands = curriculum.add_subparsers(dest="curriculum_command", required=True,
                                                    metavar="CURRICULUM_COMMAND")
    copy = curriculum_commands.add_parser("copy", help="copy the curriculum into DEST")
    copy.add_argument("dest", type=Path, metavar="DEST", help="a folder that does not exist")
    _curriculum_option(copy)
    copy.set_defaults(run=_curriculum_copy)

    gradescope = commands.add_parser(
        "gradescope", help="write Gradescope's autograder.zip for one assignment",
        description="Write autograder.zip for a Gradescope programming assignment: setup.sh "
                    "(installs bubblewrap with apt and the kit from the wheel in the zip), "
                    "run_autograder (grades the uploaded notebook in the sandbox and writes "
                    "results.json), the kit's wheel and the curriculum it grades with.")
    gradescope.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. 02_forward")
    gradescope.add_argument("-o", "--out", type=Path, default=Path("autograder.zip"),
                            metavar="ZIP", help="the zip to write (default: autograder.zip)")
    gradescope.add_argument("--visibility", choices=["visible", "after_due_date", "hidden"],
                            default="after_due_date",
                            help="when students see each check's result (default: "
                                 "after_due_date; the total score follows Gradescope's "
                                 "own setting)")
    _curriculum_option(gradescope)
    gradescope.set_defaults(run=_gradescope)

    gradescope_run = commands.add_parser(
        "gradescope-run", help="(inside Gradescope) grade ROOT/submission/, write results.json",
        description="What the autograder.zip's run_autograder runs: grade the notebook in "
                    "ROOT/submission/ and write ROOT/results/results.json, always (score 0 "
                    "and the reason when there is nothing to grade).")
    gradescope_run.add_argument("--root", type=Path, metavar="ROOT",
                                help="Gradescope's folder (default: "
                                     "$SCRATCHGRAD_GRADESCOPE_ROOT, else /autograder)")
    gradescope_run.set_defaults(run=_gradescope_run)

    wheel = commands.add_parser(
        "student-wheel", help="write the students' package (a wheel without solutions)",
        description="Write scratchgrad-student's wheel: what the students' notebooks and "
                    "public tests need (check(), the `pytest assignments` plugin, "
                    "from_assignment, the dataset loaders and the bundled sample), without "
                    "a reference solution, a hidden suite, the rubric or the grader.")
    wheel.add_argument("-o", "--out", type=Path, default=Path("."), metavar="DIR",
                       help="the folder to write the wheel into (default: this folder)")
    wheel.set_defaults(run=_student_wheel)

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
    _curriculum_option(demo)
    demo.set_defaults(run=_demo)
    _add_language_options(commands)
    return parser


def _add_language_options(commands: argparse._SubParsersAction) -> None:
    """--lang on every command (and sub-command); --csv-bom where grades.csv is written."""
    for name, sub in commands.choices.items():
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            _add_language_options(nested[0])
            continue
        if any("--lang" in a.option_strings for a in sub._actions):
            continue  # release and course init: --lang chooses their notebooks' language
        sub.add_argument("--lang", type=_language, metavar="LANG",
                         help="the language of messages and reports: en or ja (default: "
                              "SCRATCHGRAD_LANG, then the locale, then en); a student's "
                              "feedback is always in the language of their notebook")
        if name in ("grade", "demo"):
            sub.add_argument("--csv-bom", action=argparse.BooleanOptionalAction, default=None,
                             help="write grades.csv as UTF-8 with a byte order mark, which "
                                  "Excel needs to read Japanese names (default: with a BOM "
                                  "when the language is ja)")


def _language(tag: str) -> str:
    from .i18n import language

    try:
        return language.check(tag)
    except language.UnknownLanguage as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def csv_bom(args: argparse.Namespace) -> bool:
    """Whether grades.csv starts with a BOM: --csv-bom / --no-csv-bom, else in Japanese runs."""
    chosen = getattr(args, "csv_bom", None)
    return active() == "ja" if chosen is None else chosen


def main(argv: Sequence[str] | None = None) -> int:
    skip_unused_slow_imports()
    parser = build_parser()
    args = parser.parse_args(argv)
    from .course.init import CourseError
    from .i18n import language
    from .report import ReportError

    try:
        chosen = getattr(args, "lang", None)  # release's is a list of languages to write
        lang = language.resolve(chosen if isinstance(chosen, str) else None)
    except language.UnknownLanguage as exc:  # SCRATCHGRAD_LANG names no supported language
        print(MSG_ERROR.format(message=exc), file=sys.stderr)
        return 2
    with using(lang):
        try:
            _choose_curriculum(args)
            return args.run(args)
        except (UsageError, CourseError, ReportError, KeyError, FileNotFoundError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            print(_(MSG_ERROR).format(message=message), file=sys.stderr)
            return 2
        except KeyboardInterrupt as exc:  # grade.engine.Terminated (SIGTERM) is one too
            if getattr(exc, "signum", None) == signal.SIGTERM:
                print(_(MSG_TERMINATED), file=sys.stderr)
                return 128 + signal.SIGTERM
            print(_(MSG_INTERRUPTED), file=sys.stderr)
            return 130


if __name__ == "__main__":
    sys.exit(main())
