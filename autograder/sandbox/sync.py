"""Changes a call made to its arguments and to shared attributes: noticing and applying them.

After a call the callee sends back the arguments it changed (the post-state), and the
shared attributes of exposed objects travel around each method call. Noticing is the same
on both sides (snapshots); applying is each side's policy: the worker makes its containers
hold what came back (plain Python sharing); the grader applies nothing but the attributes
an `Exposed` object declares shared, and only within what they were (`apply_declared`).
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from .proxies import RemoteObject

if TYPE_CHECKING:
    from .links import Links


class Rejected(Exception):
    """The worker tried to change a shared attribute beyond what it may (grader side)."""


class Snapshot:
    """What a value looked like, to tell afterwards whether a call changed it.

    With contents=False (the grader serving the worker: reference code does not modify
    its arguments) arrays are not copied; only arrays that were sent on to the worker
    during the call, whose copies there may have changed, count as changed.
    """

    def __init__(self, value: Any, contents: bool = True, depth: int = 0):
        self.value = value
        self.copy: Any = None
        self.items: list[tuple[Any, Snapshot]] | None = None
        if isinstance(value, np.ndarray):
            self.copy = value.copy() if contents else None
        elif depth < 8 and isinstance(value, dict):
            self.items = [(k, Snapshot(v, contents, depth + 1)) for k, v in value.items()]
        elif depth < 8 and isinstance(value, list):
            self.items = [(i, Snapshot(v, contents, depth + 1)) for i, v in enumerate(value)]

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


class SharedSnapshot:
    """The shared attributes of a proxy, to send back those a call changed."""

    def __init__(self, proxy: RemoteObject):
        self.proxy = proxy
        self.attrs = {n: Snapshot(proxy.__dict__.get(n)) for n in proxy._sg_shared}

    def changed(self, sent: set[int]) -> dict[str, Any]:
        now = self.proxy.__dict__
        return {n: now.get(n) for n, snap in self.attrs.items()
                if now.get(n) is not snap.value or snap.changed(sent)}


# -- the worker: plain Python sharing ----------------------------------------------------

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


def set_attr(obj: Any, name: str, value: Any) -> None:
    """Set a shared attribute as plain Python would (a dict keeps its identity)."""
    current = getattr(obj, name, None)
    if current is value:
        return
    if isinstance(current, dict) and isinstance(value, dict):
        sync_into(current, value)
    elif isinstance(obj, RemoteObject):
        object.__setattr__(obj, name, value)
    else:
        setattr(obj, name, value)


# -- the grader: declared, validated changes only -----------------------------------------

def apply_declared(obj: Any, name: str, new: Any, links: Links, label: str) -> None:
    """Apply the worker's version `new` of the shared attribute `name` of a grader object.

    An array must keep its shape and dtype and be finite: where the worker changed its
    copy in place the grader's array is updated in place (so that objects sharing it, like
    the book's layers sharing the network's params, see the change); where the worker put
    another array in its place, so does the grader. A dict keeps its keys; a number stays a
    number. Anything else raises Rejected, and nothing is changed.
    """
    current = getattr(obj, name, None)
    what = f"{label}.{name}"
    if isinstance(current, dict):
        if not isinstance(new, dict) or set(new) != set(current):
            raise Rejected(f"{what} must keep its keys {sorted(map(str, current))}, got "
                           f"{_kind(new)}")
        updates = {k: _validated(current[k], new[k], f"{what}[{k!r}]") for k in current}
        for key, value in updates.items():
            current[key] = _merged(current[key], value, links)
        return
    setattr(obj, name, _merged(current, _validated(current, new, what), links))


def _merged(current: Any, value: Any, links: Links) -> Any:
    """What to store for a validated `value`: where the worker changed this very array in
    place, the grader's array, updated in place; otherwise `value` itself."""
    identity = links.identity(value)
    if (isinstance(current, np.ndarray) and value is not current and identity is not None
            and identity == links.identity(current)):
        current[...] = value
        links.adopt(current, identity)
        return current
    return value


def _validated(current: Any, new: Any, what: str) -> Any:
    if isinstance(current, np.ndarray):
        if not (isinstance(new, np.ndarray) and type(new) is np.ndarray
                and new.shape == current.shape and new.dtype == current.dtype):
            raise Rejected(f"{what} must stay an array of shape {current.shape} and dtype "
                           f"{current.dtype}, got {_kind(new)}")
        if new.dtype.kind in "fc" and not np.isfinite(new).all():
            raise Rejected(f"{what} holds nan or inf after the change")
        return new
    if current is None or isinstance(current, numbers.Number):
        if new is None or (isinstance(new, numbers.Number) and not isinstance(new, bool)
                           and np.isfinite(new)):
            return new
        raise Rejected(f"{what} must stay a number or None, got {_kind(new)}")
    if new is current:
        return new
    raise Rejected(f"{what} cannot be changed from the notebook")


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))[:8]}"
    return f"a {type(value).__name__}"
