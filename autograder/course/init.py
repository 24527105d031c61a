"""`scratchgrad course init COURSE`: a working nbgrader course built from solutions/.

COURSE/nbgrader_config.py, COURSE/source/<id>/ (each solution notebook with its public
tests) and COURSE/gradebook.db. A course speaks one language (`--lang ja`): its source
notebooks are the solutions rendered in it, and nbgrader_config.py records it. From then on the instructor uses nbgrader's own commands
(generate_assignment, release_assignment, collect, zip_collect, generate_feedback, ...);
only grading goes through `scratchgrad grade --course`, so student code never runs in
nbgrader's kernel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import curriculum, paths
from ..i18n import language
from ..i18n.messages import _
from ..release.points import notebook_bytes
from .lms import FORMATS

CONFIG = "nbgrader_config.py"


def kit_source(assignment_id: str, lang: str, solutions: Path | None = None) -> dict[str, bytes]:
    """The files of COURSE/source/<id>/ in `lang`: the notebook and its public tests.

    English is the solutions' notebook; another language is the notebook rendered from its
    catalog (the same code, the prose translated, the language recorded). Either way the
    test cells' points are stamped from the curriculum table.
    """
    import json

    from ..i18n.notebooks import render_assignment

    a = curriculum.get(assignment_id)
    folder = (solutions or paths.solutions_dir()) / a.id
    if lang == language.SOURCE:
        nb = json.loads((folder / a.notebook).read_text(encoding="utf-8"))
    else:
        nb = render_assignment(a.id, lang, solutions=solutions).notebook
    return {a.notebook: notebook_bytes(nb, a.id),
            a.public_tests: (folder / a.public_tests).read_bytes()}


def course_lang(course: Path) -> str:
    """The language a course was created in (English for courses made before it was recorded)."""
    from .gradebook import load_course_config

    config = load_course_config(course)
    tag = config.Scratchgrad.lang if "lang" in config.Scratchgrad else language.SOURCE
    return language.check(str(tag))


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


def _config_text(course_id: str, exchange: Path | None, lms: str,
                 lang: str = language.SOURCE) -> str:
    lines = [
        "# nbgrader configuration written by `scratchgrad course init`.",
        "c = get_config()  # noqa: F821 - nbgrader provides get_config",
        "",
        f"c.CourseDirectory.course_id = {course_id!r}",
        "",
        "# The language of this course's notebooks: `scratchgrad course sync` and `check` use it.",
        f"c.Scratchgrad.lang = {lang!r}",
        "",
    ]
    from ..release.generate import ANSWER_STUBS

    if lang in ANSWER_STUBS:
        lines += ["# What generate_assignment writes in place of a model answer.",
                  f"c.ClearSolutions.text_stub = {ANSWER_STUBS[lang]!r}", ""]
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
                lms: str = "canvas", lang: str = language.SOURCE) -> Path:
    """Create the course folder in one language; return the path of its nbgrader_config.py."""
    try:
        lang = language.check(lang)
    except language.UnknownLanguage as exc:
        raise CourseError(str(exc)) from None
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
    for a in curriculum.ASSIGNMENTS:
        target = course / "source" / a.id
        target.mkdir(parents=True)
        for name, content in kit_source(a.id, lang).items():
            (target / name).write_bytes(content)
    config = course / CONFIG
    config.write_text(_config_text(course_id, exchange.resolve() if exchange else None, lms,
                                   lang), encoding="utf-8")
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
