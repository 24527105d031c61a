"""The engine's sandboxes: one per student who has a notebook to grade, none for a student
who handed in nothing for the assignments graded."""

from __future__ import annotations

from grading import write_student

from autograder.collect.submissions import discover
from autograder.grade import engine
from autograder.sandbox import launcher


def test_a_student_with_nothing_to_grade_gets_no_sandbox(tmp_path, monkeypatch):
    write_student(tmp_path, "alice", "01_perceptron")
    write_student(tmp_path, "bob", "02_forward")  # nothing for 01
    started: list[str] = []
    start = launcher.Sandbox.start

    def counted(self: launcher.Sandbox) -> launcher.Sandbox:
        started.append("start")
        return start(self)

    monkeypatch.setattr(launcher.Sandbox, "start", counted)
    results = {}
    for folder in discover(tmp_path, ["01_perceptron"]):
        before = len(started)
        [results[folder.student_id]] = engine.grade_student(folder, engine.Options(jobs=1))
        results[folder.student_id + " sandboxes"] = len(started) - before
    assert results["alice sandboxes"] == 1 and results["bob sandboxes"] == 0
    assert results["alice"].score == results["alice"].max_score > 0
    bob = results["bob"]
    assert bob.score == 0 and bob.checks and all(c.status == "error" for c in bob.checks)
