"""`check("softmax")`: run one unit's public tests from inside the notebook.

In Jupyter it checks what the kernel has run (the definitions in the cells executed so
far, loaded by the same loader the grader uses), so a student does not need to save first.
Outside a kernel it loads the notebook file from the current folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import curriculum
from ..i18n.messages import _
from ..notebook.loader import Cell, LoadedNotebook, load_cells, load_notebook
from .expect import CheckFailed
from .units import StudentUnits


@dataclass
class Outcome:
    name: str
    passed: bool
    message: str


class _Override:
    """Hands the live definitions to the `student` fixture and keeps one unit's tests."""

    def __init__(self, loaded: LoadedNotebook, unit: str | None):
        self.units = StudentUnits(loaded)
        self.unit = unit
        self.outcomes: list[Outcome] = []

    def pytest_collection_modifyitems(self, config, items) -> None:  # type: ignore[no-untyped-def]
        if self.unit is None:
            return
        keep = [i for i in items if (m := i.get_closest_marker("unit")) and m.args[0] == self.unit]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep

    def pytest_collectreport(self, report) -> None:  # type: ignore[no-untyped-def]
        if report.failed:  # the test file itself could not be imported
            self.outcomes.append(Outcome(_("collecting the public tests"), False,
                                         str(report.longrepr)))

    def pytest_runtest_logreport(self, report) -> None:  # type: ignore[no-untyped-def]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            name = report.nodeid.split("::")[-1].removeprefix("test_").replace("_", " ")
            message = str(report.longrepr) if report.failed else ""
            self.outcomes.append(Outcome(name, report.passed, message))


def run_public_tests(test_file: Path, loaded: LoadedNotebook,
                     unit: str | None = None) -> list[Outcome]:
    """Run the public tests in `test_file` against `loaded`, quietly, in this process."""
    import pytest

    from . import plugin

    override = _Override(loaded, unit)
    # pytest imports test_forward.py as the module `test_forward`: one imported from another
    # folder earlier in this process (a second copy of the release) would hide this one.
    previous = sys.modules.get(test_file.stem)
    if previous is not None and (Path(getattr(previous, "__file__", None) or "/")
                                 .resolve() != test_file.resolve()):
        del sys.modules[test_file.stem]
    args = [str(test_file), "-s", "--noconftest", "-p", "no:cacheprovider",
            "-p", "no:terminal", "-p", "no:unraisableexception", "-p", "no:threadexception",
            "--rootdir", str(test_file.parent),
            "-c", str(Path(__file__).with_name("pytest.ini"))]
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        override.__name__ = plugin.OVERRIDE  # pluggy registers a plugin under its __name__
        pytest.main(args, plugins=[plugin, override])
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved
    return override.outcomes


def _live_definitions(assignment: curriculum.Assignment, folder: Path) -> LoadedNotebook:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - jupyter is a dependency
        get_ipython = None  # type: ignore[assignment]
    shell = get_ipython() if get_ipython else None
    history = shell.user_ns.get("In") if shell is not None else None
    if history:
        cells = [Cell(n, src, label=f"In [{n}]") for n, src in enumerate(history) if n and src]
        return load_cells(cells, name=assignment.notebook, base_dir=folder.resolve())
    return load_notebook(folder / assignment.notebook)


def check(unit: str, folder: str | Path | None = None) -> None:
    """Run the public tests of `unit` and print what passed; raise CheckFailed otherwise."""
    try:
        assignment = curriculum.assignment_of(unit)
    except KeyError:
        raise CheckFailed(_("check: there is no unit called {unit}").format(unit=repr(unit))) from None
    where = Path(folder) if folder is not None else Path.cwd()
    test_file = where / assignment.public_tests
    if not test_file.exists():
        raise CheckFailed(_("check: {tests} was not found in {where}; it comes with the "
                            "{assignment} release, next to the notebook").format(
                              tests=assignment.public_tests, where=where,
                              assignment=assignment.id))
    outcomes = run_public_tests(test_file, _live_definitions(assignment, where), unit)
    if not outcomes:
        raise CheckFailed(_("check: no public tests for {unit} in {tests}").format(
            unit=unit, tests=assignment.public_tests))
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        print(("✓ " if outcome.passed else "✗ ") + outcome.name)
    if failed:
        # several tests of an unfinished unit all say "not implemented yet": say it once
        raise CheckFailed("\n\n".join(dict.fromkeys(o.message for o in failed)))
    print(_("{unit}: all {count} public checks passed").format(unit=unit, count=len(outcomes)))
