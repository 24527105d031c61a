"""Generate `assignments/` from `solutions/` with nbgrader's own generate_assignment.

The solutions are nbgrader source notebooks: nbgrader replaces each solution region with
`# YOUR CODE HERE` / `raise NotImplementedError()`, clears outputs, locks read-only cells
and records checksums. Files beside a notebook (its public tests) are copied as they are.
The test cells' points come from the curriculum table (stamped into a copy of the source).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .. import curriculum, paths
from .points import write_stamped


def generate_release(dest: Path | None = None, assignment_ids: Iterable[str] | None = None,
                     source: Path | None = None) -> list[Path]:
    """Write the student release of each assignment to `dest/<id>/`; return the folders.

    dest: defaults to the kit's assignments/ folder; every `dest/<id>/` is replaced whole,
    so files removed from the solutions disappear from the release too.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    source = (source or paths.solutions_dir()).resolve()
    dest = (dest or paths.assignments_dir()).resolve()
    ids = list(assignment_ids or [a.id for a in curriculum.ASSIGNMENTS])
    for assignment_id in ids:
        curriculum.get(assignment_id)  # a clear error for an unknown id
        if not (source / assignment_id).is_dir():
            raise FileNotFoundError(f"no source folder {source / assignment_id}")

    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="scratchgrad-release-") as tmp:
        stamped = Path(tmp) / "source"
        for assignment_id in ids:
            a = curriculum.get(assignment_id)
            shutil.copytree(source / a.id, stamped / a.id,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
            write_stamped(source / a.id / a.notebook, stamped / a.id / a.notebook, a.id)
        release = Path(tmp) / "release"
        config = Config()
        config.CourseDirectory.root = str(source.parent)
        config.CourseDirectory.source_directory = str(stamped)
        config.CourseDirectory.release_directory = str(release)
        config.GenerateAssignment.no_database = True  # the `--no-db` flag of the CLI
        config.SaveCells.enabled = False
        config.GenerateAssignment.force = True
        for assignment_id in ids:
            config.CourseDirectory.assignment_id = assignment_id
            coursedir = CourseDirectory(config=config)
            app = GenerateAssignment(coursedir=coursedir, config=config)
            app.log.setLevel(logging.WARNING)
            app.start()
            target = dest / assignment_id
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(release / assignment_id, target)
            written.append(target)
    return written
