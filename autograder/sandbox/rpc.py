"""Calls across the trust boundary: the pieces, and who may do what.

- peer: the request loop both ends run (call, serve, nested callbacks).
- values: Python values as wire documents; data is copied, the rest are references.
- proxies: what stands for a function or object of the other side.
- links: which array is a copy of which; the grader never lets a message change its arrays.
- sync: the changes a call made to its arguments and to shared attributes.
- policy: GRADER and WORKER, everything that differs between the two ends.

Code outside the sandbox package imports from here.
"""

from .peer import Peer
from .policy import GRADER, WORKER, Policy
from .proxies import (
    Exposed,
    RemoteError,
    RemoteFunction,
    RemoteObject,
    UnitStub,
    Unsendable,
)
from .sync import Rejected

__all__ = ["GRADER", "WORKER", "Exposed", "Peer", "Policy", "Rejected", "RemoteError",
           "RemoteFunction", "RemoteObject", "UnitStub", "Unsendable"]
