"""The grade table printed at the end of a batch: one row per student, one column per
assignment."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..grade.results import AssignmentResult


def grade_table(results: Sequence[AssignmentResult]) -> str:
    assignments = list(dict.fromkeys(r.assignment for r in results))
    students = list(dict.fromkeys(r.student_id for r in results))
    cell = {(r.student_id, r.assignment): r for r in results}
    header = ["student", *[a.split("_", 1)[0] + " " + a.split("_", 1)[-1][:10] for a in assignments],
              "total"]
    rows = []
    for s in students:
        got = [cell.get((s, a)) for a in assignments]
        score = sum(r.score for r in got if r)
        maximum = sum(r.max_score for r in got if r)
        rows.append([s, *[f"{r.score:g}/{r.max_score:g}" if r else "-" for r in got],
                     f"{score:g}/{maximum:g}"])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def warn_if_unsandboxed(results: Sequence[AssignmentResult]) -> None:
    """The fallback warning is in every report; the instructor should see it here too."""
    from ..sandbox.launcher import NO_BWRAP_WARNING

    prefix = NO_BWRAP_WARNING.split("(")[0]
    notes = {n for r in results for n in r.notes if n.startswith(prefix)}
    for note in sorted(notes)[:1]:
        print(f"scratchgrad: warning: {note}", file=sys.stderr)
