"""Collect: find the submitted notebooks in nbgrader's submitted layout."""

from .submissions import StudentFolder, Submission, discover

__all__ = ["StudentFolder", "Submission", "discover"]
