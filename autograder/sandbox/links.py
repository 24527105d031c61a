"""Which array on one side is a copy of which array on the other.

Arrays cross the boundary as copies. Each side numbers the arrays it sends ("mine", lid)
and remembers the copies it received by the sender's number, so that an array sent back
names the original it is a copy of ("yours", lid). What a side does with that name is its
policy's choice:

- The worker (untrusted code, its own data) writes the new contents into the original:
  plain Python sharing, which the book's code relies on (`numerical_gradient(f, x)` in the
  grader perturbs the worker's `x` and calls the student's `f`).
- The grader never lets a message change an array it holds. A received array is always a
  fresh one; when it is the worker's version of a grader array, it is recorded as that
  array's `latest` version, which a check reads on purpose (`Student.current`). Only the
  attributes an `Exposed` object declares shared are updated in place, after validation.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np


class Links:
    """One side's tables; `reset()` between two checks forgets them all."""

    def __init__(self, writes_in_place: bool):
        self.writes_in_place = writes_in_place
        self.reset()

    def reset(self) -> None:
        self._arrays: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
        self._array_lids: dict[int, int] = {}     # id(our array) -> our lid
        self._copies: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
        self._copy_rids: dict[int, int] = {}      # id(our copy) -> their lid
        self._echoes: dict[int, int] = {}         # id(their version of our array) -> our lid
        self._latest: dict[int, np.ndarray] = {}  # our lid -> their latest version of it
        self._posts: dict[int, tuple[Any, Any]] = {}  # id(our argument) -> (it, after call)

    # -- sending ------------------------------------------------------------------------

    def link_for(self, a: np.ndarray, new_lid: Any) -> list:
        """The link to send with array `a`: a copy of theirs, or one of ours (numbered)."""
        rid = self._copy_rids.get(id(a))
        if rid is not None:  # (the grader may hold several versions of one of theirs)
            return ["yours", rid]
        lid = self._echoes.get(id(a))
        if lid is not None:  # their version of our array: it updates their copy of it
            return ["mine", lid]
        lid = self._array_lids.get(id(a))
        if lid is None or self._arrays.get(lid) is not a:
            lid = new_lid()
            self._arrays[lid] = a
            self._remember(self._array_lids, a, lid)
        self._latest.pop(lid, None)  # their copy is about to hold our contents again
        return ["mine", lid]

    # -- receiving ----------------------------------------------------------------------

    def receive(self, array: np.ndarray, link: list) -> np.ndarray:
        """The array to hand to code on this side for a received array with `link`, as the
        sender wrote it: ("yours", lid) a version of our array lid, ("mine", lid) theirs."""
        kind, lid = link
        if kind == "yours":
            if self.writes_in_place:
                original = self._arrays.get(lid)
                if _same_layout(original, array):
                    original[...] = array
                    return original
                return array
            self._remember(self._echoes, array, lid)
            self._latest[lid] = array
            return array
        existing = self._copies.get(lid)
        if self.writes_in_place and _same_layout(existing, array):
            existing[...] = array
            return existing
        self.adopt(array, ("theirs", lid))
        return array

    def adopt(self, array: np.ndarray, identity: tuple[str, int]) -> None:
        """Make `array` stand for `identity` from now on (after an in-place update)."""
        kind, lid = identity
        if kind == "theirs":
            if self.writes_in_place:
                self._copies[lid] = array
            self._remember(self._copy_rids, array, lid)

    def identity(self, a: Any) -> tuple[str, int] | None:
        """Which array across the boundary `a` is a version of: ("ours", lid) for an array
        of this side (or the other side's version of it), ("theirs", lid) for a copy."""
        if not isinstance(a, np.ndarray):
            return None
        rid = self._copy_rids.get(id(a))
        if rid is not None:
            return ("theirs", rid)
        lid = self._echoes.get(id(a))
        if lid is None:
            lid = self._array_lids.get(id(a))
        return ("ours", lid) if lid is not None else None

    def forget_post(self, argument: Any) -> None:
        """`argument` is sent again: what the other side held of it is replaced."""
        self._posts.pop(id(argument), None)

    def record_post(self, argument: Any, after: Any) -> None:
        """A call's argument as the other side holds it afterwards (the grader's view)."""
        self._posts[id(argument)] = (argument, after)

    # -- the grader's reading of what the worker holds ----------------------------------

    def current(self, value: Any) -> Any:
        """`value` (an array or container the grader sent) as the worker holds it now."""
        post = self._posts.get(id(value))
        if post is not None and post[0] is value:
            return post[1]
        if isinstance(value, np.ndarray):
            lid = self._array_lids.get(id(value))
            if lid is not None and self._arrays.get(lid) is value:
                return self._latest.get(lid, value)
            return value
        if isinstance(value, dict):
            return {k: self.current(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.current(v) for v in value)
        return value

    def replaced(self, container: dict | list) -> list:
        """Keys (or indexes) of `container` whose array the worker replaced by another."""
        after = self.current(container)
        pairs = container.items() if isinstance(container, dict) else enumerate(container)
        out = []
        for key, before in pairs:
            try:
                now = after[key]
            except (KeyError, IndexError, TypeError):
                out.append(key)
                continue
            if isinstance(before, np.ndarray) and self.identity(now) != self.identity(before):
                out.append(key)
        return out

    @staticmethod
    def _remember(table: dict[int, int], a: np.ndarray, lid: int) -> None:
        table[id(a)] = lid
        weakref.finalize(a, table.pop, id(a), None)


def _same_layout(target: np.ndarray | None, array: np.ndarray) -> bool:
    return (target is not None and target.shape == array.shape and target.dtype == array.dtype
            and target.flags.writeable)
