"""Concept-check answers read from a submission's source, never run (trusted side).

An answer is the value of the last top-level assignment `answer_... = <value>` in the
notebook's code cells. The value may be a literal (a number, a string, a tuple or list of
them) or simple arithmetic on numbers (`1 / 4`, `2 * 3 * 10 + 10`); anything else, and a
name that is never assigned, reads as "not answered yet". Nothing is executed, so an
answer cannot do anything but be a value.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Iterable
from typing import Any

from ..i18n.messages import N_, _
from ..selfcheck.answers import NotAnswered, answer_form
from ..selfcheck.expect import CheckFailed

# Grader-side messages with the right answer: shown in the graded feedback only.
MSG_WRONG = N_("{name}: expected {right}, got {got}. {explain}")

_MAX_SOURCE = 2000  # characters of one answer's expression
# An answer cell is a line or two: a larger cell is not parsed for answers (the grader would
# build the syntax tree of a 20 MB cell once per concept check, in its own memory).
_MAX_CELL = 100_000
_MAX_ITEMS = 20
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}


class Unreadable(Exception):
    """The expression is not a plain value."""


def _value(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, type(None))):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) <= _MAX_ITEMS:
        items = [_value(e) for e in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _number(_value(node.operand))
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _number(_value(node.left)), _number(_value(node.right))
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise Unreadable from None
    raise Unreadable


def _number(value: Any) -> int | float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise Unreadable


def read_answer(sources: Iterable[str], name: str) -> Any:
    """The value the notebook's code cells give `name` last, or None (not answered)."""
    found: Any = None
    for source in sources:
        if name not in source or len(source) > _MAX_CELL:
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for stmt in tree.body:
            if not (isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in stmt.targets)):
                continue
            segment = ast.get_source_segment(source, stmt.value) or ""
            try:
                found = _value(stmt.value) if len(segment) <= _MAX_SOURCE else None
            except (Unreadable, RecursionError, OverflowError):
                found = None
    return found


def grade_answer(sources: Iterable[str], name: str, right: Any, *, form: str, example: str,
                 explain: str, letters: str = "abcd", rtol: float = 1e-6) -> None:
    """The hidden check of a concept question: fails with what was expected, what came
    back and why (`explain`, translated by the caller: `explain=_("...")`), or "not answered
    yet", or the form that was expected."""
    got = answer_form(name, read_answer(sources, name), form, example, letters)
    if form == "number":
        ok = abs(got - float(right)) <= rtol * max(1.0, abs(float(right)))
    else:
        ok = got == right
    if not ok:
        raise CheckFailed(_(MSG_WRONG).format(name=name, right=repr(right), got=repr(got),
                                              explain=explain))


__all__ = ["CheckFailed", "NotAnswered", "grade_answer", "read_answer"]
