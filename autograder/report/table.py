"""The grade table printed at the end of a batch: one row per student, one column per
assignment."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..grade.results import AssignmentResult
from ..i18n.messages import N_, _


@dataclass(frozen=True)
class Manual:
    """A submission's manually graded questions (nbgrader's gradebook): the points given so
    far, the most they can give, and the points still waiting for formgrader."""

    score: float = 0.0
    max_score: float = 0.0
    pending: float = 0.0
    penalty: float = 0.0  # nbgrader's late penalty for the whole submission


MSG_PENDING = N_("{pending} pending")
MSG_LATE = N_("late -{penalty}")
MSG_LEGEND = N_("- : nothing submitted. N pending: points of answers still to be graded by "
                "hand in formgrader, counted in the maximum but not yet in the score. late -N: "
                "nbgrader's late penalty, already taken from the score.")


def width(text: str) -> int:
    """Columns a terminal gives `text`: East Asian wide characters (漢字, かな) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def _cell(score: float, maximum: float, pending: float, penalty: float = 0.0) -> str:
    notes = []
    if penalty:
        notes.append(_(MSG_LATE).format(penalty=f"{penalty:g}"))
    if pending:
        notes.append(_(MSG_PENDING).format(pending=f"{pending:g}"))
    text = f"{max(score - penalty, 0.0):g}/{maximum:g}"
    return f"{text} ({', '.join(notes)})" if notes else text


def grade_table(results: Sequence[AssignmentResult], roster: Sequence[str] = (),
                assignments: Sequence[str] = (),
                manual: Mapping[tuple[str, str], Manual] | None = None) -> str:
    """One row per student (every student of `roster`, submitted or not, then any other
    graded one), one column per assignment. `manual` adds the manually graded questions
    to a submission's score and maximum, with the points still pending."""
    manual = manual or {}
    assignments = list(dict.fromkeys([*assignments, *(r.assignment for r in results)]))
    students = list(dict.fromkeys([*roster, *(r.student_id for r in results)]))
    cell = {(r.student_id, r.assignment): r for r in results}
    header = [_("student"),
              *[a.split("_", 1)[0] + " " + a.split("_", 1)[-1][:10] for a in assignments],
              _("total")]
    rows = []
    any_missing = any_pending = False
    for s in students:
        row, total = [s], [0.0, 0.0, 0.0, 0.0]
        for a in assignments:
            r, m = cell.get((s, a)), manual.get((s, a))
            if r is None and m is None:
                row.append("-")
                any_missing = True
                continue
            m = m or Manual()
            got = [(r.score if r else 0.0) + m.score, (r.max_score if r else 0.0) + m.max_score,
                   m.pending, m.penalty]
            any_pending |= bool(m.pending or m.penalty)
            row.append(_cell(*got))
            total = [t + g for t, g in zip(total, got)]
        rows.append([*row, _cell(*total)])
    widths = [max(width(str(x)) for x in col) for col in zip(header, *rows)]
    lines = ["  ".join(pad(str(x), w) for x, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(str(x), w) for x, w in zip(row, widths)) for row in rows]
    if any_missing or any_pending:
        lines.append(_(MSG_LEGEND))
    return "\n".join(lines)


def warn_if_unsandboxed(results: Sequence[AssignmentResult]) -> None:
    """The fallback warning is in every report; the instructor should see it here too."""
    from ..sandbox.launcher import NO_BWRAP_WARNING

    prefix = NO_BWRAP_WARNING.split("(")[0]
    notes = {n for r in results for n in r.notes if n.startswith(prefix)}
    for note in sorted(notes)[:1]:
        print(_("scratchgrad: warning: {message}").format(message=note), file=sys.stderr)
