"""Hidden checks for 01_perceptron."""

import numpy as np
import pytest

from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

INPUTS = [(0, 0), (1, 0), (0, 1), (1, 1), (1.0, 1.0), (0.0, 1.0)]
WEIGHT_HINTS = {
    "AND": HINTS["perceptron_threshold"],
    "NAND": "NAND is AND with the signs of the weights and the bias flipped",
    "OR": "OR needs a threshold that one input alone can pass, e.g. w = (0.5, 0.5), b = -0.2",
    "XOR": HINTS["xor_composition"],
}


def truth_table(student, reference, gate):
    mine, theirs = getattr(student, gate), getattr(reference, gate)
    for x1, x2 in INPUTS:
        got = mine(x1, x2)
        expect.that(np.ndim(got) == 0 and got in (0, 1),
                    f"{gate}({x1}, {x2}): expected 0 or 1, got {expect.show(got)}",
                    "return the number 0 or 1, not an array")
        expect.equal(got, theirs(x1, x2), what=f"{gate}({x1}, {x2})", hint=WEIGHT_HINTS[gate])


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
    expect.that(len(used) >= 2, f"XOR called {sorted(used) or 'none'} of AND, NAND and OR; "
                f"expected a two-layer combination of them", HINTS["xor_composition"])
