"""`scratchgrad grade --course COURSE --assignment ID [--student S]`.

Grades COURSE/submitted/ with the engine (the same as `scratchgrad grade` on that folder),
keeps the reports in COURSE/scratchgrad/ (or --out), and records every unit's score in
nbgrader's gradebook and autograded/ notebooks, ready for formgrader, generate_feedback
and export.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import curriculum
from ..cli import csv_bom
from ..collect.submissions import StudentFolder, SubmissionsError, discover
from ..grade.engine import Options, grade_class
from ..i18n.messages import N_, _
from ..report import SubmissionWriter, prepare_out
from ..report.table import Manual, grade_table, warn_if_unsandboxed
from .check import MSG_NOT_A_COURSE, course_problems, submitted_students
from .gradebook import autograde_into_gradebook
from .init import CONFIG, CourseError

MSG_NOT_RECORDED = N_("scratchgrad: nbgrader could not record {student}/{assignment} (nbgrader "
                      "says: {reason}), so its automatic grades are not in the gradebook "
                      "(formgrader lists it as needing manual grading); the scratchgrad report "
                      "is in {out}; fix it and run `scratchgrad grade --course {course} "
                      "--assignment {assignment} --student {student}`.")
MSG_NEEDS_ASSIGNMENT = N_("grade --course needs --assignment ID (the assignments to grade, "
                          "for example --assignment 02_forward).")
MSG_BOTH = N_("Give either SUBMISSIONS or --course COURSE, not both.")
MSG_NOT_READY = N_("Nothing was graded: problems in {course} that would record wrong scores: "
                   "{count} (see `scratchgrad course check {course}`).")
MSG_NO_SUBMITTED = N_("{submitted} does not exist: run `nbgrader collect ID` or `nbgrader "
                      "zip_collect ID` first.")
MSG_NO_STUDENT_FOLDER = N_("There is no submitted folder for student {students} in {submitted}; "
                           "run `nbgrader collect --update ID` (or `nbgrader zip_collect --force "
                           "ID`) first.")
MSG_NOBODY = N_("Nobody has submitted {assignments} in {submitted}: run `nbgrader collect ID` or "
                "`nbgrader zip_collect ID` first.")
MSG_NOT_READY_ONE = N_("Nothing was graded: {problem}")
MSG_WARNING = N_("scratchgrad: warning: {message}")
MSG_SUMMARY = N_("\nSubmissions recorded in {gradebook}: {recorded}; reports in {out}/. Next: "
                 "`nbgrader generate_feedback`, `nbgrader export`.")


def course_folders(course: Path, assignment_ids: list[str], students: list[str] | None,
                   out: Path | None = None) -> list[StudentFolder]:
    """The submissions nbgrader knows of: submitted/<student>/<id>/ folders that exist.
    `out`, the report folder, is never taken for a student."""
    submitted = course / "submitted"
    if not submitted.is_dir():
        raise CourseError(_(MSG_NO_SUBMITTED).format(submitted=submitted))
    try:
        folders = discover(submitted, assignment_ids, out=out)
    except SubmissionsError as exc:
        raise CourseError(str(exc)) from None
    if students:
        known = {f.student_id for f in folders}
        unknown = [s for s in students if s not in known]
        if unknown:
            raise CourseError(_(MSG_NO_STUDENT_FOLDER).format(students=", ".join(unknown),
                                                           submitted=submitted))
        folders = [f for f in folders if f.student_id in students]
    for folder in folders:
        folder.submissions = [s for s in folder.submissions
                              if (submitted / folder.student_id / s.assignment_id).is_dir()]
    folders = [f for f in folders if f.submissions]
    if not folders:
        raise CourseError(_(MSG_NOBODY).format(assignments=", ".join(assignment_ids),
                                            submitted=submitted))
    return folders


def gradebook_view(course: Path, assignment_ids: list[str], students: list[str] | None
                   ) -> tuple[list[str], dict[tuple[str, str], Manual]]:
    """The gradebook's roster (or `students`) and every submission's manually graded
    questions: points given, maximum, and points still waiting for formgrader."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    manual: dict[tuple[str, str], Manual] = {}
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        warnings.simplefilter("ignore")
        roster = sorted(s.id for s in gb.students) if not students else list(students)
        for assignment_id in assignment_ids:
            for student in roster:
                try:
                    sub = gb.find_submission(assignment_id, student)
                except MissingEntry:
                    continue
                score = maximum = pending = 0.0
                for nb in sub.notebooks:
                    for g in nb.grades:
                        if curriculum.unit_of_grade_cell(g.cell.name) is not None:
                            continue  # a unit's test cell: the engine's score
                        maximum += g.max_score
                        if g.needs_manual_grade and g.manual_score is None:
                            pending += g.max_score
                        else:
                            score += g.score
                manual[(student, assignment_id)] = Manual(
                    score, maximum, pending, sub.late_submission_penalty or 0.0)
    return roster, manual


def grade_course(args: argparse.Namespace) -> int:
    """Grade, write the reports as each student finishes, then record every student
    nbgrader can read in the gradebook. Returns 1 when some could not be recorded (each is
    named on stderr), 0 otherwise."""
    course = args.course.resolve()
    if not (course / CONFIG).is_file():
        raise CourseError(_(MSG_NOT_A_COURSE).format(course=course, config=CONFIG))
    if not args.assignment:
        raise CourseError(_(MSG_NEEDS_ASSIGNMENT))
    if args.submissions is not None:
        raise CourseError(_(MSG_BOTH))
    assignment_ids = list(dict.fromkeys(args.assignment))
    # The dry run of `course check` first: nothing is graded or written when the gradebook
    # cannot take the scores (nbgrader's own reason, and the command that fixes it).
    submitted = submitted_students(course, assignment_ids)
    problems = course_problems(course, assignment_ids, submitted)
    blocking = [p.text for p in problems if p.blocking]
    if len(blocking) == 1:
        raise CourseError(_(MSG_NOT_READY_ONE).format(problem=blocking[0]))
    if blocking:
        raise CourseError("\n".join([_(MSG_NOT_READY).format(course=course, count=len(blocking))]
                                     + blocking))
    if not args.quiet:  # --quiet: only errors (the warnings are `course check`'s too)
        for problem in problems:
            print(_(MSG_WARNING).format(message=problem.text), file=sys.stderr)
    out = (args.out or course / "scratchgrad").resolve()
    folders = course_folders(course, assignment_ids, args.student, out)
    not_recorded = 0
    prepare_out(out)  # a read-only or full OUT stops here, before anything is graded
    options = Options(isolation=args.isolation)
    if args.jobs:
        options.jobs = args.jobs
    writer = SubmissionWriter(out, args.format or [], bom=csv_bom(args))
    results = grade_class(folders, options, on_result=writer, progress=not args.quiet)
    writer.finish(results)
    warn_if_unsandboxed(results)
    for assignment_id in dict.fromkeys(r.assignment for r in results):
        students = [r.student_id for r in results if r.assignment == assignment_id]
        for student, reason in autograde_into_gradebook(course, assignment_id, students, out):
            print(_(MSG_NOT_RECORDED).format(student=student, assignment=assignment_id,
                                          reason=reason, out=out / student, course=course),
                  file=sys.stderr)
            not_recorded += 1
    if not args.quiet:
        roster, manual = gradebook_view(course, assignment_ids, args.student)
        print(grade_table(results, roster, assignment_ids, manual))
        print(_(MSG_SUMMARY).format(recorded=len(results) - not_recorded,
                                 gradebook=course / "gradebook.db", out=out))
    return 1 if not_recorded else 0
