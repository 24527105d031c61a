"""Wheels written from the installed kit: the students' package and the kit itself.

The students' package, `scratchgrad-student`, holds exactly the student-side part of the
kit that the sandbox shows a worker (`sandbox.launcher.KIT_PUBLIC`, declared there once):
`check()`, the `pytest assignments` plugin, the public tests' helpers, `from_assignment`,
the dataset loaders and the sample. No reference notebook, hidden suite, rubric or grader
is in it. `scratchgrad student-wheel -o DIR` writes it; a course installs it where the
students' notebooks run.

The kit's wheel (`kit_wheel`) is the installed kit as it is (grader included, curriculum
excluded: the Gradescope autograder.zip carries the curriculum it grades with beside it).
It is written from the installed files, so it works the same from a clone and from a
wheel, without a build tool or the network.

Both are plain wheels (PEP 427) with fixed timestamps: the same kit gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .. import __version__, paths

STUDENT_NAME = "scratchgrad-student"
STUDENT_SUMMARY = ("The students' side of scratchgrad: check(), the pytest plugin for the "
                   "public tests, from_assignment and the dataset loaders.")
# What the student-side modules import (the notebooks bring their own matplotlib).
STUDENT_REQUIRES = ("numpy>=1.23", "pytest>=7.4", "threadpoolctl>=3.1", "tqdm>=4.60")
PYTEST_PLUGIN = ("pytest11", "scratchgrad", "autograder.selfcheck.plugin")
_EPOCH = (2020, 1, 1, 0, 0, 0)
_SKIP = ("__pycache__", ".ipynb_checkpoints")


def _files(top: Path, relative_to: Path) -> Iterable[tuple[str, Path]]:
    if top.is_file():
        yield top.relative_to(relative_to).as_posix(), top
        return
    for path in sorted(top.rglob("*")):
        if path.is_file() and not any(part in _SKIP for part in path.parts) \
                and path.suffix != ".pyc":
            yield path.relative_to(relative_to).as_posix(), path


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def write_wheel(dest_dir: Path, name: str, version: str, files: dict[str, Path | bytes],
                requires: Iterable[str], entry_points: Iterable[tuple[str, str, str]] = (),
                summary: str = "") -> Path:
    """Write `name`'s pure-Python wheel into dest_dir; `files` maps each path in the wheel
    to the file it is read from (or to its bytes). Returns the wheel's path."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
                f"Summary: {summary}", "Requires-Python: >=3.10",
                *(f"Requires-Dist: {r}" for r in requires)]
    groups: dict[str, list[str]] = {}
    for group, ep_name, target in entry_points:
        groups.setdefault(group, []).append(f"{ep_name} = {target}")
    entry_text = "".join(f"[{g}]\n" + "\n".join(lines) + "\n\n" for g, lines in groups.items())
    meta_files = {
        f"{info}/METADATA": "\n".join(metadata) + "\n",
        f"{info}/WHEEL": ("Wheel-Version: 1.0\nGenerator: scratchgrad\nRoot-Is-Purelib: true\n"
                          "Tag: py3-none-any\n"),
        f"{info}/entry_points.txt": entry_text,
        f"{info}/top_level.txt": "\n".join(sorted({a.split("/")[0] for a in files})) + "\n",
    }
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{dist}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        def add(arcname: str, data: bytes) -> None:
            entry = zipfile.ZipInfo(arcname, _EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, data)
            record.append(f"{arcname},{_record_hash(data)},{len(data)}")

        for arcname in sorted(files):
            src = files[arcname]
            add(arcname, src if isinstance(src, bytes) else src.read_bytes())
        for arcname, text in meta_files.items():
            add(arcname, text.encode("utf-8"))
        record.append(f"{info}/RECORD,,")
        add_record = zipfile.ZipInfo(f"{info}/RECORD", _EPOCH)
        add_record.external_attr = 0o644 << 16
        wheel.writestr(add_record, "\n".join(record) + "\n", zipfile.ZIP_DEFLATED)
    return target


def student_files() -> dict[str, Path | bytes]:
    """The students' package: the kit's student side, as the sandbox shows it, with the
    curriculum table's units only (no hidden check names, no points)."""
    from .. import curriculum
    from ..sandbox.launcher import KIT_PUBLIC

    files: dict[str, Path | bytes] = {}
    for rel in KIT_PUBLIC:
        files.update(_files(paths.ROOT / rel, paths.ROOT))
    table = "autograder/curriculum.toml"
    files[table] = curriculum.public_table(
        paths.current().rubric.read_text(encoding="utf-8")).encode("utf-8")
    return files


def student_wheel(dest_dir: Path) -> Path:
    """Write scratchgrad-student's wheel into dest_dir; return its path."""
    return write_wheel(dest_dir, STUDENT_NAME, __version__, student_files(), STUDENT_REQUIRES,
                       [PYTEST_PLUGIN], STUDENT_SUMMARY)


def _kit_requires() -> list[str]:
    try:
        return list(importlib.metadata.requires("scratchgrad") or [])
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a clone
        return []


def kit_wheel(dest_dir: Path) -> Path:
    """Write the installed kit (without its curriculum) as scratchgrad's wheel."""
    if paths.is_clone():
        own = paths.Curriculum.in_clone(paths.ROOT)
        # The table stays: curriculum.py reads it at import, before a curriculum is chosen.
        curriculum_parts = [getattr(own, part) for part in paths.LAYOUT if part != "rubric"]
    else:
        curriculum_parts = [paths.PACKAGED]
    files: dict[str, Path] = {}
    for top in ("autograder", "dataset"):
        files.update((arc, path) for arc, path in _files(paths.ROOT / top, paths.ROOT)
                     if not any(path.is_relative_to(part) for part in curriculum_parts))
    requires = [r for r in _kit_requires() if "extra ==" not in r]
    return write_wheel(dest_dir, "scratchgrad", __version__, files, requires,
                       [("console_scripts", "scratchgrad", "autograder.cli:main"),
                        PYTEST_PLUGIN], "scratchgrad, the grading kit")


if __name__ == "__main__":  # pragma: no cover
    print(student_wheel(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
