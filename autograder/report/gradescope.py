"""Gradescope's results.json for one submission (the autograder results format).

`gradescope_results` is what `scratchgrad grade --format gradescope` writes beside the other
reports: Gradescope's optional `execution_time` is left out there, since it differs from run
to run and a rerun must write the same bytes as the run it repeats. `run_autograder` in a
Gradescope container (autograder.gradescope.run) adds it, with a markdown summary as
`output` and the tests' visibility the instructor chose.
"""

from __future__ import annotations

from typing import Any

from .. import curriculum
from ..grade.results import AssignmentResult

MD_SCORE = "**{assignment}: {score:g} of {max_score:g} points.**"
MD_UNIT = "| `{unit}` | {score:g} / {max_score:g} |"
MD_TABLE_HEAD = "| unit | points |\n|---|---|"
MD_NOTE = "> {note}"


def gradescope_results(result: AssignmentResult, visibility: str = "visible") -> dict[str, Any]:
    return {
        "score": result.score,
        "output": "\n".join(result.notes),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [{
            "name": f"{c.unit}: {c.id.replace('_', ' ')}",
            "number": c.unit,
            "score": c.score,
            "max_score": c.max_score,
            "status": "passed" if c.status == "passed" else "failed",
            "output": c.message,
            "tags": [c.unit, c.status],
            "visibility": visibility,
        } for c in result.checks],
    }


def markdown_summary(result: AssignmentResult) -> str:
    """The submission's score, the points of each unit and the notes, in markdown."""
    a = curriculum.get(result.assignment)
    lines = [MD_SCORE.format(assignment=a.id, score=result.score, max_score=result.max_score),
             "", MD_TABLE_HEAD]
    lines += [MD_UNIT.format(unit=unit, score=score, max_score=top)
              for unit, (score, top) in result.unit_scores().items()]
    if result.notes:
        lines.append("")
        lines += [MD_NOTE.format(note=" ".join(note.split())) for note in result.notes]
    return "\n".join(lines) + "\n"


def run_results(result: AssignmentResult, visibility: str,
                execution_time: float) -> dict[str, Any]:
    """results.json as run_autograder writes it in Gradescope's container."""
    data = gradescope_results(result, visibility)
    data.update({"execution_time": round(execution_time, 3),
                 "output": markdown_summary(result), "output_format": "md"})
    return data
