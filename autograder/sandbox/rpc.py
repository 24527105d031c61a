"""Calls across the trust boundary, in both directions, with Python's sharing semantics.

The grader calls the student's units in the worker; a student's unit may call back into
the grader (a reference unit under unit isolation, or a function the check passed in).
Both sides run the same `Peer`, connected by a socket. Values cross as data (see codec):
arrays are copied, functions and objects become proxies that call back.

To keep plain-Python behaviour that the book's code relies on, an array keeps a link to
the original it was copied from. When the copy comes back, the original is updated in
place and no new object appears: `numerical_gradient(f, x)` that perturbs `x[idx]` and
calls `f(x)` makes the perturbation visible to `f` on the other side, and an optimizer
that does `params[key] -= ...` changes the caller's arrays. After a call, arguments the
callee changed are sent back and written into the caller's objects. Keep a `.copy()` of
any received array you want to remember: a later message may update it in place.
"""

from __future__ import annotations

import functools
import itertools
import math
import types
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .codec import MAX_DEPTH, Channel, ProtocolError, array_from_blob, blob_of

MAX_NESTING = 64
MAX_TEXT = 2000


class RemoteError(Exception):
    """The other side raised while serving our request. `info` describes it."""

    def __init__(self, info: dict[str, Any]):
        self.info = info
        super().__init__(info.get("message", ""))


class Unsendable:
    """Stands for a value the worker could not send as data (e.g. an object array)."""

    def __init__(self, description: str):
        self.description = description

    def __repr__(self) -> str:
        return f"<{self.description}>"


class Exposed:
    """A trusted object handed to the worker: its `methods` may be called, and its
    `shared` attributes are copied to the proxy and synced both ways around each call."""

    def __init__(self, obj: Any, methods: tuple[str, ...], shared: tuple[str, ...] = ()):
        self.obj, self.methods, self.shared = obj, tuple(methods), tuple(shared)


class RemoteFunction:
    """A function that lives on the other side."""

    def __init__(self, peer: Peer, rid: int, name: str):
        self._sg_peer, self._sg_rid, self.__name__ = peer, rid, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._sg_peer.call({"fn": self._sg_rid}, args, kwargs)

    def __repr__(self) -> str:
        return f"<remote function {self.__name__}>"


class UnitStub:
    """A unit the other side resolves by name (the worker's view of a reference unit).

    Calling it calls the unit; for a class that gives a proxy of the new instance.
    """

    def __init__(self, peer: Peer, unit: str):
        self._sg_peer, self._sg_unit = peer, unit
        self.__name__ = self.__qualname__ = unit.rpartition(":")[2]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._sg_peer.call({"unit": self._sg_unit}, args, kwargs)

    def __repr__(self) -> str:
        return f"<reference {self.__name__}>"


class RemoteObject:
    """An object that lives on the other side.

    With `methods` given (an Exposed object of the grader), only those methods exist and
    the shared attributes are real local attributes. Without (a student's object seen by
    the grader), every attribute access asks the worker.
    """

    def __init__(self, peer: Peer, rid: int, cls: str, methods: list[str] | None,
                 shared: list[str]):
        object.__setattr__(self, "_sg_peer", peer)
        object.__setattr__(self, "_sg_rid", rid)
        object.__setattr__(self, "_sg_cls", cls)
        object.__setattr__(self, "_sg_methods", methods)
        object.__setattr__(self, "_sg_shared", shared)

    def __getattr__(self, name: str) -> Any:
        if name.startswith(("__", "_sg_")):
            raise AttributeError(name)
        if self._sg_methods is None:
            return self._sg_peer.request("getattr", {"obj": self._sg_rid, "name": name})["value"]
        if name in self._sg_methods:
            return _BoundRemoteMethod(self, name)
        raise AttributeError(f"{self._sg_cls!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if self._sg_methods is not None:
            object.__setattr__(self, name, value)
        else:
            self._sg_peer.request("setattr", {"obj": self._sg_rid, "name": name},
                                  {"value": value})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._sg_methods is not None and "__call__" not in self._sg_methods:
            raise TypeError(f"{self._sg_cls!r} object is not callable")
        return self._sg_peer.call({"obj": self._sg_rid, "method": "__call__"}, args, kwargs)

    def __repr__(self) -> str:
        return f"<remote {self._sg_cls} object>"


class _BoundRemoteMethod:
    def __init__(self, owner: RemoteObject, name: str):
        self._owner, self.__name__ = owner, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        owner = self._owner
        target = {"obj": owner._sg_rid, "method": self.__name__}
        return owner._sg_peer.call(target, args, kwargs, holder=owner)


def sync_into(original: Any, new: Any) -> None:
    """Make the container `original` hold what `new` holds, keeping its identity."""
    if original is new:
        return
    if isinstance(original, dict) and isinstance(new, dict):
        for key in [k for k in original if k not in new]:
            del original[key]
        for key, value in new.items():
            if original.get(key) is not value:
                original[key] = value
    elif isinstance(original, list) and isinstance(new, list) and (
        len(original) != len(new) or any(a is not b for a, b in zip(original, new))
    ):
        original[:] = new


def _set_attr(obj: Any, name: str, value: Any) -> None:
    current = getattr(obj, name, None)
    if current is value:
        return
    if isinstance(current, dict) and isinstance(value, dict):
        sync_into(current, value)
    elif isinstance(obj, RemoteObject):
        object.__setattr__(obj, name, value)
    else:
        setattr(obj, name, value)


class _Snapshot:
    """What a value looked like, to tell afterwards whether a call changed it.

    With contents=False (the grader serving the worker: reference code does not modify
    its arguments) arrays are not copied; only arrays that were sent on to the worker
    during the call, whose copies there may have changed, count as changed.
    """

    def __init__(self, value: Any, contents: bool = True, depth: int = 0):
        self.value = value
        self.copy: Any = None
        self.items: list[tuple[Any, _Snapshot]] | None = None
        if isinstance(value, np.ndarray):
            self.copy = value.copy() if contents else None
        elif depth < 8 and isinstance(value, dict):
            self.items = [(k, _Snapshot(v, contents, depth + 1)) for k, v in value.items()]
        elif depth < 8 and isinstance(value, list):
            self.items = [(i, _Snapshot(v, contents, depth + 1)) for i, v in enumerate(value)]

    def changed(self, sent: set[int]) -> bool:
        value = self.value
        if isinstance(value, np.ndarray):
            if id(value) in sent:
                return True
            if self.copy is None:
                return False
            if value.shape != self.copy.shape:
                return True
            try:
                return not np.array_equal(value, self.copy, equal_nan=True)
            except TypeError:
                return not np.array_equal(value, self.copy)
        if self.items is None:
            return False
        if isinstance(value, dict):
            if len(value) != len(self.items):
                return True
            for key, snap in self.items:
                if key not in value or value[key] is not snap.value or snap.changed(sent):
                    return True
            return False
        if len(value) != len(self.items):
            return True
        return any(value[i] is not snap.value or snap.changed(sent) for i, snap in self.items)


class _SharedSnapshot:
    """The shared attributes of a proxy, to send back those a call changed."""

    def __init__(self, proxy: RemoteObject):
        self.proxy = proxy
        self.attrs = {n: _Snapshot(proxy.__dict__.get(n)) for n in proxy._sg_shared}

    def changed(self, sent: set[int]) -> dict[str, Any]:
        now = self.proxy.__dict__
        return {n: now.get(n) for n, snap in self.attrs.items()
                if now.get(n) is not snap.value or snap.changed(sent)}


class Peer:
    """One end of the connection. `trusted` marks the grader's end."""

    def __init__(self, sock: Any, *, trusted: bool,
                 handlers: dict[str, Callable[[dict, dict], dict]] | None = None,
                 resolve_unit: Callable[[str], Any] | None = None,
                 describe_error: Callable[[BaseException], dict] | None = None):
        self.channel = Channel(sock)
        self.trusted = trusted
        self.deadline: float | None = None
        self.resolve_unit = resolve_unit
        self.describe_error = describe_error or _describe
        self.handlers: dict[str, Callable[[dict, dict], dict]] = {
            "call": self._handle_call, "getattr": self._handle_getattr,
            "setattr": self._handle_setattr, "sync": lambda meta, values: {},
        }
        if handlers:
            self.handlers.update(handlers)
        self._ids = itertools.count(1)
        self._depth = 0
        self._sent_stack: list[set[int]] = []
        self.reset()

    def reset(self) -> None:
        """Forget every export, proxy and array link (between two checks)."""
        self._exports: dict[int, Any] = {}
        self._export_lids: dict[int, int] = {}
        self._arrays: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
        self._array_lids: dict[int, int] = {}
        self._copies: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
        self._copy_rids: dict[int, int] = {}
        self._proxies: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()

    # -- requests -----------------------------------------------------------------

    def request(self, op: str, meta: dict | None = None, values: dict | None = None) -> dict:
        """Send a request and serve the other side's nested requests until it answers."""
        rid = next(self._ids)
        blobs: list[memoryview] = []
        doc = {"kind": "req", "id": rid, "op": op, "meta": meta or {},
               "values": self._encode_values(values or {}, blobs)}
        self.channel.send(doc, blobs, self.deadline)
        while True:
            doc, blobs = self.channel.recv(self.deadline)
            if not isinstance(doc, dict):
                raise ProtocolError("a message must be an object")
            kind = doc.get("kind")
            if kind == "req":
                self._serve(doc, blobs)
                continue
            if doc.get("id") != rid:
                raise ProtocolError("reply to an unknown request")
            if kind == "ok":
                return self._decode_values(doc.get("values"), blobs)
            if kind == "err":
                raise RemoteError(_check_error(doc.get("error")))
            raise ProtocolError("unknown message kind")

    def call(self, target: dict, args: tuple, kwargs: dict, holder: RemoteObject | None = None
             ) -> Any:
        values: dict[str, Any] = {"args": list(args), "kwargs": dict(kwargs)}
        if holder is not None:
            # Only what changed since the last sync travels: a training loop calls
            # gradient and loss once per step, but changes the weights only in between.
            shared = {n: holder.__dict__[n] for n in holder._sg_shared if n in holder.__dict__}
            synced: _SharedSnapshot | None = holder.__dict__.get("_sg_synced")
            if synced is not None:
                shared = {n: v for n, v in synced.changed(set()).items() if n in shared}
            values["shared"] = shared
        out = self.request("call", {"target": target}, values)
        post = out.get("post") or {}
        if not isinstance(post, dict):
            raise ProtocolError("bad post-state")
        for index, value in (post.get("args") or {}).items():
            if (i := _arg_index(index, args)) is not None:
                sync_into(args[i], value)
        for name, value in (post.get("kwargs") or {}).items():
            if name in kwargs:
                sync_into(kwargs[name], value)
        for index, attrs in (post.get("shared") or {}).items():
            i = _arg_index(index, args)
            exposed = args[i] if i is not None else None
            if isinstance(exposed, Exposed) and isinstance(attrs, dict):
                for name, value in attrs.items():
                    if name in exposed.shared:
                        _set_attr(exposed.obj, name, value)
        if holder is not None:
            for name, value in (out.get("shared") or {}).items():
                if name in holder._sg_shared:
                    _set_attr(holder, name, value)
            object.__setattr__(holder, "_sg_synced", _SharedSnapshot(holder))
        return out.get("value")

    def serve_forever(self) -> None:
        """The worker's main loop: answer requests until the connection closes."""
        while True:
            doc, blobs = self.channel.recv()
            if not isinstance(doc, dict) or doc.get("kind") != "req":
                raise ProtocolError("expected a request")
            self._serve(doc, blobs)

    def _serve(self, doc: dict, blobs: list[bytearray]) -> None:
        rid = doc.get("id")
        if not isinstance(rid, int):
            raise ProtocolError("request without an id")
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise RecursionError("calls between the grader and the worker nest too deeply")
            op, meta = doc.get("op"), doc.get("meta")
            if op not in self.handlers or not isinstance(meta, dict):
                raise ProtocolError(f"unknown request {str(op)[:40]!r}")
            values = self._decode_values(doc.get("values"), blobs)
            result = self.handlers[op](meta, values)
            out_blobs: list[memoryview] = []
            reply = {"kind": "ok", "id": rid, "values": self._encode_values(result, out_blobs)}
        except ProtocolError:
            raise
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt) and self.trusted:
                raise
            out_blobs = []
            reply = {"kind": "err", "id": rid, "error": self.describe_error(exc)}
        finally:
            self._depth -= 1
        self.channel.send(reply, out_blobs, self.deadline)

    # -- built-in handlers ----------------------------------------------------------

    def _target(self, target: Any) -> tuple[Callable[..., Any], Exposed | None]:
        if not isinstance(target, dict):
            raise ProtocolError("bad call target")
        if "unit" in target:
            if self.resolve_unit is None or not isinstance(target["unit"], str):
                raise LookupError("no units can be called here")
            return self.resolve_unit(target["unit"]), None
        obj = self._export(target.get("fn", target.get("obj")))
        if "fn" in target:
            if isinstance(obj, Exposed) or not callable(obj):
                raise LookupError("not a function")
            return obj, None
        method = target.get("method")
        if not isinstance(method, str):
            raise ProtocolError("bad method name")
        if isinstance(obj, Exposed):
            if method not in obj.methods:
                raise AttributeError(f"{type(obj.obj).__name__}.{method} is not available")
            return getattr(obj.obj, method), obj
        if self.trusted:
            raise LookupError("not an exposed object")
        return getattr(obj, method), None

    def _export(self, lid: Any) -> Any:
        if not isinstance(lid, int) or lid not in self._exports:
            raise LookupError("unknown reference")
        return self._exports[lid]

    def _handle_call(self, meta: dict, values: dict) -> dict:
        fn, exposed = self._target(meta.get("target"))
        args, kwargs = values.get("args", []), values.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict) or not all(
            isinstance(k, str) for k in kwargs
        ):
            raise ProtocolError("bad call arguments")
        if exposed is not None:
            for name, value in (values.get("shared") or {}).items():
                if name in exposed.shared:
                    _set_attr(exposed.obj, name, value)
            shared_before = {n: _Snapshot(getattr(exposed.obj, n, None), not self.trusted)
                             for n in exposed.shared}
        snapshots = [_Snapshot(a, not self.trusted) for a in args]
        kw_snapshots = {k: _Snapshot(v, not self.trusted) for k, v in kwargs.items()}
        # An object the caller exposed may have its shared attributes changed after its
        # last method call (the last SGD step), so they travel back with the reply too.
        proxies = {str(i): _SharedSnapshot(a) for i, a in enumerate(args)
                   if isinstance(a, RemoteObject) and a._sg_shared}
        self._sent_stack.append(set())
        try:
            result = fn(*args, **kwargs)
        finally:
            sent = self._sent_stack.pop()
        post = {
            "args": {str(i): s.value for i, s in enumerate(snapshots) if s.changed(sent)},
            "kwargs": {k: s.value for k, s in kw_snapshots.items() if s.changed(sent)},
            "shared": {i: changed for i, snap in proxies.items()
                       if (changed := snap.changed(sent))},
        }
        reply: dict[str, Any] = {"value": result, "post": post}
        if exposed is not None:
            reply["shared"] = {
                n: getattr(exposed.obj, n, None) for n, snap in shared_before.items()
                if getattr(exposed.obj, n, None) is not snap.value or snap.changed(sent)
            }
        return reply

    def _handle_getattr(self, meta: dict, values: dict) -> dict:
        if self.trusted:
            raise LookupError("attributes of the grader's objects are not available")
        name = meta.get("name")
        if not isinstance(name, str):
            raise ProtocolError("bad attribute name")
        return {"value": getattr(self._export(meta.get("obj")), name)}

    def _handle_setattr(self, meta: dict, values: dict) -> dict:
        if self.trusted:
            raise LookupError("attributes of the grader's objects are not available")
        name = meta.get("name")
        if not isinstance(name, str):
            raise ProtocolError("bad attribute name")
        setattr(self._export(meta.get("obj")), name, values.get("value"))
        return {}

    # -- encoding -----------------------------------------------------------------

    def _encode_values(self, values: dict, blobs: list[memoryview]) -> dict:
        return {key: self._enc(value, blobs, 0) for key, value in values.items()}

    def _enc(self, v: Any, blobs: list[memoryview], depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("the value is nested too deeply to send")
        if v is None or isinstance(v, (bool, str)):
            return v if not isinstance(v, str) or self.trusted else v[:100_000]
        if isinstance(v, np.ndarray):
            return self._enc_array(v, blobs)
        if isinstance(v, np.generic) and v.dtype.kind in "biufc":
            dtype, shape, blob = blob_of(np.asarray(v))
            blobs.append(blob)
            return {"$nd": len(blobs) - 1, "dtype": dtype, "shape": shape, "scalar": True}
        if isinstance(v, int):
            return int(v)
        if isinstance(v, float):
            v = float(v)
            return v if math.isfinite(v) else {"$float": repr(v)}
        if isinstance(v, list):
            return [self._enc(x, blobs, depth + 1) for x in v]
        if isinstance(v, tuple):
            return {"$tuple": [self._enc(x, blobs, depth + 1) for x in v]}
        if isinstance(v, dict) and all(isinstance(k, (str, int)) and not isinstance(k, bool)
                                       for k in v):
            return {"$dict": [[k, self._enc(x, blobs, depth + 1)] for k, x in v.items()]}
        if isinstance(v, (RemoteFunction, RemoteObject)) and v._sg_peer is self:
            return {"$ref": v._sg_rid}
        if isinstance(v, Exposed):
            lid = self._new_export(v)
            return {"$obj": lid, "cls": type(v.obj).__name__, "methods": list(v.methods),
                    "shared": {n: self._enc(getattr(v.obj, n, None), blobs, depth + 1)
                               for n in v.shared}}
        if isinstance(v, UnitStub) and v._sg_peer is self:
            return {"$unit": v._sg_unit}
        if self.trusted and not callable(v):
            raise TypeError(f"cannot send a {type(v).__name__} to the worker")
        lid = self._new_export(v)
        if callable(v) and (self.trusted or not _is_plain_instance(v)):
            return {"$fn": lid, "name": str(getattr(v, "__name__", "function"))[:100]}
        return {"$obj": lid, "cls": type(v).__name__[:100]}

    def _enc_array(self, a: np.ndarray, blobs: list[memoryview]) -> Any:
        if a.dtype.kind not in "biufc" or a.dtype.hasobject:
            if self.trusted:
                raise TypeError(f"cannot send an array of dtype {a.dtype}")
            return {"$unsendable": f"an array of dtype {str(a.dtype)[:40]} and shape {a.shape}"}
        rid = self._copy_rids.get(id(a))
        if rid is not None and self._copies.get(rid) is a:
            link = ["yours", rid]
        else:
            lid = self._array_lids.get(id(a))
            if lid is None or self._arrays.get(lid) is not a:
                lid = next(self._ids)
                self._arrays[lid] = a
                self._array_lids[id(a)] = lid
                weakref.finalize(a, self._array_lids.pop, id(a), None)
            link = ["mine", lid]
        for sent in self._sent_stack:
            sent.add(id(a))
        dtype, shape, blob = blob_of(a)
        blobs.append(blob)
        doc = {"$nd": len(blobs) - 1, "dtype": dtype, "shape": shape, "link": link}
        if type(a) is not np.ndarray:
            doc["cls"] = type(a).__name__[:100]
        return doc

    def _new_export(self, obj: Any) -> int:
        lid = self._export_lids.get(id(obj))
        if lid is not None and self._exports.get(lid) is obj:
            return lid
        lid = next(self._ids)
        self._exports[lid] = obj
        self._export_lids[id(obj)] = lid
        return lid

    # -- decoding (strict: the grader decodes what student code sent) ---------------

    def _decode_values(self, doc: Any, blobs: list[bytearray]) -> dict:
        if not isinstance(doc, dict):
            raise ProtocolError("values must be an object")
        used: set[int] = set()
        return {key: self._dec(value, blobs, used, 0) for key, value in doc.items()}

    def _dec(self, j: Any, blobs: list[bytearray], used: set[int], depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        if j is None or isinstance(j, (bool, int, float, str)):
            return j
        if isinstance(j, list):
            return [self._dec(x, blobs, used, depth + 1) for x in j]
        if not isinstance(j, dict) or len(j) == 0:
            raise ProtocolError("bad value")
        if "$nd" in j:
            return self._dec_array(j, blobs, used)
        if "$tuple" in j and isinstance(j["$tuple"], list):
            return tuple(self._dec(x, blobs, used, depth + 1) for x in j["$tuple"])
        if "$dict" in j and isinstance(j["$dict"], list):
            out = {}
            for pair in j["$dict"]:
                if not (isinstance(pair, list) and len(pair) == 2
                        and isinstance(pair[0], (str, int)) and not isinstance(pair[0], bool)):
                    raise ProtocolError("bad dict entry")
                out[pair[0]] = self._dec(pair[1], blobs, used, depth + 1)
            return out
        if "$float" in j:
            if j["$float"] not in ("nan", "inf", "-inf"):
                raise ProtocolError("bad float")
            return float(j["$float"])
        if "$unsendable" in j:
            return Unsendable(str(j["$unsendable"])[:200])
        if "$ref" in j:
            return self._export(j["$ref"])
        if "$fn" in j:
            rid = _check_int(j["$fn"])
            proxy = self._proxies.get(rid)
            if not isinstance(proxy, RemoteFunction):
                proxy = RemoteFunction(self, rid, str(j.get("name", "function"))[:100])
                self._proxies[rid] = proxy
            return proxy
        if "$unit" in j:
            if not isinstance(j["$unit"], str):
                raise ProtocolError("bad unit name")
            return self.resolve_unit(j["$unit"]) if self.resolve_unit else None
        if "$obj" in j:
            return self._dec_object(j, blobs, used, depth)
        raise ProtocolError("unknown value type")

    def _dec_object(self, j: dict, blobs: list[bytearray], used: set[int], depth: int) -> Any:
        rid = _check_int(j["$obj"])
        methods, shared_doc = j.get("methods"), j.get("shared") or {}
        if methods is not None and not (
            isinstance(methods, list) and all(isinstance(m, str) for m in methods)
        ):
            raise ProtocolError("bad method list")
        if not isinstance(shared_doc, dict):
            raise ProtocolError("bad shared attributes")
        proxy = self._proxies.get(rid)
        if not isinstance(proxy, RemoteObject):
            proxy = RemoteObject(self, rid, str(j.get("cls", "object"))[:100], methods,
                                 [str(n) for n in shared_doc])
            self._proxies[rid] = proxy
        for name, value in shared_doc.items():
            _set_attr(proxy, name, self._dec(value, blobs, used, depth + 1))
        return proxy

    def _dec_array(self, j: dict, blobs: list[bytearray], used: set[int]) -> Any:
        index = j["$nd"]
        if type(index) is not int or not 0 <= index < len(blobs) or index in used:
            raise ProtocolError("bad array buffer reference")
        used.add(index)
        array = array_from_blob(blobs[index], j.get("dtype"), j.get("shape"))
        if j.get("scalar"):
            if array.shape != ():
                raise ProtocolError("a scalar must have shape ()")
            return array[()]
        link = j.get("link")
        if link is None:
            return array
        if not (isinstance(link, list) and len(link) == 2 and link[0] in ("mine", "yours")):
            raise ProtocolError("bad array link")
        lid = _check_int(link[1])
        if link[0] == "yours":
            original = self._arrays.get(lid)
            if _same_layout(original, array):
                original[...] = array
                return original
            return array
        existing = self._copies.get(lid)
        if _same_layout(existing, array):
            existing[...] = array
            return existing
        self._copies[lid] = array
        self._copy_rids[id(array)] = lid
        weakref.finalize(array, self._copy_rids.pop, id(array), None)
        return array


def _arg_index(index: Any, args: tuple) -> int | None:
    """The position a post-state entry names ("0", "1", ...), if it is one of args."""
    if isinstance(index, str) and index.isdigit() and int(index) < len(args):
        return int(index)
    return None


def _same_layout(target: np.ndarray | None, array: np.ndarray) -> bool:
    return (target is not None and target.shape == array.shape and target.dtype == array.dtype
            and target.flags.writeable)


_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                   types.BuiltinMethodType, functools.partial, np.ufunc, type)


def _is_plain_instance(v: Any) -> bool:
    """An object with state that happens to define __call__ is an object, not a function."""
    return not isinstance(v, _FUNCTION_TYPES)


def _check_int(value: Any) -> int:
    if type(value) is not int:
        raise ProtocolError("bad reference id")
    return value


def _check_error(error: Any) -> dict[str, Any]:
    if not isinstance(error, dict):
        raise ProtocolError("bad error report")
    return {str(k)[:40]: (v if isinstance(v, (bool, int)) else str(v)[:MAX_TEXT])
            for k, v in list(error.items())[:16]}


def _describe(exc: BaseException) -> dict[str, Any]:
    return {"type": type(exc).__name__, "message": str(exc)[:MAX_TEXT]}
