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

CATALOGUE = paths.ROOT / "tests" / "catalogue"
DEMO_CLASS = paths.ROOT / "examples" / "demo_class.toml"
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
            and n.name == name]
    if len(defs) != 1:
        raise ValueError(f"{path.name}: expected one definition of {name}")
    return Mistake(path.stem, consts.get("UNIT"), consts.get("HINT"), consts["REPLACES"],
                   ast.get_source_segment(source, defs[0], padded=False) or "",
                   ast.get_docstring(tree) or "")


def definitions(path: Path) -> list[Mistake]:
    """Every top-level function and class of a file, each replacing its namesake."""
    source = path.read_text(encoding="utf-8")
    return [Mistake(f"{path.stem}:{node.name}", None, None, node.name,
                    ast.get_source_segment(source, node) or "", "")
            for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))]


def catalogue(folder: Path = CATALOGUE) -> list[Mistake]:
    """Every definition file in `folder` (the mistakes, by default)."""
    return [load_mistake(p) for p in sorted(folder.glob("*.py"))]


def _replace_definition(source: str, target: str, code: str) -> str | None:
    """source with the definition `target` ("f" or "Class.method") replaced, or None."""
    tree = ast.parse(source)
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
    nb = json.loads((folder / a.id / a.notebook).read_text(encoding="utf-8"))
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


def build_class(dest: Path, recipe: Path = DEMO_CLASS, lang: str | None = None) -> list[str]:
    """Write the class described by `recipe` as SUBMISSIONS/<student>/<id>/<nb>; return ids.

    Each student in the recipe has `done` (assignment ids solved, or "all"), `mistakes`
    (catalogue names, put into their solved notebooks) and `missing` (ids not submitted);
    everything else is the untouched release. lang: the language the notebooks record (so
    that `scratchgrad demo --lang ja` shows Japanese feedback); None keeps theirs.
    """
    spec = tomllib.loads(recipe.read_text(encoding="utf-8"))
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
