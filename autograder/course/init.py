"""`scratchgrad course init COURSE`: a working nbgrader course built from solutions/.

COURSE/nbgrader_config.py, COURSE/source/<id>/ (each solution notebook with its public
tests) and COURSE/gradebook.db. From then on the instructor uses nbgrader's own commands
(generate_assignment, release_assignment, collect, zip_collect, generate_feedback, ...);
only grading goes through `scratchgrad grade --course`, so student code never runs in
nbgrader's kernel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import curriculum, paths
from ..i18n.messages import _
from ..release.points import source_bytes
from .lms import FORMATS

CONFIG = "nbgrader_config.py"


class CourseError(Exception):
    """The course folder cannot be used: printed as one line."""


def recorded_curriculum(course: Path) -> Path | None:
    """The curriculum folder `course init --curriculum` recorded in COURSE's config."""
    if not (course / CONFIG).is_file():
        return None
    from .gradebook import load_course_config

    section = load_course_config(course.resolve()).get("Scratchgrad", {})
    folder = section.get("curriculum") if hasattr(section, "get") else None
    return Path(folder) if folder else None


def _config_text(course_id: str, exchange: Path | None, lms: str) -> str:
    lines = [
        "# nbgrader configuration written by `scratchgrad course init`.",
        "c = get_config()  # noqa: F821 - nbgrader provides get_config",
        "",
        f"c.CourseDirectory.course_id = {course_id!r}",
        "",
    ]
    if exchange is not None:
        lines += ["# The folder that release_assignment, fetch_assignment, submit and collect share.",
                  f"c.Exchange.root = {str(exchange)!r}", ""]
    chosen = paths.current()
    if chosen.root != (paths.ROOT if paths.is_clone() else paths.PACKAGED):
        lines += ["# The curriculum (reference notebooks, hidden suites, rubric) every scratchgrad",
                  "# command uses for this course; `--curriculum DIR` overrides it.",
                  f"c.Scratchgrad.curriculum = {str(chosen.root)!r}", ""]
    fmt = FORMATS[lms]
    lines += [
        f"# `nbgrader zip_collect` reads {fmt.title}'s download from downloaded/<id>/archive/.",
        f"# Student ids in the gradebook must be {fmt.student_ids}.",
        f"# A file counts only where {fmt.title} writes the uploader's id: {fmt.form}.",
        "# Anything else (a student's zip, a file in a folder) is skipped with its reason.",
        'c.ZipCollectApp.extractor_plugin = "autograder.course.collector.LmsExtractorPlugin"',
        'c.ZipCollectApp.collector_plugin = "autograder.course.collector.LmsCollectorPlugin"',
        f"c.LmsDownload.lms = {lms!r}",
        "",
        "# `nbgrader generate_feedback`: each unit's messages wrapped, no stray score output.",
        "from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402",
        "from nbgrader.preprocessors import GetGrades  # noqa: E402",
        "",
        "from autograder.course.gradebook import FeedbackOutputs  # noqa: E402",
        "",
        "c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, FeedbackOutputs]",
        "",
        "# `nbgrader export`: one column per graded unit beside nbgrader's own columns.",
        'c.ExportApp.plugin_class = "autograder.course.export.UnitScoresExportPlugin"',
        "",
        "# Grade with `scratchgrad grade --course . --assignment ID`, not `nbgrader autograde`:",
        "# it runs student code in a sandbox and writes the scores into this gradebook.",
        "# Late penalties: set c.LateSubmissionPlugin.penalty_method as in any nbgrader course.",
        "",
    ]
    return "\n".join(lines)


def init_course(course: Path, course_id: str | None = None, exchange: Path | None = None,
                lms: str = "canvas") -> Path:
    """Create the course folder; return the path of its nbgrader_config.py."""
    if lms not in FORMATS:
        raise CourseError(_("unknown LMS {lms}; known: {known}").format(
            lms=repr(lms), known=", ".join(FORMATS)))
    course = course.resolve()
    if course.exists() and not course.is_dir():
        raise CourseError(_("{course} exists and is not a folder").format(course=course))
    for taken in (CONFIG, "source", "gradebook.db"):
        if (course / taken).exists():
            raise CourseError(_("{path} already exists: {course} is already a course").format(
                path=course / taken, course=course))
    course_id = course_id or course.name
    if not course_id.replace("_", "").replace("-", "").isalnum():
        raise CourseError(_("course id {course_id} may hold only letters, digits, '-' and "
                            "'_'").format(course_id=repr(course_id)))
    _check_alembic()

    course.mkdir(parents=True, exist_ok=True)
    solutions = paths.solutions_dir()
    for a in curriculum.ASSIGNMENTS:
        target = course / "source" / a.id
        target.mkdir(parents=True)
        for name in (a.notebook, a.public_tests):
            (target / name).write_bytes(source_bytes(solutions / a.id, name, a.id))
    config = course / CONFIG
    config.write_text(_config_text(course_id, exchange.resolve() if exchange else None, lms),
                      encoding="utf-8")
    _create_gradebook(course, course_id)
    return config


def _check_alembic() -> None:
    if shutil.which("alembic") is None:
        import sysconfig

        raise CourseError(_(
            "nbgrader needs the `alembic` command to create its gradebook, and it is not on "
            "PATH; it is installed with nbgrader in {folder}: add that folder to PATH").format(
                folder=sysconfig.get_path("scripts")))


def _create_gradebook(course: Path, course_id: str) -> None:
    from nbgrader.api import Gradebook

    # Creating it now surfaces a broken nbgrader set-up here, not at the first release.
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=course_id):
        pass
