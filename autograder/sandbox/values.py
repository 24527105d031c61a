"""Python values as wire documents and back: data is copied, everything else is a reference.

Numbers, strings, lists, tuples, dicts and numeric arrays cross as data (arrays with a link,
see links). A function or object crosses as a reference that the receiver turns into a
proxy; an `Exposed` object carries its shared attributes along. Decoding is strict: the
grader decodes what student code sent.
"""

from __future__ import annotations

import functools
import math
import types
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from .codec import MAX_DEPTH, ProtocolError, array_from_blob, blob_of
from .proxies import Exposed, RemoteFunction, RemoteObject, UnitStub, Unsendable
from .sync import SharedSnapshot, set_attr

if TYPE_CHECKING:
    from .peer import Peer


class Values:
    """The encoder and decoder of one peer (it owns the peer's exports and proxies)."""

    def __init__(self, peer: Peer):
        self.peer = peer
        self.policy = peer.policy
        self.links = peer.links
        self.sent_stack: list[set[int]] = []
        self.reset()

    def reset(self) -> None:
        self._exports: dict[int, Any] = {}
        self._export_lids: dict[int, int] = {}
        self._proxies: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()

    def export(self, lid: Any) -> Any:
        if not isinstance(lid, int) or lid not in self._exports:
            raise LookupError("unknown reference")
        return self._exports[lid]

    # -- encoding -----------------------------------------------------------------------

    def encode(self, values: dict, blobs: list[memoryview]) -> dict:
        return {key: self._enc(value, blobs, 0) for key, value in values.items()}

    def _enc(self, v: Any, blobs: list[memoryview], depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError("the value is nested too deeply to send")
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, str):
            limit = self.policy.max_text
            return v if limit is None else v[:limit]
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
        if isinstance(v, RemoteObject) and v._sg_peer is self.peer and v._sg_shared:
            # An exposed object going home carries the shared attributes changed since
            # its last sync (the owner may use it directly, e.g. a layer's W).
            synced = v.__dict__.get("_sg_synced")
            now = {n: v.__dict__.get(n) for n in v._sg_shared}
            changed = synced.changed(set()) if synced is not None else now
            object.__setattr__(v, "_sg_synced", SharedSnapshot(v))
            return {"$ref": v._sg_rid, "shared": {n: self._enc(x, blobs, depth + 1)
                                                  for n, x in changed.items()}}
        if isinstance(v, (RemoteFunction, RemoteObject)) and v._sg_peer is self.peer:
            return {"$ref": v._sg_rid}
        if isinstance(v, Exposed):
            lid = self._new_export(v)
            return {"$obj": lid, "cls": type(v.obj).__name__, "methods": list(v.methods),
                    "shared": {n: self._enc(getattr(v.obj, n, None), blobs, depth + 1)
                               for n in v.shared}}
        if isinstance(v, UnitStub) and v._sg_peer is self.peer:
            return {"$unit": v._sg_unit}
        if self.policy.refuses_unsendable and not callable(v):
            raise TypeError(f"cannot send a {type(v).__name__} to the worker")
        lid = self._new_export(v)
        if callable(v) and (self.policy.refuses_unsendable or not _is_plain_instance(v)):
            return {"$fn": lid, "name": str(getattr(v, "__name__", "function"))[:100]}
        return {"$obj": lid, "cls": type(v).__name__[:100]}

    def _enc_array(self, a: np.ndarray, blobs: list[memoryview]) -> Any:
        if a.dtype.kind not in "biufc" or a.dtype.hasobject:
            if self.policy.refuses_unsendable:
                raise TypeError(f"cannot send an array of dtype {a.dtype}")
            return {"$unsendable": f"an array of dtype {str(a.dtype)[:40]} and shape {a.shape}"}
        link = self.links.link_for(a, self.peer.new_id)
        for sent in self.sent_stack:
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
        lid = self.peer.new_id()
        self._exports[lid] = obj
        self._export_lids[id(obj)] = lid
        return lid

    # -- decoding (strict: the grader decodes what student code sent) -------------------

    def decode(self, doc: Any, blobs: list[bytearray]) -> dict:
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
            return self._dec_ref(j, blobs, used, depth)
        if "$fn" in j:
            rid = check_int(j["$fn"])
            proxy = self._proxies.get(rid)
            if not isinstance(proxy, RemoteFunction):
                proxy = RemoteFunction(self.peer, rid, str(j.get("name", "function"))[:100])
                self._proxies[rid] = proxy
            return proxy
        if "$unit" in j:
            if not isinstance(j["$unit"], str):
                raise ProtocolError("bad unit name")
            resolve = self.peer.resolve_unit
            return resolve(j["$unit"]) if resolve else None
        if "$obj" in j:
            return self._dec_object(j, blobs, used, depth)
        raise ProtocolError("unknown value type")

    def _dec_ref(self, j: dict, blobs: list[bytearray], used: set[int], depth: int) -> Any:
        """One of our own objects coming back: an exposed one is itself again (with the
        shared attributes the other side changed, applied as the policy says)."""
        obj = self.export(j["$ref"])
        shared = j.get("shared") or {}
        if not isinstance(shared, dict):
            raise ProtocolError("bad shared attributes")
        if not isinstance(obj, Exposed):
            return obj
        for name, value in shared.items():
            if name in obj.shared:
                self.peer.apply_shared(obj.obj, name, self._dec(value, blobs, used, depth + 1))
        return obj.obj

    def _dec_object(self, j: dict, blobs: list[bytearray], used: set[int], depth: int) -> Any:
        rid = check_int(j["$obj"])
        methods, shared_doc = j.get("methods"), j.get("shared") or {}
        if methods is not None and not (
            isinstance(methods, list) and all(isinstance(m, str) for m in methods)
        ):
            raise ProtocolError("bad method list")
        if not isinstance(shared_doc, dict):
            raise ProtocolError("bad shared attributes")
        proxy = self._proxies.get(rid)
        if not isinstance(proxy, RemoteObject):
            proxy = RemoteObject(self.peer, rid, str(j.get("cls", "object"))[:100], methods,
                                 [str(n) for n in shared_doc])
            self._proxies[rid] = proxy
        for name, value in shared_doc.items():
            set_attr(proxy, name, self._dec(value, blobs, used, depth + 1))
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
        return self.links.receive(array, [link[0], check_int(link[1])])


_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                   types.BuiltinMethodType, functools.partial, np.ufunc, type)


def _is_plain_instance(v: Any) -> bool:
    """An object with state that happens to define __call__ is an object, not a function."""
    return not isinstance(v, _FUNCTION_TYPES)


def check_int(value: Any) -> int:
    if type(value) is not int:
        raise ProtocolError("bad reference id")
    return value

