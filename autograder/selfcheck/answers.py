"""Concept checks (確認テスト): questions answered as values in a code cell.

`answer_sigmoid_derivative_at_0 = 0.5` is read, never run, by the grader
(autograder/grade/answers.py). This module holds what both sides say about the *form* of an
answer: a number, a tuple of integers, or a letter. The right answers and their
explanations live only in the hidden suites, so neither `check()` nor the release can show
them; the grade's feedback shows them once the teacher releases it after the due date.
"""

from __future__ import annotations

from typing import Any

from ..i18n.messages import N_, _
from .expect import CheckFailed

# Student-facing messages: whole sentences with named placeholders, for translation.
MSG_NOT_ANSWERED = N_("{name}: not answered yet (replace None with your answer)")
MSG_WRONG_FORM = N_("{name}: expected {form} such as {example}, got {got}")
MSG_WRONG_LETTER = N_("{name}: expected one of the letters {letters}, got {got}")
MSG_ANSWERED = N_("{name} is answered; the grader checks its value, and the feedback explains "
                  "the right answer after the due date")

FORMS = {"number": N_("a number"), "tuple": N_("a tuple of integers"),
         "letter": N_("a letter")}


class NotAnswered(CheckFailed):
    """The question has no answer yet (None, or no assignment at all)."""


def describe(value: Any) -> str:
    """What the student gave, in words: "the text 'b'", "the list [3, 4]", "the number 2"."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return _("the text {value}").format(value=repr(text))
    if isinstance(value, bool):
        return _("the truth value {value}").format(value=value)
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=repr(value))
    if isinstance(value, list):
        return _("the list {value}").format(value=_shorten(repr(value)))
    if isinstance(value, tuple):
        return _("the tuple {value}").format(value=_shorten(repr(value)))
    return _("a value of type {type}").format(type=type(value).__name__)


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def answer_form(name: str, value: Any, form: str, example: str,
                letters: str = "abcd") -> Any:
    """`value` in its normal form (a float, a tuple of ints, a lower-case letter), or
    CheckFailed with one line saying what form was expected and what came instead."""
    if value is None:
        raise NotAnswered(_(MSG_NOT_ANSWERED).format(name=name))
    if form == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif form == "tuple":
        if isinstance(value, tuple) and all(isinstance(v, int) and not isinstance(v, bool)
                                            for v in value):
            return value
    elif form == "letter":
        if isinstance(value, str) and value.strip().lower() in letters:
            return value.strip().lower()
        raise CheckFailed(_(MSG_WRONG_LETTER).format(name=name, letters=", ".join(letters),
                                                     got=describe(value)))
    else:  # pragma: no cover - a question's declaration is the teacher's
        raise ValueError(f"unknown answer form {form!r}")
    raise CheckFailed(_(MSG_WRONG_FORM).format(name=name, form=_(FORMS[form]), example=example,
                                               got=describe(value)))


def expect_answered(student: Any, name: str, form: str, example: str,
                    letters: str = "abcd") -> None:
    """The public check of a concept question: answered, in the right form."""
    try:
        value = getattr(student, name)
    except CheckFailed:  # no assignment to the name at all
        raise NotAnswered(_(MSG_NOT_ANSWERED).format(name=name)) from None
    answer_form(name, value, form, example, letters)
    print(_(MSG_ANSWERED).format(name=name))
