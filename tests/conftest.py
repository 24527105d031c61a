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
- `restore_global_rngs` (function, autouse): the state of `random` and `np.random` before
  each test is put back after it, so a test that seeds them does not decide what the next
  one draws.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from installs import (  # noqa: F401 - session fixtures: the wheels, built once
    instructor_env,
    instructor_wheel,
    student_env,
    student_wheel,
)

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


@pytest.fixture(autouse=True)
def restore_global_rngs() -> Iterator[None]:
    py_state, np_state = random.getstate(), np.random.get_state()
    yield
    random.setstate(py_state)
    np.random.set_state(np_state)
