"""Public tests for 01_perceptron: run `pytest 01_perceptron` or `check("AND")`."""

import pytest

from autograder.i18n.messages import _
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
                    _("{gate}({x1}, {x2}): expected the int {want}, got {got}").format(
                        gate=gate, x1=x1, x2=x2, want=want, got=expect.show(got)),
                    _("return the number 0 or 1, not True/False or an array"))
        expect.equal(got, want, what=f"{gate}({x1}, {x2})", hint=hint)


@pytest.mark.unit("AND")
def test_AND_truth_table(student):
    _truth_table(student, "AND", HINTS["perceptron_threshold"])


@pytest.mark.unit("NAND")
def test_NAND_truth_table(student):
    _truth_table(student, "NAND", "NAND gives the opposite of AND for every input: it is 0 "
                                  "only when both inputs are 1. A perceptron whose weights and "
                                  "bias have the opposite signs of AND's gives that")


@pytest.mark.unit("OR")
def test_OR_truth_table(student):
    _truth_table(student, "OR", "OR is 1 when at least one input is 1, so one input alone "
                                "must make the weighted sum plus the bias greater than 0: "
                                "OR needs a bias closer to 0 than AND has")


@pytest.mark.unit("XOR")
def test_XOR_truth_table(student):
    _truth_table(student, "XOR", HINTS["xor_composition"])


@pytest.mark.unit("AND")
def test_AND_accepts_floats(student):
    expect.equal(student.AND(1.0, 1.0), 1, what="AND(1.0, 1.0)",
                 hint=_("the inputs may be floats such as 1.0: compute the weighted sum of the "
                        "inputs plus the bias and compare it with 0, rather than compare the "
                        "inputs with particular values"))
