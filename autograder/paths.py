"""Where the kit's folders are: the repository this package was installed from."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def solutions_dir() -> Path:
    """The instructor's nbgrader source notebooks (SCRATCHGRAD_SOLUTIONS overrides)."""
    return Path(os.environ.get("SCRATCHGRAD_SOLUTIONS", ROOT / "solutions")).resolve()


def release_dir() -> Path:
    """The generated student release, one folder per language: assignments/<lang>/<id>/."""
    return ROOT / "assignments"


def assignments_dir(lang: str = "en") -> Path:
    """The generated student release in one language (English, the source, by default)."""
    return release_dir() / lang
