"""Load the *definitions* of a notebook: imports, functions, classes and constants.

The self-check, the grader and the in-notebook `check()` all load student code through
this one module, so they agree on what a notebook defines. Top-level experiments
(training runs, plots, prints, `network = init_network()`) are never executed: they are
slow, they may need data the grader does not have, and a graded function must not
depend on them.

This module runs inside the grader's sandboxed worker too, so it uses only the standard
library and reads notebooks as plain JSON.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import hashlib
import importlib
import json
import linecache
import re
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n.messages import N_, _

# The folder of the notebook being loaded: `from_assignment` finds sibling
# assignments relative to it (in Jupyter, where no loader runs, it uses the cwd).
current_notebook_dir: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "current_notebook_dir", default=None
)

# The limit is on what is graded, the code cells' source: outputs (plots, training logs)
# are never graded, and a correct notebook with 57 MB of them must not score 0. The raw
# file has a much larger cap only so that reading it cannot exhaust the grader's memory.
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024  # code cells' source, UTF-8
MAX_NOTEBOOK_FILE_BYTES = 256 * 1024 * 1024  # the whole file, outputs included
MSG_FILE_TOO_LARGE = N_("{name}: the file is {size} bytes, larger than the {limit} bytes a "
                        "notebook file may have.")
MSG_SOURCE_TOO_LARGE = N_("{name}: its code cells hold {size} bytes of source, more than the "
                          "{limit} bytes a notebook may have.")

# Calls allowed on the right-hand side of a top-level constant, e.g.
# `WEIGHTS = np.array([0.5, 0.5])`. Anything else is an experiment.
_CONSTANT_CALLS = {
    "from_assignment", "float", "int", "bool", "str", "tuple", "list", "dict", "set",
    "frozenset", "range", "OrderedDict",
}
_NUMPY_CONSTANT_CALLS = {
    "array", "asarray", "zeros", "ones", "zeros_like", "ones_like", "full", "empty",
    "arange", "linspace", "eye", "float32", "float64", "int32", "int64", "uint8",
    "exp", "log", "sqrt", "dtype",
}
# Imported on first use only: slow to import, and graded code rarely needs them.
_HEAVY_MODULES = {
    "matplotlib", "pandas", "scipy", "seaborn", "sklearn", "torch", "tensorflow", "tqdm",
    "IPython", "PIL", "cv2", "sympy", "plotly", "ipywidgets",
}
_MAGIC_LINE = re.compile(r"^\s*[%!]")
_CELL_FILENAME = re.compile(r"^<.*? (cell \d+|In \[\d+\])>$")


class NotebookError(Exception):
    """The file cannot be read as a notebook at all (missing, not JSON, not a notebook)."""


@dataclass(frozen=True)
class Cell:
    index: int  # 1-based position among all cells, as a student counts them
    source: str
    label: str = ""  # how to name the cell to a student; "cell N" unless set

    @property
    def name(self) -> str:
        return self.label or _("cell {index}").format(index=self.index)

    @property
    def head(self) -> str:
        for line in self.source.splitlines():
            if line.strip():
                return line.strip()[:60]
        return ""

    def describe(self) -> str:
        return f"{self.name} (`{self.head}`)" if self.head else self.name


@dataclass
class Problem:
    cell: Cell
    kind: str  # "syntax", "import" or "error"
    message: str

    def __str__(self) -> str:
        return f"{self.cell.describe()}: {self.message}"


@dataclass
class LoadedNotebook:
    """What a notebook defines. `namespace` holds the executed definitions."""

    name: str
    namespace: dict
    defined_in: dict[str, Cell] = field(default_factory=dict)
    experiment_names: dict[str, Cell] = field(default_factory=dict)
    broken_cells: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.namespace

    def why_missing(self, name: str) -> str:
        """One line saying why `name` is not defined, naming the cell where possible."""
        for problem in self.broken_cells:
            if re.search(rf"\b(def|class)\s+{re.escape(name)}\b", problem.cell.source):
                template = (_("{name} is not defined: {cell} has a syntax error: {message}")
                            if problem.kind == "syntax" else
                            _("{name} is not defined: {cell} has a problem: {message}"))
                return template.format(name=name, cell=problem.cell.describe(),
                                       message=problem.message)
        for problem in self.problems:
            if re.search(rf"\b(def|class)\s+{re.escape(name)}\b", problem.cell.source):
                return _("{name} could not be defined: {problem}").format(name=name,
                                                                         problem=problem)
        if name in self.experiment_names:
            return _("{name} is only assigned by an experiment in {cell}; define it with def or "
                     "class").format(name=name, cell=self.experiment_names[name].describe())
        return _("{name} is not defined in {notebook}").format(name=name, notebook=self.name)

    def explain_name_error(self, missing: str) -> str | None:
        """A hint for a NameError raised while a unit ran, or None."""
        if missing in self.experiment_names:
            return _("it uses the global `{name}`, which only an experiment defines ({cell}); "
                     "graded functions must not rely on globals computed by experiments: pass "
                     "it as an argument").format(
                name=missing, cell=self.experiment_names[missing].describe())
        if missing in self.defined_in or any(
            re.search(rf"\b(def|class)\s+{re.escape(missing)}\b", p.cell.source)
            for p in self.broken_cells + self.problems
        ):
            return self.why_missing(missing)
        return None


def read_cells(path: str | Path) -> list[Cell]:
    """The code cells of the notebook file at `path`.

    Raises NotebookError with a one-line reason for a missing, oversized, non-JSON or
    non-notebook file. Oversized means more than MAX_NOTEBOOK_BYTES of code-cell source;
    outputs and markdown do not count (the file as a whole has the generous
    MAX_NOTEBOOK_FILE_BYTES cap).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotebookError(_("{name}: cannot read the file ({reason})").format(
            name=path.name, reason=exc.strerror)) from None
    if size > MAX_NOTEBOOK_FILE_BYTES:
        raise NotebookError(_(MSG_FILE_TOO_LARGE).format(name=path.name, size=size,
                                                      limit=MAX_NOTEBOOK_FILE_BYTES))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(_("{name}: cannot read the file ({reason})").format(
            name=path.name, reason=exc)) from None
    cells = cells_from_json(text, path.name)
    source = sum(len(c.source.encode("utf-8", "surrogatepass")) for c in cells)
    if source > MAX_NOTEBOOK_BYTES:
        raise NotebookError(_(MSG_SOURCE_TOO_LARGE).format(name=path.name, size=source,
                                                        limit=MAX_NOTEBOOK_BYTES))
    return cells


def cells_from_json(text: str, name: str = "notebook") -> list[Cell]:
    """The code cells of a notebook given as JSON text (nbformat 4)."""
    try:
        nb = json.loads(text)
    except ValueError as exc:
        raise NotebookError(_("{name}: not a notebook (invalid JSON: {reason})").format(
            name=name, reason=exc)) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(_("{name}: not a notebook (no list of cells)").format(name=name))
    cells = []
    for index, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            if not all(isinstance(part, str) for part in source):
                raise NotebookError(_("{name}: cell {index} has a malformed source").format(
                    name=name, index=index))
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(_("{name}: cell {index} has a malformed source").format(
                    name=name, index=index))
        cells.append(Cell(index, source))
    return cells


def load_notebook(path: str | Path, module_name: str | None = None) -> LoadedNotebook:
    """Read the notebook at `path` and execute its definitions."""
    path = Path(path)
    return load_cells(read_cells(path), name=path.name, base_dir=path.parent.resolve(),
                      module_name=module_name)


def load_cells(cells: list[Cell], *, name: str = "notebook", base_dir: Path | None = None,
               module_name: str | None = None) -> LoadedNotebook:
    """Execute the definitions found in `cells`, in order, in a fresh module namespace.

    A cell with a syntax error is skipped as a whole and reported; a definition that fails
    to execute is reported and loading goes on, so one broken cell costs only the units
    defined in it.
    """
    module = types.ModuleType(module_name or "notebook_" + re.sub(r"\W", "_", name))
    namespace = module.__dict__
    loaded = LoadedNotebook(name=name, namespace=namespace)
    with _notebook_dir(base_dir):
        for cell in cells:
            _load_cell(cell, loaded, filename=_filename(name, cell))
    return loaded


def _filename(name: str, cell: Cell) -> str:
    """The pseudo file name a cell's code is compiled under (linecache holds its source for
    error messages). Another notebook of the same name loaded in this process (self-check
    runs several copies of the release) must not take its place: a different source gets a
    name of its own."""
    plain = f"<{name} {cell.name}>"
    known = linecache.cache.get(plain)
    source = strip_magics(cell.source) or ""
    if known is None or known[2] == source.splitlines(True):
        return plain
    digest = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"<{name} ({digest}) {cell.name}>"


@contextlib.contextmanager
def _notebook_dir(base_dir: Path | None) -> Iterator[None]:
    token = current_notebook_dir.set(base_dir)
    try:
        yield
    finally:
        current_notebook_dir.reset(token)


def _load_cell(cell: Cell, loaded: LoadedNotebook, filename: str) -> None:
    source = strip_magics(cell.source)
    if source is None:
        return
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        loaded.broken_cells.append(Problem(cell, "syntax", f"{where}{exc.msg}"))
        return
    # Register the source so tracebacks through student code show the line.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    for stmt in tree.body:
        kind = classify(stmt)
        if kind == "experiment":
            for target in _assigned_names(stmt):
                loaded.experiment_names.setdefault(target, cell)
            continue
        if kind == "import" and _bind_lazily(stmt, loaded.namespace):
            for target in _defined_names(stmt):
                loaded.defined_in[target] = cell
            continue
        code = compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec")
        try:
            exec(code, loaded.namespace)  # noqa: S102 - running the notebook is the point
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            if kind == "constant" and isinstance(exc, NameError):
                # A "constant" that needs an experiment's result is an experiment too.
                for target in _assigned_names(stmt):
                    loaded.experiment_names.setdefault(target, cell)
                continue
            loaded.problems.append(
                Problem(cell, "import" if kind == "import" else "error", describe_exception(exc))
            )
            continue
        for target in _defined_names(stmt):
            loaded.defined_in[target] = cell
            loaded.experiment_names.pop(target, None)


class _Lazy:
    """A heavy module (or a name from it) imported on first use, not at load time.

    Notebooks import matplotlib for their experiments; importing it takes about a second,
    and graded functions almost never touch it, so loading stays fast.
    """

    def __init__(self, module: str, name: str | None = None):
        self._module, self._name, self._target = module, name, None

    def _resolve(self) -> Any:
        if self._target is None:
            module = importlib.import_module(self._module)
            if self._name is None:
                self._target = module
            else:
                try:
                    self._target = getattr(module, self._name)
                except AttributeError:
                    self._target = importlib.import_module(f"{self._module}.{self._name}")
        return self._target

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") and attr in ("_module", "_name", "_target"):
            raise AttributeError(attr)
        return getattr(self._resolve(), attr)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        what = self._module + (f".{self._name}" if self._name else "")
        return f"<lazily imported {what}>"


def _is_heavy(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in _HEAVY_MODULES


def _bind_lazily(stmt: ast.stmt, namespace: dict) -> bool:
    """Bind the names of an import of a heavy module to _Lazy proxies; False otherwise."""
    if isinstance(stmt, ast.Import) and all(_is_heavy(a.name) for a in stmt.names):
        for alias in stmt.names:
            if alias.asname:
                namespace[alias.asname] = _Lazy(alias.name)
            else:  # `import matplotlib.pyplot` binds the top package
                namespace[alias.name.split(".")[0]] = _Lazy(alias.name.split(".")[0])
        return True
    if (isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and _is_heavy(stmt.module)
            and all(a.name != "*" for a in stmt.names)):
        for alias in stmt.names:
            namespace[alias.asname or alias.name] = _Lazy(stmt.module, alias.name)
        return True
    return False


def strip_magics(source: str) -> str | None:
    """The cell's Python with IPython magics and shell lines blanked (line numbers kept).

    Returns None for a cell magic (`%%time`, `%%bash`): the whole cell is not Python.
    """
    if source.lstrip().startswith("%%"):
        return None
    return "\n".join("" if _MAGIC_LINE.match(line) else line for line in source.split("\n"))


def classify(stmt: ast.stmt) -> str:
    """'definition', 'import', 'constant' or 'experiment' for one top-level statement."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return "import"
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return "definition"
    if (isinstance(stmt, ast.Assign) and all(_is_name_target(t) for t in stmt.targets)
            and _is_constant(stmt.value)):
        return "constant"
    if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            and (stmt.value is None or _is_constant(stmt.value))):
        return "constant"
    if isinstance(stmt, ast.Try):
        # `try: import x / except ImportError: ...` is an import, not an experiment.
        blocks = stmt.body + stmt.orelse + stmt.finalbody + [
            s for handler in stmt.handlers for s in handler.body
        ]
        if all(classify(s) != "experiment" or isinstance(s, ast.Pass) for s in blocks):
            return "import"
    return "experiment"


def _is_name_target(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(
        _is_name_target(elt) for elt in target.elts
    )


def _is_constant(node: ast.expr) -> bool:
    """True for expressions made of literals, names and harmless constructor calls."""
    for child in ast.walk(node):
        if isinstance(child, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom,
                              ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return False
        if isinstance(child, ast.Call):
            func = child.func
            if isinstance(func, ast.Name) and func.id in _CONSTANT_CALLS:
                continue
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id in ("np", "numpy")
                    and func.attr in _NUMPY_CONSTANT_CALLS):
                continue
            return False
    return True


def _assigned_names(stmt: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.For, ast.With)):
        return []
    names = []
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.append(node.id)
    return names


def _defined_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in stmt.names]
    return _assigned_names(stmt)


# Where an error happened, in words a student can follow in Jupyter (which numbers no
# cells): the unit and the line counted from its `def` (line 1), with that line's code.
MSG_WHERE_UNIT = N_(" (in `{unit}`, line {line}: `{code}`)")
MSG_WHERE_UNIT_NO_CODE = N_(" (in `{unit}`, line {line})")
MSG_WHERE_TOP = N_(" (in the cell that starts with `{head}`, line {line}: `{code}`)")
MSG_WHERE_TOP_NO_CODE = N_(" (in the cell that starts with `{head}`, line {line})")


@dataclass(frozen=True)
class Location:
    """Where in a notebook an error happened."""

    unit: str | None  # `softmax`, `Affine.backward`; None at the top level of a cell
    line: int  # 1 = the `def` line of the unit (or the first line of the cell)
    code: str  # the text of that line, stripped and shortened
    head: str  # the first non-blank line of the cell

    def __str__(self) -> str:
        if self.unit:
            template = MSG_WHERE_UNIT if self.code else MSG_WHERE_UNIT_NO_CODE
        else:
            template = MSG_WHERE_TOP if self.code else MSG_WHERE_TOP_NO_CODE
        return _(template).format(unit=self.unit, line=self.line, code=self.code, head=self.head)


def _short(text: str, limit: int = 80) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _cell_lines(filename: str) -> list[str]:
    entry = linecache.cache.get(filename)
    return list(entry[2]) if entry and entry[2] else []


def _unit_of(code: types.CodeType) -> tuple[str, bool]:
    """The unit a code object belongs to ("TwoLayerNet.numerical_gradient" for a lambda in
    it) and whether the code object is that unit itself."""
    qualname = getattr(code, "co_qualname", code.co_name)  # co_qualname: Python 3.11+
    outer = qualname.split(".<locals>.")[0]
    return outer, outer == qualname


def locate(exc: BaseException) -> Location | None:
    """The innermost notebook line in `exc`'s traceback, named by unit and line."""
    frames = [(frame.f_code, lineno) for frame, lineno in traceback.walk_tb(exc.__traceback__)
              if _CELL_FILENAME.match(frame.f_code.co_filename)]
    if isinstance(exc, SyntaxError) and exc.filename and _CELL_FILENAME.match(exc.filename):
        lines = _cell_lines(exc.filename)
        lineno = exc.lineno or 1
        code = lines[lineno - 1] if 0 < lineno <= len(lines) else (exc.text or "")
        return Location(None, lineno, _short(code), _short(_head(lines), 60))
    if not frames:
        return None
    code, lineno = frames[-1]
    lines = _cell_lines(code.co_filename)
    text = _short(lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    if code.co_name == "<module>":
        return Location(None, lineno, text, _short(_head(lines), 60))
    unit, itself = _unit_of(code)
    first = code.co_firstlineno
    if not itself:  # a lambda or inner function: count from the enclosing unit's `def`
        first = next((c.co_firstlineno for c, _ in reversed(frames)
                      if c.co_filename == code.co_filename and _unit_of(c) == (unit, True)),
                     _def_line(lines, unit, lineno) or first)
    return Location(unit, lineno - first + 1, text, _short(_head(lines), 60))


def _head(lines: list[str]) -> str:
    return next((line.strip() for line in lines if line.strip()), "")


def _def_line(lines: list[str], unit: str, before: int) -> int | None:
    """The line of the `def` of `unit`'s last part at or above line `before`."""
    name = re.escape(unit.split(".")[-1])
    for number in range(min(before, len(lines)), 0, -1):
        if re.match(rf"\s*(async\s+)?def\s+{name}\b", lines[number - 1]):
            return number
    return None


def describe_exception(exc: BaseException) -> str:
    """`Type: message (in `unit`, line L: `code`)`, pointing at the innermost notebook
    line; the line is counted from the unit's `def` (line 1)."""
    where = locate(exc)
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    text = f"{name}: {message}" if message else name
    if len(text) > 300:
        text = text[:297] + "..."
    return text + (str(where) if where else "")


def unit_object(namespace: dict, unit: str) -> object:
    """The object a qualified unit name points to: `softmax` or `Affine.backward`."""
    top, _dot, rest = unit.partition(".")
    obj = namespace[top]
    if rest and rest != "__init__":
        obj = getattr(obj, rest)
    return obj


__all__ = [
    "Cell", "LoadedNotebook", "Location", "NotebookError", "Problem", "cells_from_json",
    "classify", "current_notebook_dir", "describe_exception", "load_cells", "load_notebook",
    "locate", "read_cells", "strip_magics", "unit_object",
]
