"""Public tests for 01_perceptron: run `pytest 01_perceptron` or `check("AND")`."""

import pytest

from autograder.selfcheck import expect
from autograder.selfcheck.hints import HINTS

INPUTS = [(0, 0), (1, 0), (0, 1), (1, 1)]
TRUTH = {
    "AND": [0, 0, 0, 1],
    "NAND": [1, 1, 1, 0],
    "OR": [0, 1, 1, 1],
    "XOR": [0, 1, 1, 0],
}


def _truth_table(student, gate, hint):
    fn = getattr(student, gate)
    for (x1, x2), want in zip(INPUTS, TRUTH[gate]):
        got = fn(x1, x2)
        expect.that(got in (0, 1) and not isinstance(got, bool),
                    f"{gate}({x1}, {x2}): expected the int {want}, got {expect.show(got)}",
                    "return the number 0 or 1, not True/False or an array")
        expect.equal(got, want, what=f"{gate}({x1}, {x2})", hint=hint)


@pytest.mark.unit("AND")
def test_AND_truth_table(student):
    _truth_table(student, "AND", HINTS["perceptron_threshold"])


@pytest.mark.unit("NAND")
def test_NAND_truth_table(student):
    _truth_table(student, "NAND", "NAND is AND with the signs of the weights and the bias "
                                  "flipped, e.g. w = (-0.5, -0.5), b = 0.7")


@pytest.mark.unit("OR")
def test_OR_truth_table(student):
    _truth_table(student, "OR", "OR needs a smaller threshold than AND: one input alone must "
                                "be enough, e.g. w = (0.5, 0.5), b = -0.2")


@pytest.mark.unit("XOR")
def test_XOR_truth_table(student):
    _truth_table(student, "XOR", HINTS["xor_composition"])


@pytest.mark.unit("AND")
def test_AND_accepts_floats(student):
    expect.equal(student.AND(1.0, 1.0), 1, what="AND(1.0, 1.0)",
                 hint="inputs may be floats: compute with np.array([x1, x2])")
