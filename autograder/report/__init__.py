"""Report: grades.csv, a JSON record and an HTML feedback page per submission, Gradescope."""

from .files import ReportError
from .writer import SubmissionWriter, prepare_out, write_reports

__all__ = ["ReportError", "SubmissionWriter", "prepare_out", "write_reports"]
