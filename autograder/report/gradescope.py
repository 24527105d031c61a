"""Gradescope's results.json for one submission (the autograder results format)."""

from __future__ import annotations

from typing import Any

from ..grade.results import AssignmentResult


def gradescope_results(result: AssignmentResult) -> dict[str, Any]:
    return {
        "score": result.score,
        "execution_time": round(result.seconds, 3),
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
