"""The worker: runs one student's notebook inside the sandbox and answers the grader.

It knows nothing about the reference solutions or the checks. It loads the notebook's
definitions, and for each check rebinds the other graded units of the notebook to stubs
that call back to the grader (unit isolation), then calls what the grader asks for.
"""

from __future__ import annotations

import random
import socket
from typing import Any

import numpy as np

from ..i18n.messages import set_language
from ..notebook import importer
from ..notebook.loader import Cell, LoadedNotebook, describe_exception, load_cells
from .codec import ChannelClosed, ProtocolError
from .rpc import WORKER, Peer, RemoteError, UnitStub


class Worker:
    def __init__(self, sock: socket.socket):
        self.peer = Peer(sock, policy=WORKER, resolve_unit=self.resolve,
                         describe_error=self.describe,
                         handlers={"load": self.load, "isolate": self.isolate,
                                   "blank": self.blank})
        self.loaded: LoadedNotebook | None = None
        self.imports: dict[str, list[str]] = {}
        self.originals: dict[str, Any] = {}

    def load(self, meta: dict, values: dict) -> dict:
        """Execute the notebook's definitions. meta: cells, name, imports, units, lang (the
        notebook's language: what this worker's messages are written in)."""
        set_language(str(meta.get("lang", "")))
        cells = [Cell(int(i), str(src)) for i, src in meta["cells"]]
        self.imports = {str(a): [str(n) for n in names] for a, names in meta["imports"].items()}
        importer.set_resolver(self._import)
        self.loaded = load_cells(cells, name=str(meta["name"]))
        names = [str(n) for n in meta["names"]]
        self.originals = {n: self.loaded.namespace[n] for n in names if n in self.loaded.namespace}
        return {
            "missing": {n: self.loaded.why_missing(n) for n in names if n not in self.originals},
            "problems": [str(p) for p in self.loaded.broken_cells + self.loaded.problems],
        }

    def _import(self, assignment_id: str, name: str) -> Any:
        if name not in self.imports.get(assignment_id, ()):
            raise ImportError(f"{assignment_id} has no unit {name!r} for this notebook")
        return UnitStub(self.peer, f"{assignment_id}:{name}")

    def isolate(self, meta: dict, values: dict) -> dict:
        """Start a check: seed the RNGs and replace the listed units by reference stubs."""
        self.peer.reset()
        namespace = self.loaded.namespace if self.loaded else {}
        namespace.update(self.originals)
        for name in meta.get("replace", []):
            if name in self.originals:
                namespace[name] = UnitStub(self.peer, str(name))
        seed = int(meta.get("seed", 0)) % 2**32
        np.random.seed(seed)
        random.seed(seed)
        return {}

    def blank(self, meta: dict, values: dict) -> dict:
        """An instance of the student's class without running its __init__ (the grader then
        gives it the book's state, so that a mistake in __init__ costs only __init__)."""
        cls = self.resolve(str(meta.get("name")))
        if not isinstance(cls, type):
            raise TypeError(f"{meta.get('name')} is not a class")
        return {"value": cls.__new__(cls)}

    def resolve(self, unit: str) -> Any:
        """The student's own unit (never a stub), for the grader to call."""
        if unit not in self.originals:
            raise LookupError(self.loaded.why_missing(unit) if self.loaded else
                              "no notebook is loaded")
        return self.originals[unit]

    def describe(self, exc: BaseException) -> dict:
        info: dict[str, Any] = {"type": type(exc).__name__, "text": describe_exception(exc)}
        if isinstance(exc, NotImplementedError):
            info["not_implemented"] = True
        elif isinstance(exc, importer.UnitNotReady):
            info["not_ready"] = True
        elif isinstance(exc, SystemExit):
            info["text"] = f"SystemExit: sys.exit({exc.code!r}) was called"
        elif isinstance(exc, MemoryError):
            info["text"] = "MemoryError: the unit ran out of the memory the grader allows"
        elif isinstance(exc, RemoteError):
            info["text"] = f"a call back to the grader failed: {exc.info.get('message', '')}"
        elif isinstance(exc, LookupError) and not isinstance(exc, (KeyError, IndexError)):
            info["text"] = str(exc)
        if isinstance(exc, NameError) and getattr(exc, "name", None) and self.loaded:
            hint = self.loaded.explain_name_error(exc.name)
            if hint:
                info["hint"] = hint
        return info


def serve(fd: int) -> None:
    """Answer the grader on the connected socket `fd` until it closes."""
    sock = socket.socket(fileno=fd)
    try:
        Worker(sock).peer.serve_forever()
    except (ChannelClosed, ProtocolError):
        pass
