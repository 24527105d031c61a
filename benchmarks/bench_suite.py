"""The test suite's wall time: this revision against a baseline, side by side in one run.

Each revision is cloned fresh from this repository into a temporary folder, gets a virtual
environment of its own with the README's set-up (`pip install -e ".[dev]"`, from the
package registry), and runs the README's test command (`python -m pytest`) there, the way
`.ci/run` does. Installing is not timed; the pytest run is, as wall and CPU seconds (CPU of
the processes pytest waited for, so a lower bound). The runs are one after the other, never
side by side, so they do not slow each other down.

    python benchmarks/bench_suite.py [--baseline REV] [--revision REV] [--pytest-args ARGS]

Target (issue #15): the suite's wall time no worse than the baseline's, 4d7746f (248 tests,
before the integrity and diagnosis work), although the suite has more than twice the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "4d7746f"
_SUMMARY = re.compile(r"^=*\s*(\d+ passed.*?)\s*=*$", re.MULTILINE)


def _sh(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench_suite: `{' '.join(cmd)}` failed:\n{done.stdout[-2000:]}"
                         f"{done.stderr[-2000:]}")


def install(revision: str, folder: Path) -> Path:
    """A fresh clone of `revision` with its own venv; returns the clone."""
    clone = folder / revision
    _sh(["git", "clone", "-q", str(ROOT), str(clone)], folder)
    _sh(["git", "checkout", "-q", revision], clone)
    _sh([sys.executable, "-m", "venv", ".venv"], clone)
    pip = [str(clone / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q"]
    _sh([*pip, "-e", ".[dev]"], clone)
    return clone


def run_suite(clone: Path, extra: list[str]) -> dict[str, object]:
    env = {**os.environ, "PATH": f"{clone / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "pytest", "-q",
                           *extra], cwd=clone, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = _SUMMARY.findall(done.stdout)
    return {"wall": wall, "cpu": cpu, "exit": done.returncode,
            "summary": summary[-1] if summary else done.stdout.strip().splitlines()[-1:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"default: {BASELINE}")
    parser.add_argument("--revision", default="HEAD", help="default: HEAD (committed work only)")
    parser.add_argument("--pytest-args", default="", help="extra pytest arguments, quoted")
    args = parser.parse_args(argv)
    extra = shlex.split(args.pytest_args)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        for label, revision in (("baseline", args.baseline), ("this", args.revision)):
            rev = subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
            print(f"installing {label} ({rev}) ...", flush=True)
            clone = install(rev, Path(tmp))
            print("running its suite ...", flush=True)
            rows.append((label, rev, run_suite(clone, extra)))
    print(f"\n{'':9} {'revision':9} {'wall s':>8} {'cpu s':>8} {'exit':>5}  pytest")
    for label, rev, r in rows:
        print(f"{label:9} {rev:9} {r['wall']:8.1f} {r['cpu']:8.1f} {r['exit']:5}  {r['summary']}")
    (_, _, base), (_, _, this) = rows
    print(f"\nwall time, this / baseline: {this['wall'] / base['wall']:.2f}x")
    return 0 if this["exit"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
