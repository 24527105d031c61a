"""pytest plugin for the public tests (`pytest assignments`), loaded through an entry point.

It gives each public test module a `student` fixture (the definitions of the notebook next
to the test file) and prints a CheckFailed as its message alone, without a traceback.

The kit's release holds every language side by side (assignments/en/, assignments/ja/);
`pytest assignments` checks the student's own language only (SCRATCHGRAD_LANG, then the
locale), unless a language folder is named on the command line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .. import curriculum
from ..i18n import language
from ..notebook.importer import load_cached
from ..notebook.loader import NotebookError
from .expect import CheckFailed
from .units import StudentUnits

OVERRIDE = "scratchgrad-notebook-override"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unit(name): the graded unit this test checks")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip a release folder of another language than the run's, unless it was asked for."""
    if collection_path.name not in language.SUPPORTED or not collection_path.is_dir():
        return None
    if collection_path.name == language.resolve():
        return None
    if not any((collection_path / a.id).is_dir() for a in curriculum.ASSIGNMENTS):
        return None  # a folder that happens to be called "ja", not a release
    asked = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    if any(p == collection_path or collection_path in p.parents for p in asked):
        return None
    return True


@pytest.fixture(scope="module")
def student(request: pytest.FixtureRequest) -> StudentUnits:
    """The student's notebook next to this test file: `test_forward.py` -> `forward.ipynb`."""
    override = request.config.pluginmanager.get_plugin(OVERRIDE)
    if override is not None:
        return override.units
    test_file = Path(request.module.__file__)
    notebook = test_file.with_name(test_file.stem.removeprefix("test_") + ".ipynb")
    try:
        return StudentUnits(load_cached(notebook))
    except NotebookError as exc:
        raise CheckFailed(str(exc)) from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None and isinstance(call.excinfo.value, CheckFailed):
        report.longrepr = str(call.excinfo.value)
