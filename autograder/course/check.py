"""`scratchgrad course check` and `scratchgrad course sync`: a course that grades what it says.

A curriculum change touches four places: the solution notebook (each unit's test cell),
its public tests, the curriculum table (autograder/curriculum.toml: the units, their
checks and points) and the hidden suite (autograder/hidden/test_<id>.py). The test cells'
points are stamped from the table into the course's copy, so they cannot disagree; a
missing cell, test or table entry makes a perfect student lose points. So:

- `solution_problems` compares them for one assignment, before anything is copied;
- `sync_course` copies the solutions into COURSE/source/ and regenerates the assignment
  with nbgrader (which updates the gradebook's points), or refuses with one line per
  problem and changes nothing;
- `course_problems` is the dry run (`course check`, and the start of `grade --course`):
  the assignment is in the gradebook with the rubric's points, the course's source is the
  kit's, every assignment it imports from is released, the exchange is usable.

Every problem is one line that ends with the command that fixes it.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

from .. import curriculum, paths
from ..i18n.messages import N_, _
from .init import CONFIG, CourseError, course_lang, kit_source

# Instructor-facing messages: whole sentences with named placeholders, for translation.
MSG_NO_NOTEBOOK = N_("{assignment}: {path} does not exist; restore it from git.")
MSG_NO_PUBLIC_TESTS = N_("{assignment}: {path} does not exist; restore it from git.")
MSG_BAD_NOTEBOOK = N_("{assignment}: {path} cannot be read ({reason}); fix the notebook.")
MSG_NO_CELL = N_("{assignment}: unit {unit} has no graded test cell (grade_id {grade_id}) in "
               "{path}; add one (its points, {points:g}, come from {rubric}).")
MSG_TWO_CELLS = N_("{assignment}: {path} has two test cells {grade_id}; keep one.")
MSG_EXTRA_CELL = N_("{assignment}: the test cell {grade_id} in {path} grades no unit of the "
                  "rubric; remove it, or give it checks in {rubric}.")
MSG_POINTS = N_("{assignment}: the test cell of unit {unit} in {path} declares {cell:g} points, "
              "but a unit's points are declared only in {rubric} ({rubric_points:g}); remove "
              "`points` from the cell's nbgrader metadata.")
MSG_NO_TEST = N_("{assignment}: the rubric's check {check} ({unit}) has no test "
               "test_{check} in {hidden}; add the test or remove the rubric entry.")
MSG_NO_RUBRIC = N_("{assignment}: the hidden test test_{check} in {hidden} has no entry in "
                 "{rubric}; add `{check} = POINTS` under [{assignment}.units.{unit}].")
MSG_NO_UNIT_MARK = N_("{assignment}: the hidden test test_{check} in {hidden} has no "
                    "@pytest.mark.unit(...); mark the unit it checks.")
MSG_NOT_A_COURSE = N_("{course} is not a course: there is no {config}; create it with "
                    "`scratchgrad course init {course}`.")
MSG_NO_GRADEBOOK = N_("{course} has no gradebook.db; run `nbgrader generate_assignment {assignment}` "
                    "in {course}.")
MSG_NOT_IN_GRADEBOOK = N_("{assignment}: nbgrader says \"No assignment with ID '{assignment}' "
                        "exists in the database\"; run `nbgrader generate_assignment "
                        "{assignment}` in {course} (before `nbgrader zip_collect` or "
                        "`nbgrader release_assignment`).")
MSG_SOURCE_DIFFERS = N_("{assignment}: {path} differs from the kit's {kit}; run `scratchgrad "
                      "course sync {course} --assignment {assignment}`.")
MSG_GRADEBOOK_POINTS = N_("{assignment}: the gradebook gives {grade_id} {gradebook:g} points but "
                        "the rubric gives {unit} {rubric_points:g}; run `scratchgrad course "
                        "sync {course} --assignment {assignment}`.")
MSG_GRADEBOOK_CELL = N_("{assignment}: the gradebook has no test cell {grade_id} for unit {unit}; "
                      "run `scratchgrad course sync {course} --assignment {assignment}`.")
MSG_IMPORT_NOT_RELEASED = N_("{assignment}: its notebook imports {units} from the student's own "
                           "{dependency}, which is not released ({missing}); run `nbgrader "
                           "generate_assignment {dependency}` and `nbgrader release_assignment "
                           "{dependency}` in {course} before releasing {assignment}.")
MSG_NO_EXCHANGE = N_("The exchange {root} does not exist yet, so students cannot fetch or "
                   "submit; `nbgrader release_assignment` creates it writable by everyone "
                   "where it may, or run `sudo mkdir -p {root} && sudo chmod 1777 {root}` (or "
                   "set c.Exchange.root in {config}).")
MSG_EXCHANGE_CLOSED = N_("The exchange {root} is not writable by everyone (mode {mode}), so "
                       "students cannot fetch or submit; run `sudo chmod 1777 {root}`.")
MSG_UNKNOWN_STUDENT = N_("{assignment}: student {student} in {submitted} is not in the gradebook, "
                       "and grading adds them without a name; add the name first with "
                       "`nbgrader db student add {student} --last-name NAME --first-name NAME` "
                       "in {course}, or remove {submitted}/{student} if they are not in the "
                       "course.")
MSG_OLD_FEEDBACK = N_("{config} does not set c.GenerateFeedback.preprocessors, so nbgrader's "
                    "feedback shows each unit's score as a stray `Out[ ]` and cuts long hints "
                    "off; add `from autograder.course.gradebook import FeedbackOutputs` and "
                    "`c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, "
                    "FeedbackOutputs]` (imported from nbgrader.preprocessors and "
                    "nbconvert.preprocessors).")
MSG_NEWER_IN_EXCHANGE = N_("{assignment}: student {student} submitted again at {timestamp}, after "
                         "the collected submission of {collected}; run `nbgrader collect "
                         "--update {assignment}` in {course} before grading, or the old one is "
                         "graded.")
MSG_NOT_COLLECTED = N_("{assignment}: student {student} submitted at {timestamp} but it is not "
                     "collected; run `nbgrader collect {assignment}` in {course}.")
MSG_CHECK_OK = N_("{course} is ready to grade {assignments}: no problem found.")
MSG_CHECK_NOTHING_STARTED = N_("No problem found in {course}; no assignment is generated yet "
                             "(next: `nbgrader generate_assignment 02_forward`).")
MSG_CHECK_PROBLEMS = N_("Problems found in {course}: {count}; each line above says how to fix it.")
MSG_SYNC_REFUSED = N_("Nothing was copied into {course}; problems to fix first: {count}.")
MSG_GENERATE_FAILED = N_("{assignment}: nbgrader generate_assignment failed: {reason}; the "
                       "course's source/ is as it was; fix it and run `scratchgrad course sync "
                       "{course} --assignment {assignment}` again.")
MSG_SUBMITTED_BEFORE = N_("{assignment}: submissions collected before this change: {count}; "
                        "re-grade them with `scratchgrad grade --course {course} --assignment "
                        "{assignment}`, and release it again with `nbgrader release_assignment "
                        "{assignment} --force`.")
MSG_SYNCED = N_("Synced {assignment} into {source} and regenerated {release}.")

DEFAULT_EXCHANGE = "/usr/local/share/nbgrader/exchange"  # nbgrader's Exchange.root default


@dataclass(frozen=True)
class Problem:
    """One line for the instructor; `blocking` problems make grading give wrong scores."""

    text: str
    blocking: bool = True


def _rubric_path() -> Path:
    return paths.current().rubric


def _hidden_path(assignment_id: str) -> Path:
    return paths.current().hidden_suite(assignment_id)


def _rubric_table(assignment_id: str) -> dict[str, dict[str, float]]:
    return curriculum.get(assignment_id).checks


def _hidden_tests(path: Path) -> dict[str, str | None]:
    """test name without `test_` -> the unit of its @pytest.mark.unit, read without importing."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, str | None] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
            continue
        unit = None
        for deco in node.decorator_list:
            if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                    and deco.func.attr == "unit" and deco.args
                    and isinstance(deco.args[0], ast.Constant)):
                unit = deco.args[0].value
        found[node.name.removeprefix("test_")] = unit
    return found


def notebook_cells(path: Path) -> dict[str, list[float | None]]:
    """grade_id -> the points of every automatically graded code cell with that id (None:
    the cell declares none, as a solution notebook's test cells should)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells: dict[str, list[float]] = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        # the automatic test cells; a graded answer cell (solution too) is marked by hand
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            points = meta.get("points")
            cells.setdefault(meta.get("grade_id", ""), []).append(
                None if points is None else float(points))
    return cells


def solution_problems(assignment_id: str, solutions: Path | None = None) -> list[Problem]:
    """Do the solution notebook's points, the rubric and the hidden suite agree?"""
    a = curriculum.get(assignment_id)
    folder = (solutions or paths.solutions_dir()) / a.id
    nb_path, rubric, hidden = folder / a.notebook, _rubric_path(), _hidden_path(a.id)
    about = {"assignment": a.id, "path": nb_path, "rubric": rubric, "hidden": hidden}
    problems = []
    if not (folder / a.public_tests).is_file():
        problems.append(Problem(_(MSG_NO_PUBLIC_TESTS).format(**{**about,
                                                              "path": folder / a.public_tests})))
    if not nb_path.is_file():
        return problems + [Problem(_(MSG_NO_NOTEBOOK).format(**about))]
    try:
        cells = notebook_cells(nb_path)
    except (OSError, ValueError) as exc:
        return problems + [Problem(_(MSG_BAD_NOTEBOOK).format(**about, reason=exc))]
    table = _rubric_table(a.id)
    for unit in a.units:
        grade_id = curriculum.grade_cell_id(unit)
        points = sum(table.get(unit, {}).values())
        if grade_id not in cells:
            problems.append(Problem(_(MSG_NO_CELL).format(**about, unit=unit, grade_id=grade_id,
                                                       points=points)))
        elif len(cells[grade_id]) > 1:
            problems.append(Problem(_(MSG_TWO_CELLS).format(**about, grade_id=grade_id)))
        elif cells[grade_id][0] is not None:
            problems.append(Problem(_(MSG_POINTS).format(**about, unit=unit, cell=cells[grade_id][0],
                                                      rubric_points=points)))
    for grade_id in cells:
        if curriculum.unit_of_grade_cell(grade_id) not in a.units:
            problems.append(Problem(_(MSG_EXTRA_CELL).format(**about, grade_id=grade_id)))
    tests = _hidden_tests(hidden) if hidden.is_file() else {}
    for unit, entries in table.items():
        for check in entries:
            if check not in tests:
                problems.append(Problem(_(MSG_NO_TEST).format(**about, check=check, unit=unit)))
    in_rubric = {c for entries in table.values() for c in entries}
    for check, unit in tests.items():
        if unit is None:
            problems.append(Problem(_(MSG_NO_UNIT_MARK).format(**about, check=check)))
        elif check not in in_rubric:
            problems.append(Problem(_(MSG_NO_RUBRIC).format(**about, check=check, unit=unit)))
    return problems


def _content_differs(path: Path, content: bytes) -> bool:
    try:
        return path.read_bytes() != content
    except OSError:
        return True


def _gradebook_problems(course: Path, assignment_id: str, gb) -> list[Problem]:
    from nbgrader.api import MissingEntry

    a = curriculum.get(assignment_id)
    about = {"assignment": a.id, "course": course}
    try:
        assignment = gb.find_assignment(a.id)
    except MissingEntry:
        return [Problem(_(MSG_NOT_IN_GRADEBOOK).format(**about))]
    cells = {c.name: c.max_score for nb in assignment.notebooks for c in nb.grade_cells}
    from ..grade import rubric

    problems = []
    for unit, points in rubric.unit_points(a.id).items():
        grade_id = curriculum.grade_cell_id(unit)
        if grade_id not in cells:
            problems.append(Problem(_(MSG_GRADEBOOK_CELL).format(**about, grade_id=grade_id,
                                                              unit=unit)))
        elif float(cells[grade_id]) != points:
            problems.append(Problem(_(MSG_GRADEBOOK_POINTS).format(
                **about, grade_id=grade_id, gradebook=float(cells[grade_id]), unit=unit,
                rubric_points=points)))
    return problems


def _exchange_root(course: Path) -> tuple[str, bool]:
    """Exchange.root from the course's config, and whether the config sets it."""
    from .gradebook import load_course_config

    config = load_course_config(course)
    if "Exchange" in config and "root" in config.Exchange:
        return str(config.Exchange.root), True
    return DEFAULT_EXCHANGE, False


def _released(course: Path, course_id: str, root: str | None, assignment_id: str) -> bool:
    """Released to students: in the exchange's outbound folder (root given), or, a course
    without an exchange (an LMS), generated into release/ to be uploaded."""
    if root is not None:
        return (Path(root) / course_id / "outbound" / assignment_id).is_dir()
    return (course / "release" / assignment_id).is_dir()


def course_problems(course: Path, assignment_ids: list[str],
                    submitted_students: dict[str, list[str]] | None = None) -> list[Problem]:
    """The dry run: every problem with the course, one line each (nothing is changed).

    submitted_students (assignment -> student ids) adds a line for each submission whose
    student is not in the gradebook."""
    from nbgrader.api import Gradebook

    course = course.resolve()
    if not (course / CONFIG).is_file():
        return [Problem(_(MSG_NOT_A_COURSE).format(course=course, config=CONFIG))]
    problems: list[Problem] = []
    for assignment_id in assignment_ids:
        curriculum.get(assignment_id)
    if not (course / "gradebook.db").is_file():
        return [Problem(_(MSG_NO_GRADEBOOK).format(course=course,
                                                assignment=(assignment_ids or ["ID"])[0]))]
    from .gradebook import load_course_config

    config = load_course_config(course)
    course_id = str(config.CourseDirectory.course_id) if "course_id" in config.CourseDirectory \
        else course.name
    root, configured = _exchange_root(course)
    kit = paths.solutions_dir()
    lang = course_lang(course)
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course / 'gradebook.db'}",
                                              course_id=course_id) as gb:
        warnings.simplefilter("ignore")
        known_students = {s.id for s in gb.students}
        for assignment_id in assignment_ids:
            a = curriculum.get(assignment_id)
            about = {"assignment": a.id, "course": course}
            problems += solution_problems(a.id)
            for name, content in kit_source(a.id, lang).items():
                mine = course / "source" / a.id / name
                if _content_differs(mine, content):
                    problems.append(Problem(_(MSG_SOURCE_DIFFERS).format(
                        **about, path=mine, kit=kit / a.id / name), blocking=False))
            problems += _gradebook_problems(course, a.id, gb)
            for dependency, units in a.imports.items():
                exchange = root if configured or Path(root).is_dir() else None
                if not _released(course, course_id, exchange, dependency):
                    missing = "not generated" if not (course / "release" / dependency).is_dir() \
                        else "not in the exchange"
                    problems.append(Problem(_(MSG_IMPORT_NOT_RELEASED).format(
                        **about, units=", ".join(units), dependency=dependency,
                        missing=missing), blocking=False))
            if configured or Path(root).is_dir():
                problems += _uncollected(course, course_id, root, a.id)
            for student in (submitted_students or {}).get(a.id, []):
                if student not in known_students:
                    problems.append(Problem(_(MSG_UNKNOWN_STUDENT).format(
                        **about, student=student, submitted=course / "submitted"),
                        blocking=False))
    if "FeedbackOutputs" not in (course / CONFIG).read_text(encoding="utf-8"):
        problems.append(Problem(_(MSG_OLD_FEEDBACK).format(config=course / CONFIG), blocking=False))
    if configured or Path(root).exists():
        problems += _exchange_problems(root, course)
    return problems


def _uncollected(course: Path, course_id: str, root: str, assignment_id: str
                 ) -> list[Problem]:
    """Submissions in the exchange that are newer than what `nbgrader collect` brought."""
    from nbgrader.utils import parse_utc

    inbound = Path(root) / course_id / "inbound"
    latest: dict[str, object] = {}
    try:
        names = [p.name for p in inbound.iterdir()]
    except OSError:
        return []
    for name in names:
        parts = name.split("+")
        if len(parts) < 3 or parts[1] != assignment_id:
            continue
        try:
            stamp = parse_utc(parts[2])
        except ValueError:
            continue
        if parts[0] not in latest or stamp > latest[parts[0]]:
            latest[parts[0]] = stamp
    problems = []
    about = {"assignment": assignment_id, "course": course}
    for student, stamp in sorted(latest.items()):
        collected_file = course / "submitted" / student / assignment_id / "timestamp.txt"
        try:
            collected = parse_utc(collected_file.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            problems.append(Problem(_(MSG_NOT_COLLECTED).format(**about, student=student,
                                                             timestamp=stamp), blocking=False))
            continue
        if stamp > collected:
            problems.append(Problem(_(MSG_NEWER_IN_EXCHANGE).format(
                **about, student=student, timestamp=stamp, collected=collected),
                blocking=False))
    return problems


def _exchange_problems(root: str, course: Path) -> list[Problem]:
    path = Path(root)
    if not path.is_dir():
        return [Problem(_(MSG_NO_EXCHANGE).format(root=root, config=course / CONFIG),
                        blocking=False)]
    mode = path.stat().st_mode
    everyone = stat.S_IWOTH | stat.S_IXOTH | stat.S_IROTH
    if mode & everyone != everyone or not os.access(path, os.W_OK | os.X_OK):
        return [Problem(_(MSG_EXCHANGE_CLOSED).format(root=root, mode=oct(mode & 0o7777)),
                        blocking=False)]
    return []


def course_assignments(course: Path) -> list[str]:
    """The assignments a course has started: generated, or collected by zip_collect."""
    return [a.id for a in curriculum.ASSIGNMENTS
            if (course / "release" / a.id).is_dir()
            or any((course / "submitted").glob(f"*/{a.id}"))]


def submitted_students(course: Path, assignment_ids: list[str]) -> dict[str, list[str]]:
    submitted = course / "submitted"
    found: dict[str, list[str]] = {}
    for assignment_id in assignment_ids:
        found[assignment_id] = sorted(
            p.name for p in submitted.iterdir() if (p / assignment_id).is_dir()
        ) if submitted.is_dir() else []
    return found


def sync_course(course: Path, assignment_ids: list[str]) -> list[str]:
    """Copy the kit's solutions into COURSE/source/ and regenerate each assignment with
    nbgrader; return the lines to print. Raises CourseError (one line per problem) and
    changes nothing when the notebook's points, the rubric and the hidden suite disagree."""
    course = course.resolve()
    if not (course / CONFIG).is_file():
        raise CourseError(_(MSG_NOT_A_COURSE).format(course=course, config=CONFIG))
    problems = [p for a in assignment_ids for p in solution_problems(a)]
    if problems:
        raise CourseError("\n".join([_(MSG_SYNC_REFUSED).format(course=course,
                                                             count=len(problems))]
                                    + [p.text for p in problems]))
    lang = course_lang(course)
    lines = []
    for assignment_id in assignment_ids:
        a = curriculum.get(assignment_id)
        target = course / "source" / a.id
        target.mkdir(parents=True, exist_ok=True)
        old = {name: (target / name).read_bytes() if (target / name).is_file() else None
               for name in (a.notebook, a.public_tests)}
        for name, content in kit_source(a.id, lang).items():
            tmp = target / f".{name}.sync"
            tmp.write_bytes(content)
            os.replace(tmp, target / name)
        reason = _generate(course, a.id)
        if reason is not None:
            for name, content in old.items():  # the source nbgrader still has in its gradebook
                if content is None:
                    (target / name).unlink(missing_ok=True)
                else:
                    (target / name).write_bytes(content)
            raise CourseError(_(MSG_GENERATE_FAILED).format(assignment=a.id, reason=reason,
                                                         course=course))
        lines.append(_(MSG_SYNCED).format(assignment=a.id, source=target,
                                       release=course / "release" / a.id))
        count = len(submitted_students(course, [a.id])[a.id])
        if count:
            lines.append(_(MSG_SUBMITTED_BEFORE).format(assignment=a.id, count=count,
                                                     course=course))
    return lines


def _generate(course: Path, assignment_id: str) -> str | None:
    """nbgrader generate_assignment --force in the course; None, or nbgrader's reason."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    from .gradebook import _ErrorLog, load_course_config

    config = load_course_config(course)
    config.CourseDirectory.assignment_id = assignment_id
    config.GenerateAssignment.force = True
    coursedir = CourseDirectory(config=config)
    app = GenerateAssignment(coursedir=coursedir, config=config)
    errors = _ErrorLog()
    app.log.setLevel(logging.ERROR)
    app.log.addHandler(errors)
    app.log.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            app.start()
    except Exception as exc:  # noqa: BLE001 - nbgrader raises its own types, or plain ones
        return errors.reason() or (errors.messages[-1:] or [str(exc) or type(exc).__name__])[0]
    finally:
        app.log.removeHandler(errors)
    return None
