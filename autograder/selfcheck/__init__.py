"""Students' self-check: public tests with teaching messages, and `check("unit")`."""

from .check import check
from .expect import CheckFailed, NotImplementedYet

__all__ = ["CheckFailed", "NotImplementedYet", "check"]
