"""Babel extractors for messages that are declared in data, not in code (see babel.cfg)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def extract_rubric(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
                   ) -> Iterator[tuple[int, str, str, list[str]]]:
    """The title of every check of rubric.toml (grade.rubric.title), which the feedback page
    and nbgrader's test cells show: (line, keyword, msgid, comments) as Babel expects."""
    from ..grade.rubric import title

    lines = fileobj.read().decode("utf-8")
    for assignment, units in tomllib.loads(lines).items():
        for unit, checks in units.items():
            for check in checks:
                lineno = next((n for n, line in enumerate(lines.splitlines(), start=1)
                               if line.startswith(f"{check} =")), 0)
                comment = f"the title of a check of {unit} ({assignment})"
                yield lineno, "_", title(check), [comment]
