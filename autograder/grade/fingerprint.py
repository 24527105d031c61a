"""What a grade depends on, as one hash: a result is reused while its hash is unchanged.

A submission's grade depends on its notebook's bytes, on the assignment's hidden suite,
reference notebook (and those of the assignments it imports from) and rubric, on the kit
that grades (its version and its own code) and on the grading options that change
results (isolation, limits, time budgets). `submission_fingerprint` hashes all of them; the
JSON record of a graded submission keeps it (`AssignmentResult.fingerprint`), and a rerun
into the same OUT reuses a record whose fingerprint matches instead of grading again
(`scratchgrad grade --force` grades everything).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path

from .. import __version__, curriculum, paths
from ..collect.submissions import Submission
from . import rubric

PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def kit_hash() -> str:
    """The grading kit: its version and every module of it (a change of code without a new
    version, in a clone, counts too)."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" not in path.parts and paths.PACKAGED not in path.parents:
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def _file_hash(h: hashlib._Hash, path: Path) -> None:
    h.update(str(path.name).encode() + b"\0")
    h.update(path.read_bytes() if path.is_file() else b"<missing>")


@functools.cache
def assignment_hash(assignment_id: str) -> str:
    """The assignment's hidden suite, rubric and reference notebooks (its own and those of
    the assignments it imports from, directly or not), with the kit."""
    a = curriculum.get(assignment_id)
    chosen = paths.current()
    h = hashlib.sha256(kit_hash().encode())
    _file_hash(h, chosen.hidden_suite(a.id))
    h.update(repr(rubric.checks(a.id)).encode())
    for aid in (a.id, *curriculum.upstream(a.id)):
        _file_hash(h, paths.solutions_dir() / aid / curriculum.get(aid).notebook)
    return h.hexdigest()


def submission_fingerprint(sub: Submission, options: object) -> str:
    """The hash of everything `sub`'s grade depends on (see the module's docstring).

    `options`: the engine's Options; all of its fields but the number of jobs count."""
    h = hashlib.sha256(assignment_hash(sub.assignment_id).encode())
    settings = {k: v for k, v in dataclasses.asdict(options).items() if k != "jobs"}
    h.update(repr(sorted(settings.items())).encode())
    h.update(sub.student_id.encode() + b"\0")
    if sub.cells is not None and sub.path.is_file() and not sub.path.is_symlink():
        h.update(b"notebook\0" + sub.path.read_bytes())
    else:
        h.update(b"problem\0" + str(sub.problem).encode())
    return h.hexdigest()
