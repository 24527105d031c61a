"""A curriculum folder's table (`--curriculum DIR`, SCRATCHGRAD_CURRICULUM) is the one the kit
serves, whichever of autograder.paths and autograder.curriculum a process imports first, and
the sandbox shows the student code that same table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import paths

ORDERS = {
    "paths first": "import autograder.paths as p; p.current(); import autograder.curriculum as c",
    "curriculum first": "import autograder.curriculum as c; import autograder.paths as p; "
                        "p.current()",
}


@pytest.fixture(scope="module")
def doubled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the kit's curriculum in which AND's truth-table check is worth 5 points."""
    folder = paths.current().copy_to(tmp_path_factory.mktemp("mine") / "curriculum",
                                     ["01_perceptron"])
    table = folder / "curriculum.toml"
    text = table.read_text(encoding="utf-8")
    assert "AND_truth_table = 2\n" in text
    table.write_text(text.replace("AND_truth_table = 2\n", "AND_truth_table = 5\n", 1),
                     encoding="utf-8")
    return folder


@pytest.mark.parametrize("order", ORDERS)
def test_the_chosen_tables_points_are_served(doubled: Path, order: str):
    code = (f"{ORDERS[order]}; from autograder.grade import rubric; "
            "print(c.get('01_perceptron').points('AND'), "
            "rubric.unit_points('01_perceptron')['AND'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env={**os.environ, paths.ENV_VAR: str(doubled)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5.0", "5.0"]


def test_the_sandbox_shows_the_chosen_table(doubled: Path, monkeypatch: pytest.MonkeyPatch):
    from autograder import curriculum
    from autograder.sandbox import launcher

    monkeypatch.setattr(paths, "_current", None)
    monkeypatch.setenv(paths.ENV_VAR, str(doubled))
    try:
        assert launcher._public_source("autograder/curriculum.toml") == \
            doubled / "curriculum.toml"
        assert launcher._public_source("autograder/selfcheck") == \
            launcher.KIT / "autograder/selfcheck"
        assert curriculum.get("01_perceptron").points("AND") == 5
    finally:  # this process serves the kit's own table again
        monkeypatch.undo()
        curriculum.use_table(paths.current().rubric)
    assert curriculum.get("01_perceptron").points("AND") == 2
