"""The kit as people install it: built wheels in fresh environments (session fixtures).

The wheels are built once per session: the instructor's with pip from a copy of this
checkout (setup.py's build step puts the curriculum in), the students' with the kit's own
`student-wheel` writer. Each fresh environment is a venv whose own site-packages holds
only the wheel (installed with pip, not editable); a `.pth` line lets it reuse the
dependencies already installed in the test environment, so nothing is downloaded. The
test environment's editable install of this checkout cannot shadow the wheel: a `.pth`
line adds a folder to sys.path after the venv's own site-packages and does not run the
`.pth` files inside it (the editable finder is one), and `imported_from` proves it.

`conftest.py` imports the fixtures, so every module shares the same builds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_NOT_BUILT = (".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache",
              ".ruff_cache", "*.egg-info", ".ipynb_checkpoints")


@dataclass(frozen=True)
class Env:
    """A fresh environment with one wheel installed."""

    prefix: Path
    cwd: Path  # an unrelated working folder

    @property
    def python(self) -> Path:
        return self.prefix / "bin" / "python"

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        env["PATH"] = f"{self.prefix / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        return env

    def run(self, *args: object, cwd: Path | None = None, timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(a) for a in args], cwd=cwd or self.cwd,
                              env={**self.environ(), **(env or {})}, capture_output=True,
                              text=True, timeout=timeout, check=False)

    def imported_from(self, module: str) -> Path:
        done = self.run(self.python, "-c", f"import {module}; print({module}.__file__)")
        assert done.returncode == 0, done.stderr
        return Path(done.stdout.strip())


def _pip(*args: object) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check",
                           *map(str, args)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _dependency_dirs() -> list[str]:
    """The test environment's site-packages folders, its own and those it reaches through
    .pth files (a venv made on top of another), never a checkout of the kit."""
    found = [sysconfig.get_paths()["purelib"]]
    found += [p for p in sys.path if p and Path(p).is_dir()
              and {"site-packages", "dist-packages"} & set(Path(p).parts)]
    return [p for p in dict.fromkeys(found) if not (Path(p) / "autograder").is_dir()]


def make_env(folder: Path, wheel: Path) -> Env:
    """A venv in `folder` with `wheel` installed (not editable), reusing the test
    environment's dependencies, and an unrelated working folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")],
                   check=True)
    prefix = folder / "venv"
    purelib = Path(sysconfig.get_paths(vars={"base": str(prefix),
                                             "platbase": str(prefix)})["purelib"])
    (purelib / "zz_test_dependencies.pth").write_text("".join(f"{d}\n" for d in _dependency_dirs()))
    _pip("--python", prefix / "bin" / "python", "install", "--no-deps", "--no-index", wheel)
    cwd = folder / "elsewhere"
    cwd.mkdir()
    env = Env(prefix, cwd)
    assert env.imported_from("autograder").is_relative_to(prefix)
    return env


@pytest.fixture(scope="session")
def instructor_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scratchgrad's wheel, built by pip from a copy of this checkout."""
    tmp = tmp_path_factory.mktemp("instructor-wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*_NOT_BUILT))
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", tmp / "dist", source)
    [wheel] = (tmp / "dist").glob("scratchgrad-*.whl")
    return wheel


@pytest.fixture(scope="session")
def student_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scratchgrad-student's wheel, as `scratchgrad student-wheel` writes it."""
    from autograder.release.wheels import student_wheel as write

    return write(tmp_path_factory.mktemp("student-wheel"))


def _outside_tmp() -> str | None:
    """A folder for an environment that the sandbox does not cover with its own /tmp: the
    kit installed there is in the sandbox's sight unless the launcher hides it, as in a
    real installation (/usr/lib/python3, ~/.venv). None where there is no such folder."""
    folder = Path("/var/tmp")
    return str(folder) if os.access(folder, os.W_OK) else None


@pytest.fixture(scope="session")
def instructor_env(instructor_wheel: Path) -> Iterator[Env]:
    folder = Path(tempfile.mkdtemp(prefix="scratchgrad-test-env-", dir=_outside_tmp()))
    try:
        yield make_env(folder, instructor_wheel)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def student_env(tmp_path_factory: pytest.TempPathFactory, student_wheel: Path) -> Env:
    return make_env(tmp_path_factory.mktemp("student-env"), student_wheel)
