"""Where the kit's folders are: the repository this package was installed from."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def solutions_dir() -> Path:
    """The instructor's nbgrader source notebooks (SCRATCHGRAD_SOLUTIONS overrides)."""
    return Path(os.environ.get("SCRATCHGRAD_SOLUTIONS", ROOT / "solutions")).resolve()


def assignments_dir() -> Path:
    """The generated student release."""
    return ROOT / "assignments"
