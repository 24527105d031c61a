"""Build students' notebooks from the solutions: finished, unfinished, or with known
mistakes, for the bundled demo class, the tests and the benchmarks.

A mistake is a file in tests/catalogue/ holding a buggy definition of one unit and three
constants: UNIT (the unit that must lose points), HINT (the hint its failure must show)
and REPLACES (the definition it replaces, "softmax" or "Affine.backward"). The file is
read, never imported: it is student code.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from . import curriculum, paths
from .release.points import stamp_points

# A concept check's answer is a top-level `answer_... = value` (autograder/grade/answers.py).
ANSWER_PREFIX = "answer_"
_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)


@dataclass(frozen=True)
class Mistake:
    name: str
    unit: str | None
    hint: str | None
    replaces: str
    code: str  # the buggy definition (a function, or a method at column 0)
    doc: str

    @property
    def assignment(self) -> str:
        return curriculum.assignment_of(self.unit or self.replaces).id


def load_mistake(path: Path) -> Mistake:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    consts = {t.id: ast.literal_eval(node.value) for node in tree.body
              if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    name = consts["REPLACES"].split(".")[-1]
    source = path.read_text(encoding="utf-8")
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
            and n.name == name or name.startswith(ANSWER_PREFIX) and _assigns(n, name)]
    if len(defs) != 1:
        raise ValueError(f"{path.name}: expected one definition of {name}")
    return Mistake(path.stem, consts.get("UNIT"), consts.get("HINT"), consts["REPLACES"],
                   ast.get_source_segment(source, defs[0], padded=False) or "",
                   ast.get_docstring(tree) or "")


def definitions(path: Path) -> list[Mistake]:
    """Every top-level function and class of a file, each replacing its namesake, and
    every concept-check answer (`answer_... = value`)."""
    source = path.read_text(encoding="utf-8")
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            name = node.name
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name) and node.targets[0].id.startswith(ANSWER_PREFIX):
            name = node.targets[0].id
        else:
            continue
        out.append(Mistake(f"{path.stem}:{name}", None, None, name,
                           ast.get_source_segment(source, node) or "", ""))
    return out


def catalogue(folder: Path | None = None) -> list[Mistake]:
    """Every definition file in `folder` (default: the curriculum's mistakes)."""
    folder = folder or paths.current().catalogue
    return [load_mistake(p) for p in sorted(folder.glob("*.py"))]


def _assigns(node: ast.stmt, name: str) -> bool:
    """`node` is a top-level `name = ...` (a concept check's answer)."""
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == name for t in node.targets)


_STUB = re.compile(r"\A(?:[ \t]*# YOUR CODE HERE[ \t]*\n)?[ \t]*raise NotImplementedError\(\)[ \t]*\n?")


def _replace_answer(source: str, tree: ast.Module, name: str, code: str) -> str | None:
    """source with the last answer `name = ...` replaced by `code`, and the release's stub
    under it (`# YOUR CODE HERE` / `raise NotImplementedError()`) removed."""
    found = [n for n in tree.body if _assigns(n, name)]
    if not found:
        return None
    lines = source.splitlines(keepends=True)
    node = found[-1]
    rest = _STUB.sub("", "".join(lines[node.end_lineno:]), count=1)
    return "".join(lines[:node.lineno - 1]) + code.rstrip("\n") + "\n" + rest


def _replace_definition(source: str, target: str, code: str) -> str | None:
    """source with the definition `target` ("f" or "Class.method") replaced, or None. An
    answer (`answer_... = value`) replaces the last assignment to its name."""
    tree = ast.parse(source)
    if target.startswith(ANSWER_PREFIX):
        return _replace_answer(source, tree, target, code)
    top, _, method = target.partition(".")
    for node in tree.body:
        if getattr(node, "name", None) != top:
            continue
        if method:
            node = next((n for n in node.body if getattr(n, "name", None) == method), None)
            if node is None:
                return None
        lines = source.splitlines(keepends=True)
        start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
        indent = re.match(r"[ \t]*", lines[start]).group(0)
        new = textwrap.indent(textwrap.dedent(code).rstrip("\n") + "\n", indent)
        return "".join(lines[:start]) + new + "".join(lines[node.end_lineno:])
    return None


def student_notebook(assignment_id: str, mistakes: list[Mistake] = (),
                     unfinished: bool = False) -> dict:
    """A student's notebook as nbformat JSON: the release (unfinished), or the solution
    without nbgrader's markers and with the given mistakes put in."""
    a = curriculum.get(assignment_id)
    folder = paths.assignments_dir() if unfinished else paths.solutions_dir()
    # a student's copy carries the release's test-cell points (stamped from the curriculum)
    nb = stamp_points(json.loads((folder / a.id / a.notebook).read_text(encoding="utf-8")), a.id)
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            source = _MARKER.sub("", source)
            for m in mistakes:
                replaced = _replace_definition(source, m.replaces, m.code)
                if replaced is not None:
                    source = replaced
        cell["source"] = source
    return nb


def write_notebook(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_class(dest: Path, recipe: Path | None = None, lang: str | None = None
                ) -> list[str]:
    """Write the class described by `recipe` as SUBMISSIONS/<student>/<id>/<nb>; return ids.

    Each student in the recipe has `done` (assignment ids solved, or "all"), `mistakes`
    (catalogue names, put into their solved notebooks) and `missing` (ids not submitted);
    everything else is the untouched release. lang: the language the notebooks record (so
    that `scratchgrad demo --lang ja` shows Japanese feedback); None keeps theirs.
    """
    spec = tomllib.loads((recipe or paths.current().demo_class).read_text(encoding="utf-8"))
    by_name = {m.name: m for m in catalogue()}
    if dest.exists():
        shutil.rmtree(dest)
    for student, entry in spec["students"].items():
        done = entry.get("done", [])
        done = [a.id for a in curriculum.ASSIGNMENTS] if done == "all" else done
        mistakes = [by_name[name] for name in entry.get("mistakes", [])]
        for a in curriculum.ASSIGNMENTS:
            if a.id in entry.get("missing", []):
                continue
            mine = [m for m in mistakes if m.assignment == a.id]
            nb = student_notebook(a.id, mine, unfinished=a.id not in done and not mine)
            if lang is not None:
                nb.setdefault("metadata", {}).setdefault("scratchgrad", {})["lang"] = lang
            write_notebook(nb, dest / student / a.id / a.notebook)
    return list(spec["students"])
