"""Gradescope's results.json for one submission (the autograder results format).

Gradescope's optional `execution_time` is left out: it differs from run to run, and a
rerun must write the same bytes as the run it repeats.
"""

from __future__ import annotations

from typing import Any

from ..grade.results import AssignmentResult


def gradescope_results(result: AssignmentResult) -> dict[str, Any]:
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
            "visibility": "visible",
        } for c in result.checks],
    }
