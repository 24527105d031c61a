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
RELEASE = ROOT / "assignments"  # RELEASE/<lang>/<id>/
ASSIGNMENTS = RELEASE / "en"
LANGS = ("en", "ja")

_SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)


def copy_release(dest: Path, solved: bool = False, lang: str = "en") -> Path:
    """Copy assignments/<lang>/ to dest; with solved=True put the solution notebooks in
    (rendered in `lang`)."""
    shutil.copytree(RELEASE / lang, dest)
    if solved:
        for a in curriculum.ASSIGNMENTS:
            if lang == "en":
                shutil.copy(SOLUTIONS / a.id / a.notebook, dest / a.id / a.notebook)
            else:
                write_solution(a.id, lang, dest / a.id / a.notebook)
    return dest


def write_solution(assignment_id: str, lang: str, path: Path) -> Path:
    """The solution notebook of one assignment rendered in `lang`, written to path."""
    import nbformat

    from autograder.i18n.notebooks import render_assignment

    nbformat.write(render_assignment(assignment_id, lang).notebook, path)
    return path


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
