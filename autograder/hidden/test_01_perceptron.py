"""Hidden checks for 01_perceptron."""

import numpy as np
import pytest

from autograder.i18n.messages import _
from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

INPUTS = [(0, 0), (1, 0), (0, 1), (1, 1), (1.0, 1.0), (0.0, 1.0)]


def _diagnosis(gate, table):
    """The hint for a wrong truth table, where the table is the one a known mistake gives."""
    if all(v == 0 for v in table.values()):
        return HINTS["gate_always_zero"].format(gate=gate)
    if gate != "AND" and all(table[x] == int(x[0] + x[1] > 1.5) for x in table):
        return HINTS["gate_like_and"].format(gate=gate)
    if gate == "AND" and all(table[x] == int(x[0] + x[1] > 0.5) for x in table):
        return HINTS["perceptron_threshold"]  # the threshold itself counts as passing
    if gate == "XOR" and all(table[x] == int(x[0] + x[1] > 0.5) for x in table):
        return HINTS["xor_composition"]
    return None


def truth_table(student, reference, gate):
    mine, theirs = getattr(student, gate), getattr(reference, gate)
    table = {}
    for x1, x2 in INPUTS:
        got = mine(x1, x2)
        expect.that(np.ndim(got) == 0 and got in (0, 1),
                    _("{gate}({x1}, {x2}): expected 0 or 1, got {got}").format(
                        gate=gate, x1=x1, x2=x2, got=expect.show(got)))
        table[(x1, x2)] = got
    for (x1, x2), got in table.items():
        expect.equal(got, theirs(x1, x2), what=f"{gate}({x1}, {x2})",
                     hint=_diagnosis(gate, table))


@pytest.mark.unit("AND")
def test_AND_truth_table(student, reference):
    truth_table(student, reference, "AND")


@pytest.mark.unit("NAND")
def test_NAND_truth_table(student, reference):
    truth_table(student, reference, "NAND")


@pytest.mark.unit("OR")
def test_OR_truth_table(student, reference):
    truth_table(student, reference, "OR")


@pytest.mark.unit("XOR")
def test_XOR_truth_table(student, reference):
    truth_table(student, reference, "XOR")


@pytest.mark.unit("XOR", own_run=False)  # about the reference calls; the truth table
def test_XOR_is_built_from_the_other_gates(student, reference):
    truth_table(student, reference, "XOR")  # a point for the idea only with right answers
    used = set(student.reference_calls) & {"AND", "NAND", "OR"}
    expect.that(len(used) >= 2, _("XOR called {called} of AND, NAND and OR; expected a two-layer "
                                  "combination of them").format(
        called=sorted(used) or 'none'), HINTS["xor_composition"])
