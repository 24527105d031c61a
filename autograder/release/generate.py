"""Generate `assignments/<lang>/` from `solutions/` with nbgrader's own generate_assignment.

The solutions are nbgrader source notebooks in English. For each language the notebook is first
rendered in it (autograder/i18n/notebooks.py: the prose from the language's catalog, the code shared,
the language recorded in metadata["scratchgrad"]["lang"]); then nbgrader replaces each solution
region with `# YOUR CODE HERE` / `raise NotImplementedError()`, clears outputs, locks read-only
cells and records checksums. The test cells' points come from the curriculum table (stamped
into the rendered copy). Files beside a notebook (its public tests) are copied as they are.

Layout: `assignments/en/01_perceptron/`, `assignments/ja/01_perceptron/`, ...: the folders of one
language sit side by side, so `from_assignment` finds an earlier notebook in the same language.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import curriculum, paths
from ..i18n import language
from ..i18n.messages import N_
from ..i18n.notebooks import render_assignment
from .points import notebook_bytes

# What nbgrader writes in place of a model answer (its default, "YOUR ANSWER HERE", is English).
ANSWER_STUBS: dict[str, str] = {"ja": "ここに答えを書いてください。"}

# What `scratchgrad release` prints when a notebook shows some units in English (template).
MSG_FALLBACK = N_("warning: {assignment} ({lang}): {missing} untranslated and {fuzzy} fuzzy "
                "paragraphs are shown in English; translate them in {catalog} "
                "(`python -m autograder.i18n.notebooks update` lists them)")


@dataclass(frozen=True)
class Fallback:
    """Units of one released notebook that are shown in English: untranslated or fuzzy."""

    assignment: str
    lang: str
    missing: tuple[str, ...]
    fuzzy: tuple[str, ...]


def _copy_source(source: Path, staging: Path, assignment_id: str, lang: str) -> Fallback:
    """solutions/<id>/ in `lang` into staging/<id>/: the rendered notebook and the other files."""
    a = curriculum.get(assignment_id)
    target = staging / assignment_id
    shutil.copytree(source / assignment_id, target,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    rendered = render_assignment(assignment_id, lang, solutions=source)
    (target / a.notebook).write_bytes(notebook_bytes(rendered.notebook, assignment_id))
    return Fallback(assignment_id, lang, tuple(rendered.missing), tuple(rendered.fuzzy))


def generate_release(dest: Path | None = None, assignment_ids: Iterable[str] | None = None,
                     source: Path | None = None, langs: Iterable[str] | None = None,
                     fallbacks: list[Fallback] | None = None) -> list[Path]:
    """Write the student release of each assignment to `dest/<lang>/<id>/`; return the folders.

    dest: defaults to the kit's assignments/ folder; every `dest/<lang>/<id>/` is replaced whole,
    so files removed from the solutions disappear from the release too.
    langs: default every supported language. fallbacks: if given, receives one Fallback per
    notebook that shows some of its prose in English (an untranslated or a fuzzy unit).
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    source = (source or paths.solutions_dir()).resolve()
    dest = (dest or paths.release_dir()).resolve()
    ids = list(assignment_ids or [a.id for a in curriculum.ASSIGNMENTS])
    langs = [language.check(lang) for lang in (langs or language.SUPPORTED)]
    for assignment_id in ids:
        curriculum.get(assignment_id)  # a clear error for an unknown id
        if not (source / assignment_id).is_dir():
            raise FileNotFoundError(f"no source folder {source / assignment_id}")

    written = []
    for lang in langs:
        (dest / lang).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="scratchgrad-release-") as tmp:
            staging, release = Path(tmp) / "source", Path(tmp) / "release"
            config = Config()
            config.CourseDirectory.root = tmp
            config.CourseDirectory.source_directory = str(staging)
            config.CourseDirectory.release_directory = str(release)
            config.GenerateAssignment.no_database = True  # the `--no-db` flag of the CLI
            config.SaveCells.enabled = False
            config.GenerateAssignment.force = True
            if lang in ANSWER_STUBS:
                config.ClearSolutions.text_stub = ANSWER_STUBS[lang]
            for assignment_id in ids:
                fallback = _copy_source(source, staging, assignment_id, lang)
                if fallbacks is not None and (fallback.missing or fallback.fuzzy):
                    fallbacks.append(fallback)
                config.CourseDirectory.assignment_id = assignment_id
                coursedir = CourseDirectory(config=config)
                app = GenerateAssignment(coursedir=coursedir, config=config)
                app.log.setLevel(logging.WARNING)
                app.start()
                target = dest / lang / assignment_id
                if target.exists():
                    shutil.rmtree(target)
                shutil.copytree(release / assignment_id, target)
                written.append(target)
    return written
