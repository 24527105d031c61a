"""Release: generate the student notebooks and public tests from the solutions."""

from .generate import generate_release

__all__ = ["generate_release"]
