"""What every test module shares: a private home for the run, and the global RNGs restored.

- `private_home` (session, autouse): for the whole session HOME, the XDG base directories,
  Jupyter's data, config and runtime directories, IPYTHONDIR and TMPDIR point into one
  folder under pytest's temporary directory, in os.environ (so every subprocess a test
  starts inherits them, unless it is given an environment of its own) and in
  `tempfile.tempdir` (so this process's temporary files go there too). nbgrader's submission cache
  ($JUPYTER_DATA_DIR/nbgrader_cache), Jupyter's kernel connection files, IPython's profile
  and any ~/.cache or ~/.config written by a test stay inside the run; nothing from the
  real ~/.jupyter, ~/.ipython or ~/.config is read (JUPYTER_PATH and JUPYTER_CONFIG_PATH,
  extra search paths, are left as they are). Everything is restored at the end of the
  session. Environments built at import time (before this fixture runs) do not see it.
- `catalogue_graded` (session): the mistake catalogue graded once as one class, shared by
  test_catalogue (what each mistake fails) and test_integrity (the same students graded
  another way give the same checks).
- Under pytest-xdist (`-n`, on by default: pyproject.toml), tests run in groups of one module
  (pytest_xdist_make_scheduler), so a module's fixtures are built once; modules that share a session
  fixture (the catalogue class, the built wheels) are one group (SHARED_GROUPS).
- `pytest_configure` byte-compiles the kit once, in the main process before any worker
  starts: every sandbox, kernel and command the tests start imports it, and none of them
  writes bytecode (the sandbox mounts the kit read-only and runs python -B; CI's environment
  sets PYTHONDONTWRITEBYTECODE), so each compiled it again from source (58 of 172 ms of a
  sandbox's start). An installed kit is compiled when pip installs it.
- Before any test module is imported, `skip_unused_slow_imports` (autograder/startup.py)
  keeps jsonschema from building its IRI parser in each worker (4.5 s of its collection).
- `restore_global_rngs` (function, autouse): the state of `random` and `np.random` before
  each test is put back after it, so a test that seeds them does not decide what the next
  one draws.
"""

from __future__ import annotations

import compileall
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from grading import grade_catalogue_class
from installs import (  # noqa: F401 - session fixtures: the wheels, built once
    instructor_env,
    instructor_wheel,
    student_env,
    student_wheel,
)

from autograder.startup import skip_unused_slow_imports
from kit import ROOT

# Before any test module imports nbformat (autograder/startup.py says why): the import of
# jsonschema took 4.5 s of each xdist worker's collection.
skip_unused_slow_imports()

# variable -> folder inside the private home
_PRIVATE_DIRS = {
    "HOME": ".",
    "XDG_DATA_HOME": ".local/share",
    "XDG_CONFIG_HOME": ".config",
    "XDG_CACHE_HOME": ".cache",
    "XDG_STATE_HOME": ".local/state",
    "XDG_RUNTIME_DIR": "run",
    "JUPYTER_DATA_DIR": ".local/share/jupyter",
    "JUPYTER_CONFIG_DIR": ".jupyter",
    "JUPYTER_RUNTIME_DIR": ".local/share/jupyter/runtime",
    "IPYTHONDIR": ".ipython",
    "TMPDIR": "tmp",
}


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the main process: once per run
        for package in ("autograder", "dataset"):
            compileall.compile_dir(ROOT / package, quiet=1)


# Modules that share an expensive session fixture run in one xdist worker, which builds it once.
SHARED_GROUPS = {"test_catalogue": "catalogue_graded", "test_integrity": "catalogue_graded",
                 "test_install": "wheels", "test_gradescope": "wheels"}


# Rough seconds of the longest groups, each run alone on 2 cores. The scheduler hands out the
# longest group left first, so that no long one is left to run alone at the end of the run
# (xdist orders groups by their number of tests: test_training_full has one, 17 s long). A
# group not named here counts 0.1 s per test; a figure out of date only makes the run longer.
SECONDS = {"catalogue_graded": 60, "test_batch": 27, "test_course_sync": 25, "wheels": 25,
           "test_i18n_notebooks": 22, "test_training_full": 17, "test_notebook_check": 16,
           "test_i18n_release": 16, "test_course_workflow": 12, "test_lms": 11}


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """xdist's scheduler, with whole modules as its units and SHARED_GROUPS joined, the longest
    unit first, and a unit given to a worker only when it has run out of tests. (Its own
    `--dist loadgroup` marks do not group under pytest 9.2: xdist 3.8 renames items through
    an attribute pytest no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return SHARED_GROUPS.get(Path(module).stem, module)

        def _seconds(self, scope: str) -> float:
            return SECONDS.get(Path(scope).stem, 0.1 * len(self.workqueue[scope]))

        def _assign_work_unit(self, node: object) -> None:
            longest = max(self.workqueue, key=self._seconds)
            self.workqueue.move_to_end(longest, last=False)
            super()._assign_work_unit(node)

        def _reschedule(self, node: object) -> None:
            # xdist gives a worker its next unit when 2 of its tests are left: one running and
            # one it holds until it knows what comes after. A long test left running would
            # keep that unit from the other worker, idle by then.
            if self.workqueue and not node.shutting_down \
                    and self._pending_of(self.assigned_work[node]) > 1:
                return
            super()._reschedule(node)

    return ModuleGroups(config, log)


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder that stands in for HOME (and the rest) for the whole session."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        for var, rel in _PRIVATE_DIRS.items():
            path = (home / rel).resolve()
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            mp.setenv(var, str(path))
        mp.setattr(tempfile, "tempdir", str(home / _PRIVATE_DIRS["TMPDIR"]))
        yield home


@pytest.fixture(scope="session")
def catalogue_graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """(student, assignment) -> AssignmentResult of the catalogue class (grading.py)."""
    return grade_catalogue_class(tmp_path_factory.mktemp("catalogue"))


@pytest.fixture(autouse=True)
def restore_global_rngs() -> Iterator[None]:
    py_state, np_state = random.getstate(), np.random.get_state()
    yield
    random.setstate(py_state)
    np.random.set_state(np_state)
