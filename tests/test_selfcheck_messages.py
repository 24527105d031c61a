"""What a student reads when a unit fails: the stub that raised, and where in which unit.

Notebooks are the release with the book's code put in (tests/test_selfcheck_book.py), then
one definition changed, so each message comes from a real run of `check()`, of
`pytest assignments` and of the grader.
"""

from __future__ import annotations

import contextlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from grading import grade, write_student
from test_selfcheck_book import _with_book

from autograder import curriculum
from autograder.demo import Mistake, _replace_definition, write_notebook
from autograder.selfcheck import CheckFailed, check
from kit import copy_release, run_pytest

STUB = '''def forward(self, x):
    # YOUR CODE HERE
    raise NotImplementedError()
'''
# The book's softmax with the row sum over axis=1: a 1-D input raises AxisError on line 4.
WRONG_AXIS = '''def softmax(x):
    c = np.max(x)
    exp_a = np.exp(x - c)
    return exp_a / np.sum(exp_a, axis=1)
'''
WRONG_AXIS_WHERE = "(in `softmax`, line 4: `return exp_a / np.sum(exp_a, axis=1)`)"


def _replace(folder: Path, aid: str, target: str, code: str) -> None:
    a = curriculum.get(aid)
    path = folder / aid / a.notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            replaced = _replace_definition(source, target, code)
            if replaced is not None:
                source, count = replaced, count + 1
        cell["source"] = source
    assert count == 1, f"{target} was not found in {aid}"
    write_notebook(nb, path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The book's code everywhere, Affine.forward a stub again and softmax on the wrong axis."""
    folder = _with_book(copy_release(tmp_path_factory.mktemp("messages") / "assignments"))
    _replace(folder, "04_backprop", "Affine.forward", STUB)
    _replace(folder, "02_forward", "softmax", WRONG_AXIS)
    return folder


def _check(folder: Path, aid: str, unit: str) -> str:
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(CheckFailed) as failed:
        check(unit, folder / aid)
    return str(failed.value)


@pytest.fixture(scope="module")
def public(folder, tmp_path_factory) -> dict[str, str]:
    """test name -> failure message of `pytest assignments` on `folder`."""
    tmp = tmp_path_factory.mktemp("junit")
    run_pytest([str(folder), f"--junitxml={tmp / 'r.xml'}", "-q"], cwd=tmp)
    return {c.get("name"): "".join((child.get("message") or "") for child in c)
            for c in ET.parse(tmp / "r.xml").getroot().iter("testcase")}


@pytest.mark.parametrize("unit", ["TwoLayerNet.predict", "TwoLayerNet.loss",
                                  "TwoLayerNet.gradient"])
def test_check_names_the_stub_that_raised(folder, unit):
    message = _check(folder, "04_backprop", unit)
    assert message == f"Affine.forward is not implemented yet ({unit} uses it)", message


def test_the_stub_itself_says_not_implemented(folder):
    message = _check(folder, "04_backprop", "Affine.forward")
    assert message == "Affine.forward: not implemented yet", message


def test_pytest_assignments_names_the_stub_that_raised(public):
    assert public["test_two_layer_net_predict"] == (
        "Affine.forward is not implemented yet (TwoLayerNet.predict uses it)")
    assert public["test_affine_forward"] == "Affine.forward: not implemented yet"
    assert public["test_relu_layer_forward"] == "", "Relu does not use Affine"


def test_check_names_the_unit_and_line(folder):
    message = _check(folder, "02_forward", "softmax")
    assert message.startswith("softmax raised AxisError"), message
    assert WRONG_AXIS_WHERE in message, message
    assert "cell" not in message, message


def test_pytest_assignments_names_the_unit_and_line(public):
    message = public["test_softmax_book_example"]
    assert message.startswith("softmax raised AxisError") and WRONG_AXIS_WHERE in message
    assert "cell" not in message


def test_a_unit_used_by_another_is_named_with_its_line(folder):
    """04's SoftmaxWithLoss uses softmax from 02 (from_assignment): the line is softmax's."""
    message = _check(folder, "04_backprop", "SoftmaxWithLoss.forward")
    assert message.startswith("SoftmaxWithLoss.forward raised ValueError"), message
    assert WRONG_AXIS_WHERE in message and "cell" not in message, message


def test_grading_names_the_unit_and_line(tmp_path, monkeypatch):
    # The grader sets PYTEST_DISABLE_PLUGIN_AUTOLOAD in os.environ for good (grade/runner.py);
    # monkeypatch puts the environment back so later `pytest assignments` runs still load
    # the kit's plugin.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("KMP_DUPLICATE_LIB_OK", "True")
    mistake = Mistake("wrong_axis", "softmax", None, "softmax", WRONG_AXIS, "")
    write_student(tmp_path, "s", "02_forward", [mistake])
    result = grade(tmp_path, ["02_forward"], jobs=1)[("s", "02_forward")]
    messages = [c.message for c in result.checks if c.unit == "softmax" and c.status != "passed"]
    assert messages, "softmax lost no points"
    assert any(WRONG_AXIS_WHERE in m for m in messages), messages
    assert not any("(cell " in m for m in messages), messages
