"""What the kit's command line does before it imports anything heavy."""

from __future__ import annotations

import sys


def skip_unused_slow_imports() -> None:
    """Keep jsonschema (under nbformat and nbgrader) from loading rfc3987-syntax.

    When rfc3987-syntax is installed (Jupyter's jupyter-events brings it), importing
    jsonschema builds its Earley parser for RFC 3987 IRIs: about 1 s at every start of a
    command that reads notebooks through nbformat or opens a course, for the "iri" string
    format, which neither the notebook schema nor nbgrader uses. Marked as absent, it leaves
    jsonschema without that one format checker. Once jsonschema is imported it is too late,
    and nothing is changed."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
