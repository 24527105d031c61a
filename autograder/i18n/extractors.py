"""Babel extractors for messages that are declared in data, not in code (see babel.cfg)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def extract_curriculum(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
                       ) -> Iterator[tuple[int, str, str, list[str]]]:
    """From curriculum.toml, the messages declared there: the title of every check
    (grade.rubric.title), which the feedback page and nbgrader's test cells show, and the
    reason a unit may not use another: (line, keyword, msgid, comments) as Babel expects."""
    from ..grade.rubric import title

    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()

    def line_of(prefix: str) -> int:
        return next((n for n, line in enumerate(lines, start=1) if line.startswith(prefix)), 0)

    for assignment, entry in tomllib.loads(text).items():
        for unit, checks in entry.get("units", {}).items():
            for check in checks:
                yield (line_of(f"{check} ="), "_", title(check),
                       [f"the title of a check of {unit} ({assignment})"])
        for unit, reasons in entry.get("forbids", {}).items():
            for name, reason in reasons.items():
                yield (line_of(f"{name} ="), "_", reason,
                       [f"why {unit} may not use {name} ({assignment})"])
