"""What stands on one side of the trust boundary for something that lives on the other.

A function or object that cannot cross as data crosses as a reference; the receiving side
gets one of these proxies, and calling it sends a request back. `Exposed` is the grader's
way to hand a trusted object to the worker: only the listed methods can be called, and the
listed attributes are copied to the proxy and synced around each call (see sync).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .peer import Peer


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
    `shared` attributes are copied to the proxy and synced both ways around each call.

    The worker may change a shared attribute only within what it was: an array keeps its
    shape and dtype and stays finite, a dict keeps its keys (see sync.apply_declared).
    """

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
            return BoundRemoteMethod(self, name)
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


class BoundRemoteMethod:
    def __init__(self, owner: RemoteObject, name: str):
        self._owner, self.__name__ = owner, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        owner = self._owner
        target = {"obj": owner._sg_rid, "method": self.__name__}
        return owner._sg_peer.call(target, args, kwargs, holder=owner)
