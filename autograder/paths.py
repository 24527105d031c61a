"""Where the curriculum is: the one place that knows its folders.

A curriculum is the reference notebooks (`solutions/`), their student release, the hidden
suites, the rubric, the demo class and the catalogue of mistakes the demo draws from. It
lives in one of two layouts:

- a clone of the kit's repository (the editable install): `solutions/`, `assignments/`,
  `autograder/hidden/`, `autograder/curriculum.toml`, `examples/demo_class.toml`,
  `tests/catalogue/`;
- a curriculum folder: `solutions/`, `assignments/`, `hidden/`, `curriculum.toml`,
  `demo_class.toml`, `catalogue/`. A built wheel ships the kit's own as
  `autograder/_curriculum/`; an instructor keeps a copy of their own anywhere
  (`scratchgrad curriculum copy DIR`, then `--curriculum DIR` on every command).

Every path of the curriculum is derived from `current()`; `use()` chooses it (the CLI's
`--curriculum`, or the SCRATCHGRAD_CURRICULUM environment variable).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The folder holding the `autograder` and `dataset` packages: the clone, or site-packages.
ROOT = PACKAGE.parent
PACKAGED = PACKAGE / "_curriculum"
ENV_VAR = "SCRATCHGRAD_CURRICULUM"

# Where each part of a curriculum lives: (in a clone, in a curriculum folder).
LAYOUT = {
    "solutions": ("solutions", "solutions"),
    "release": ("assignments", "assignments"),
    "hidden": ("autograder/hidden", "hidden"),
    # The curriculum table: assignments, units, hidden checks and points (curriculum.py).
    "rubric": ("autograder/curriculum.toml", "curriculum.toml"),
    "demo_class": ("examples/demo_class.toml", "demo_class.toml"),
    "catalogue": ("tests/catalogue", "catalogue"),
}
# What a curriculum folder must hold to be graded with (the rest is for the demo).
REQUIRED = ("solutions", "hidden", "rubric")


class CurriculumError(FileNotFoundError):
    """A folder given as a curriculum is not one: printed as one line."""


@dataclass(frozen=True)
class Curriculum:
    """The folders and files of one curriculum (see the module's docstring)."""

    root: Path
    solutions: Path
    release: Path
    hidden: Path
    rubric: Path
    demo_class: Path
    catalogue: Path

    @classmethod
    def in_clone(cls, root: Path) -> Curriculum:
        root = root.resolve()
        return cls(root, **{part: root / where[0] for part, where in LAYOUT.items()})

    @classmethod
    def in_folder(cls, root: Path) -> Curriculum:
        root = root.resolve()
        found = cls(root, **{part: root / where[1] for part, where in LAYOUT.items()})
        for part in REQUIRED:
            if not getattr(found, part).exists():
                # imported here: setup.py loads this module on its own, outside the package
                from .i18n.messages import _

                raise CurriculumError(_(
                    "{folder} is not a curriculum folder: it has no {missing} (make one with "
                    "`scratchgrad curriculum copy {folder}`).").format(folder=root,
                                                                      missing=LAYOUT[part][1]))
        return found

    def hidden_suite(self, assignment_id: str) -> Path:
        return self.hidden / f"test_{assignment_id}.py"

    def copy_to(self, dest: Path, assignment_ids: list[str] | None = None) -> Path:
        """Write this curriculum as a curriculum folder `dest` (which must not exist);
        `assignment_ids`: only these assignments' notebooks and hidden suites."""
        dest.mkdir(parents=True)
        skip = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
        for part, (_clone, name) in LAYOUT.items():
            src = getattr(self, part)
            if not src.exists():
                continue
            if src.is_file():
                shutil.copy2(src, dest / name)
            elif part in ("solutions", "release") and assignment_ids is not None:
                # the release holds one folder per language: release/<lang>/<id>/
                tops = [Path()] if part == "solutions" else [
                    Path(lang.name) for lang in sorted(src.iterdir()) if lang.is_dir()]
                for top in tops:
                    for aid in assignment_ids:
                        if (src / top / aid).is_dir():
                            shutil.copytree(src / top / aid, dest / name / top / aid,
                                            ignore=skip)
            elif part == "hidden" and assignment_ids is not None:
                (dest / name).mkdir()
                for f in src.iterdir():
                    if f.name == "pytest.ini" or f.stem.removeprefix("test_") in assignment_ids:
                        shutil.copy2(f, dest / name / f.name)
            else:
                shutil.copytree(src, dest / name, ignore=skip)
        init = dest / LAYOUT["hidden"][1] / "__init__.py"
        if init.exists():  # hidden/ is a folder of test files, not a package of the kit's
            init.unlink()
        return dest


def is_clone() -> bool:
    """Whether the kit runs from a clone of its repository (a wheel has no
    autograder/hidden/ and nothing beside its packages)."""
    return (PACKAGE / "hidden").is_dir() and (ROOT / "solutions").is_dir()


def default() -> Curriculum:
    """The kit's own curriculum: the clone's, else the one the wheel ships."""
    return Curriculum.in_clone(ROOT) if is_clone() else Curriculum.in_folder(PACKAGED)


_current: Curriculum | None = None


def use(folder: Path | None) -> Curriculum:
    """Grade with the curriculum folder `folder` (None: the kit's own, or
    SCRATCHGRAD_CURRICULUM's) from now on, in this process and the ones it starts."""
    global _current
    if folder is None:
        _current = None
        os.environ.pop(ENV_VAR, None)
        return current()
    _current = Curriculum.in_folder(Path(folder))
    os.environ[ENV_VAR] = str(_current.root)
    _follow_table(_current)
    return _current


def current() -> Curriculum:
    """The curriculum in use."""
    global _current
    if _current is None:
        chosen = os.environ.get(ENV_VAR)
        _current = Curriculum.in_folder(Path(chosen)) if chosen else default()
        _follow_table(_current)
    return _current


def _follow_table(chosen: Curriculum) -> None:
    """Make the curriculum table of `chosen` the one curriculum.py serves (it reads the
    kit's own at import: the students' side and the sandbox have no other)."""
    import sys

    loaded = sys.modules.get(f"{__package__}.curriculum")
    if loaded is not None:
        loaded.use_table(chosen.rubric)


def solutions_dir() -> Path:
    """The instructor's nbgrader source notebooks (SCRATCHGRAD_SOLUTIONS overrides)."""
    chosen = os.environ.get("SCRATCHGRAD_SOLUTIONS")
    return Path(chosen).resolve() if chosen else current().solutions


def release_dir() -> Path:
    """The generated student release, one folder per language: assignments/<lang>/<id>/."""
    return current().release


def assignments_dir(lang: str = "en") -> Path:
    """The generated student release in one language (English, the source, by default)."""
    return release_dir() / lang
