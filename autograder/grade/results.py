"""What grading produces: a result per check, per assignment."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "error", "timeout")


@dataclass
class CheckResult:
    id: str
    unit: str
    score: float
    max_score: float
    status: str
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AssignmentResult:
    student_id: str
    assignment: str
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # load problems, sandbox warnings
    output: str = ""  # what the student's code printed (capped)
    seconds: float = 0.0
    # What the grade depends on (grade.fingerprint): a rerun reuses the result while it holds.
    fingerprint: str = ""
    lang: str = "en"  # the language of its messages: the notebook's (i18n.language)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        data = {"student_id": self.student_id, "assignment": self.assignment,
                "score": self.score, "max_score": self.max_score,
                "checks": [c.to_dict() for c in self.checks], "notes": self.notes,
                "output": self.output, "seconds": round(self.seconds, 3), "lang": self.lang}
        if self.fingerprint:
            data["fingerprint"] = self.fingerprint
        return data

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AssignmentResult:
        return cls(d["student_id"], d["assignment"], [CheckResult(**c) for c in d["checks"]],
                   list(d.get("notes", [])), d.get("output", ""), d.get("seconds", 0.0),
                   d.get("fingerprint", ""), d.get("lang", "en"))

    def unit_scores(self) -> dict[str, tuple[float, float]]:
        """(score, max_score) per unit, in check order."""
        units: dict[str, tuple[float, float]] = {}
        for c in self.checks:
            s, m = units.get(c.unit, (0.0, 0.0))
            units[c.unit] = (s + c.score, m + c.max_score)
        return units
