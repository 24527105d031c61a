"""Report: grades.csv, a JSON record and an HTML feedback page per submission, Gradescope."""

from .writer import write_reports

__all__ = ["write_reports"]
