"""The request loop: calls across the trust boundary, in both directions.

The grader calls the student's units in the worker; a student's unit may call back into
the grader (a reference unit under unit isolation, or a function the check passed in).
Both ends run a `Peer` over one socket, each with its policy (policy.GRADER or
policy.WORKER): what crosses is data (values), references become proxies (proxies),
and what a call changed travels back with its answer (sync), applied or only recorded as
the receiving end's policy says.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from .codec import Channel, ProtocolError
from .links import Links
from .policy import Policy
from .proxies import Exposed, RemoteError, RemoteObject
from .sync import SharedSnapshot, Snapshot, apply_declared, set_attr, sync_into
from .values import Values

MAX_NESTING = 64
MAX_TEXT = 2000


class Peer:
    """One end of the connection."""

    def __init__(self, sock: Any, *, policy: Policy,
                 handlers: dict[str, Callable[[dict, dict], dict]] | None = None,
                 resolve_unit: Callable[[str], Any] | None = None,
                 describe_error: Callable[[BaseException], dict] | None = None):
        self.channel = Channel(sock)
        self.policy = policy
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
        self.links = Links(policy.writes_in_place)
        self.values = Values(self)

    def new_id(self) -> int:
        return next(self._ids)

    def reset(self) -> None:
        """Forget every export, proxy and array link (between two checks)."""
        self.links.reset()
        self.values.reset()

    # -- requests -----------------------------------------------------------------------

    def request(self, op: str, meta: dict | None = None, values: dict | None = None) -> dict:
        """Send a request and serve the other side's nested requests until it answers."""
        rid = self.new_id()
        blobs: list[memoryview] = []
        doc = {"kind": "req", "id": rid, "op": op, "meta": meta or {},
               "values": self.values.encode(values or {}, blobs)}
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
                return self.values.decode(doc.get("values"), blobs)
            if kind == "err":
                raise RemoteError(_check_error(doc.get("error")))
            raise ProtocolError("unknown message kind")

    def call(self, target: dict, args: tuple, kwargs: dict, holder: RemoteObject | None = None
             ) -> Any:
        values: dict[str, Any] = {"args": list(args), "kwargs": dict(kwargs)}
        if not self.policy.applies_post_state:
            for argument in (*args, *kwargs.values()):
                self.links.forget_post(argument)
        if holder is not None:
            # Only what changed since the last sync travels: a training loop calls
            # gradient and loss once per step, but changes the weights only in between.
            shared = {n: holder.__dict__[n] for n in holder._sg_shared if n in holder.__dict__}
            synced: SharedSnapshot | None = holder.__dict__.get("_sg_synced")
            if synced is not None:
                shared = {n: v for n, v in synced.changed(set()).items() if n in shared}
            values["shared"] = shared
        out = self.request("call", {"target": target}, values)
        post = out.get("post") or {}
        if not isinstance(post, dict):
            raise ProtocolError("bad post-state")
        changed = [(args[i], value) for index, value in (post.get("args") or {}).items()
                   if (i := _arg_index(index, args)) is not None]
        changed += [(kwargs[name], value) for name, value in (post.get("kwargs") or {}).items()
                    if name in kwargs]
        for original, after in changed:
            if self.policy.applies_post_state:
                sync_into(original, after)
            else:
                self.links.record_post(original, after)
        for index, attrs in (post.get("shared") or {}).items():
            i = _arg_index(index, args)
            exposed = args[i] if i is not None else None
            if isinstance(exposed, Exposed) and isinstance(attrs, dict):
                for name, value in attrs.items():
                    if name in exposed.shared:
                        self.apply_shared(exposed.obj, name, value)
        if holder is not None:
            for name, value in (out.get("shared") or {}).items():
                if name in holder._sg_shared:
                    self.apply_shared(holder, name, value)
            object.__setattr__(holder, "_sg_synced", SharedSnapshot(holder))
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
            values = self.values.decode(doc.get("values"), blobs)
            result = self.handlers[op](meta, values)
            out_blobs: list[memoryview] = []
            reply = {"kind": "ok", "id": rid, "values": self.values.encode(result, out_blobs)}
        except ProtocolError:
            raise
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt) and self.policy.propagates_interrupts:
                raise
            out_blobs = []
            reply = {"kind": "err", "id": rid, "error": self.describe_error(exc)}
        finally:
            self._depth -= 1
        self.channel.send(reply, out_blobs, self.deadline)

    def apply_shared(self, obj: Any, name: str, value: Any) -> None:
        if self.policy.validates_shared:
            apply_declared(obj, name, value, self.links, type(obj).__name__)
        else:
            set_attr(obj, name, value)

    # -- built-in handlers ----------------------------------------------------------------

    def _target(self, target: Any) -> tuple[Callable[..., Any], Exposed | None]:
        if not isinstance(target, dict):
            raise ProtocolError("bad call target")
        if "unit" in target:
            if self.resolve_unit is None or not isinstance(target["unit"], str):
                raise LookupError("no units can be called here")
            return self.resolve_unit(target["unit"]), None
        obj = self.values.export(target.get("fn", target.get("obj")))
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
        if not self.policy.serves_attributes:
            raise LookupError("not an exposed object")
        return getattr(obj, method), None

    def _handle_call(self, meta: dict, values: dict) -> dict:
        fn, exposed = self._target(meta.get("target"))
        args, kwargs = values.get("args", []), values.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict) or not all(
            isinstance(k, str) for k in kwargs
        ):
            raise ProtocolError("bad call arguments")
        contents = self.policy.snapshots_contents
        if exposed is not None:
            for name, value in (values.get("shared") or {}).items():
                if name in exposed.shared:
                    self.apply_shared(exposed.obj, name, value)
            shared_before = {n: Snapshot(getattr(exposed.obj, n, None), contents)
                             for n in exposed.shared}
        snapshots = [Snapshot(a, contents) for a in args]
        kw_snapshots = {k: Snapshot(v, contents) for k, v in kwargs.items()}
        # An object the caller exposed may have its shared attributes changed after its
        # last method call (the last SGD step), so they travel back with the reply too.
        proxies = {str(i): SharedSnapshot(a) for i, a in enumerate(args)
                   if isinstance(a, RemoteObject) and a._sg_shared}
        self.values.sent_stack.append(set())
        try:
            result = fn(*args, **kwargs)
        finally:
            sent = self.values.sent_stack.pop()
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
        return {"value": getattr(*self._attribute(meta))}

    def _handle_setattr(self, meta: dict, values: dict) -> dict:
        setattr(*self._attribute(meta), values.get("value"))
        return {}

    def _attribute(self, meta: dict) -> tuple[Any, str]:
        """The exported object and attribute name a getattr or setattr request names."""
        if not self.policy.serves_attributes:
            raise LookupError("attributes of the grader's objects are not available")
        name = meta.get("name")
        if not isinstance(name, str):
            raise ProtocolError("bad attribute name")
        return self.values.export(meta.get("obj")), name


def _arg_index(index: Any, args: tuple) -> int | None:
    """The position a post-state entry names ("0", "1", ...), if it is one of args."""
    if isinstance(index, str) and index.isdigit() and int(index) < len(args):
        return int(index)
    return None


def _check_error(error: Any) -> dict[str, Any]:
    if not isinstance(error, dict):
        raise ProtocolError("bad error report")
    return {str(k)[:40]: (v if isinstance(v, (bool, int)) else str(v)[:MAX_TEXT])
            for k, v in list(error.items())[:16]}


def _describe(exc: BaseException) -> dict[str, Any]:
    return {"type": type(exc).__name__, "message": str(exc)[:MAX_TEXT]}
