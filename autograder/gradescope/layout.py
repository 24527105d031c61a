"""Where things are in Gradescope's autograder container, declared once.

Gradescope unpacks autograder.zip into ROOT/source/, runs source/setup.sh once when it
builds the image, copies source/run_autograder to ROOT/run_autograder and runs it for each
submission, with the student's files in ROOT/submission/; the results go to
ROOT/results/results.json. ROOT is /autograder; SCRATCHGRAD_GRADESCOPE_ROOT (or
`gradescope-run --root`) moves it, for tests and for trying a zip on one's own machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("/autograder")
ROOT_VAR = "SCRATCHGRAD_GRADESCOPE_ROOT"
CONFIG = "scratchgrad.json"  # in source/: the assignment and the tests' visibility
CURRICULUM = "curriculum"    # in source/: the curriculum folder it grades with
VENV = "scratchgrad-venv"    # in ROOT: the environment setup.sh installs the kit into
VISIBILITIES = ("visible", "after_due_date", "hidden")


@dataclass(frozen=True)
class Layout:
    root: Path

    @classmethod
    def here(cls, root: Path | None = None) -> Layout:
        return cls(Path(root or os.environ.get(ROOT_VAR) or DEFAULT_ROOT))

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def results(self) -> Path:
        return self.root / "results" / "results.json"
