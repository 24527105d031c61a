"""Who may do what across the boundary: one policy for the grader's end, one for the worker's.

The same request loop (peer.Peer) runs on both ends; everything that differs between the
trusted grader and the untrusted worker is stated here, in one place, instead of as
branches on a flag.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    name: str
    # Received arrays overwrite the arrays they are versions of (plain Python sharing).
    writes_in_place: bool
    # The post-state of a call (arguments the callee changed) is synced into the caller's
    # containers; otherwise it is only recorded, for the caller to read on purpose.
    applies_post_state: bool
    # Shared attributes of exposed objects are checked against what they were before they
    # are applied (sync.apply_declared); otherwise set as plain Python would.
    validates_shared: bool
    # Snapshots of arguments copy array contents (to notice in-place changes by the code
    # being served); the grader serves only reference code, which changes nothing.
    snapshots_contents: bool
    # The other side may read and set attributes of objects handed to it, and call methods
    # of objects that were not exposed with a method list.
    serves_attributes: bool
    # Values this side cannot send: raise (a bug in trusted code) or send a stand-in.
    refuses_unsendable: bool
    # Strings this side sends are cut to this length (None: sent whole).
    max_text: int | None
    # A KeyboardInterrupt while serving stops this side instead of being reported back.
    propagates_interrupts: bool


GRADER = Policy("grader", writes_in_place=False, applies_post_state=False,
                validates_shared=True, snapshots_contents=False, serves_attributes=False,
                refuses_unsendable=True, max_text=None, propagates_interrupts=True)

WORKER = Policy("worker", writes_in_place=True, applies_post_state=True,
                validates_shared=False, snapshots_contents=True, serves_attributes=True,
                refuses_unsendable=False, max_text=100_000, propagates_interrupts=False)
