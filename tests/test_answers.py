"""Concept checks (確認テスト): answers are read from the notebook's text, never run; a wrong
form or a missing answer is one line; the right answers never reach the release."""

from __future__ import annotations

import json
import re

import pytest

from autograder import curriculum, paths
from autograder.demo import ANSWER_PREFIX
from autograder.grade.answers import grade_answer, read_answer
from autograder.selfcheck.answers import NotAnswered
from autograder.selfcheck.expect import CheckFailed

CONCEPTS = [(a, u) for a in curriculum.ASSIGNMENTS for u in a.units
            if u.startswith(ANSWER_PREFIX)]


def grade(source: str, right, form="number", example="0.5"):
    grade_answer([source], "answer_x", right, form=form, example=example,
                 explain="Because of the reason.")


@pytest.mark.parametrize(("source", "value"), [
    ("answer_x = 0.25", 0.25),
    ("answer_x = 1 / 4", 0.25),
    ("answer_x = None\nanswer_x = -(2 * 3 * 10 + 10)", -70),
    ("answer_x = (784, 50)", (784, 50)),
    ("answer_x = 'b'", "b"),
    ("x = 1\n", None),
    ("answer_x = __import__('os').system('true')", None),  # read, never run
    ("answer_x = 10 ** 10 ** 10", None),  # no powers: an answer cannot cost time
    ("answer_x = 1 / 0", None),
    ("answer_x = (", None),  # a syntax error reads as no answer
    ("answer_x = 0.25\n" + "pass\n" * 30_000, None),  # a huge cell is not parsed
    ("answer_x = " + "-" * 1500 + "1", None),  # too deep to read: no answer, no crash
])
def test_answers_are_read_not_run(source, value):
    assert read_answer([source], "answer_x") == value


def test_a_wrong_form_is_one_line_naming_what_was_expected():
    with pytest.raises(CheckFailed) as text:
        grade("answer_x = '0.25'", 0.25)
    assert str(text.value) == "answer_x: expected a number such as 0.5, got the text '0.25'"
    with pytest.raises(CheckFailed) as shape:
        grade("answer_x = [784, 50]", (784, 50), form="tuple", example="(3, 4)")
    assert str(shape.value) == ("answer_x: expected a tuple of integers such as (3, 4), got "
                                "the list [784, 50]")
    with pytest.raises(CheckFailed) as letter:
        grade("answer_x = 2", "b", form="letter", example="'a'")
    assert str(letter.value) == ("answer_x: expected one of the letters a, b, c, d, got the "
                                 "number 2")


def test_unanswered_is_not_answered_yet():
    for source in ("answer_x = None", "# YOUR CODE HERE\nraise NotImplementedError()"):
        with pytest.raises(NotAnswered, match=r"^answer_x: not answered yet"):
            grade(source, 0.25)


def test_a_wrong_answer_says_the_right_one_and_why():
    with pytest.raises(CheckFailed) as wrong:
        grade("answer_x = 0.5", 0.25)
    assert str(wrong.value) == "answer_x: expected 0.25, got 0.5. Because of the reason."
    grade("answer_x = 0.25000000001", 0.25)
    grade("answer_x = ' B '", "b", form="letter", example="'a'")


def _explanations(assignment_id: str) -> dict[str, str]:
    """unit -> the explanation its hidden check gives (read from the hidden suite; marked for
    translation, `explain=_("...")`)."""
    text = paths.current().hidden_suite(assignment_id).read_text(encoding="utf-8")
    return dict(re.findall(r'grade_answer\(answers, "(\w+)".*?explain=_?\(\s*[\'"](.+?)[\'"]\)\)',
                           text, re.DOTALL))


@pytest.mark.parametrize(("assignment", "unit"), CONCEPTS, ids=[u for _, u in CONCEPTS])
def test_the_right_answer_and_its_explanation_never_reach_the_release(assignment, unit):
    explanation = _explanations(assignment.id).get(unit)
    assert explanation and len(explanation) > 40, f"{unit}: no explanation in its hidden check"
    release = paths.assignments_dir() / assignment.id
    nb = json.loads((release / assignment.notebook).read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert read_answer(code, unit) is None, f"{unit} is answered in the release"
    shipped = (release / assignment.notebook).read_text(encoding="utf-8") + (
        release / assignment.public_tests).read_text(encoding="utf-8") + (
        paths.ROOT / "autograder" / "selfcheck" / "hints.py").read_text(encoding="utf-8")
    assert explanation[:60] not in shipped, f"{unit}'s explanation is in the release"
    solution = json.loads((paths.solutions_dir() / assignment.id / assignment.notebook
                           ).read_text(encoding="utf-8"))
    right = read_answer(["".join(c["source"]) for c in solution["cells"]
                         if c["cell_type"] == "code"], unit)
    assert right is not None, f"{unit} is not answered in the solution"
    assert not re.search(rf"{unit}\s*=\s*{re.escape(repr(right))}", json.dumps(nb)), \
        f"{unit}'s right answer is in the release"


def test_graded_answers_say_what_was_expected_in_one_line(tmp_path):
    """Through the real grader (sandbox and all): a wrong form, a wrong value with its
    explanation, and an answer left out, each costing its own check only."""
    from grading import grade, write_student

    from autograder.demo import catalogue

    by_name = {m.name: m for m in catalogue()}
    write_student(tmp_path, "s", "05_training", [by_name["answer_online_is_minibatch"]])
    nb_path = write_student(tmp_path, "s", "03_learning", [by_name["answer_cee_delta_positive"]])
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:  # answer_sgd_step left as the release has it
        source = "".join(cell["source"])
        if "answer_sgd_step = 0.6" in source:
            cell["source"] = source.replace("answer_sgd_step = 0.6", "")
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    results = grade(tmp_path, ["03_learning", "05_training"], jobs=1)
    lost = {c.unit: c.message for r in results.values() for c in r.checks
            if c.status != "passed"}
    assert set(lost) == {"answer_online_vs_minibatch", "answer_cee_delta", "answer_sgd_step"}, lost
    assert lost["answer_online_vs_minibatch"].startswith(
        "answer_online_vs_minibatch: expected 'a', got 'b'. Online learning updates")
    assert lost["answer_cee_delta"].startswith("answer_cee_delta: expected 'b', got 'd'. ")
    assert lost["answer_sgd_step"] == ("answer_sgd_step: not answered yet (replace None with "
                                       "your answer)")
    assert all("\n" not in message for message in lost.values()), lost
