"""Student-side notebook tools: definitions-only loading and `from_assignment`."""

from .importer import UnitNotReady, from_assignment
from .loader import LoadedNotebook, NotebookError, load_notebook

__all__ = ["LoadedNotebook", "NotebookError", "UnitNotReady", "from_assignment", "load_notebook"]
