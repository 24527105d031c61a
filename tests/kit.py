"""Shared helpers for the kit's own tests: build students' folders from the real kit."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from autograder import curriculum

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
ASSIGNMENTS = ROOT / "assignments"

_SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


def copy_release(dest: Path, solved: bool = False) -> Path:
    """Copy assignments/ to dest; with solved=True put the solution notebooks in."""
    shutil.copytree(ASSIGNMENTS, dest)
    if solved:
        for a in curriculum.ASSIGNMENTS:
            shutil.copy(SOLUTIONS / a.id / a.notebook, dest / a.id / a.notebook)
    return dest


def notebook_sources(path: Path) -> list[tuple[dict, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(cell, "".join(cell["source"]) if isinstance(cell["source"], list)
             else cell["source"]) for cell in nb["cells"]]


def solution_regions(path: Path) -> list[str]:
    """The text of every solution region and model answer in a source notebook."""
    regions = []
    for cell, source in notebook_sources(path):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "markdown" and meta.get("solution"):
            regions.append(source)
        regions.extend(_SOLUTION_REGION.findall(source + "\n"))
    return regions


def run_pytest(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout)
