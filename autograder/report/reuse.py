"""Incremental grading: the submissions whose reports in OUT are still valid are not graded
again.

A report is valid when its JSON record's fingerprint (grade.fingerprint) equals the
submission's now, and every file the run would write for it is there. The JSON record is
written last (report.writer), so a run killed between a submission's files leaves no
record that claims them all: the rerun grades that submission again and ends with the
bytes an uninterrupted run writes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..collect.submissions import StudentFolder
from ..grade.fingerprint import submission_fingerprint
from ..grade.results import AssignmentResult
from ..i18n.messages import N_
from .writer import report_paths

MSG_REUSED = N_("{reused} of {total} notebooks were graded by an earlier run and have not "
                "changed since, so their reports were kept (--force grades them again).")


@dataclass
class Plan:
    """What a run grades, and the results it keeps from earlier runs."""

    to_grade: list[StudentFolder] = field(default_factory=list)
    reused: list[AssignmentResult] = field(default_factory=list)

    @property
    def graded_count(self) -> int:
        return sum(len(f.submissions) for f in self.to_grade)


def _earlier(path: Path) -> AssignmentResult | None:
    try:
        return AssignmentResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, half a file from elsewhere, an older format: grade again


def plan(folders: Sequence[StudentFolder], out: Path, options: object,
         formats: Sequence[str] = (), force: bool = False) -> Plan:
    """Split `folders` into the submissions to grade and the earlier results to keep."""
    result = Plan()
    for folder in folders:
        todo = []
        for sub in folder.submissions:
            files = report_paths(out, sub.student_id, sub.assignment_id, formats)
            earlier = None if force else _earlier(files[-1])
            if (earlier is not None and earlier.student_id == sub.student_id
                    and earlier.assignment == sub.assignment_id
                    and earlier.fingerprint == submission_fingerprint(sub, options)
                    and all(p.is_file() for p in files)):
                result.reused.append(earlier)
            else:
                todo.append(sub)
        if todo:
            result.to_grade.append(StudentFolder(folder.student_id, todo))
    return result
