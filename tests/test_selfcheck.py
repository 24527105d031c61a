"""`pytest assignments` on the release fails every public test; on the solutions it passes."""

import contextlib
import io
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograder.selfcheck import check
from kit import SOLUTIONS, copy_release, run_pytest


def _junit(folder, tmp_path):
    report = tmp_path / "report.xml"
    run_pytest([str(folder), f"--junitxml={report}", "-q"], cwd=tmp_path)
    cases = ET.parse(report).getroot().iter("testcase")
    return [(c.get("name"), [child.tag for child in c], "".join(
        (child.get("message") or "") + (child.text or "") for child in c)) for c in cases]


@pytest.fixture(scope="module")
def released_results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("released")
    return _junit(copy_release(tmp / "assignments"), tmp)


def test_release_fails_every_public_test(released_results):
    assert len(released_results) >= 50
    outcomes = {name: tags for name, tags, _ in released_results}
    assert all(tags == ["failure"] for tags in outcomes.values()), outcomes


def test_unimplemented_units_fail_with_one_line(released_results):
    for name, _, text in released_results:
        # a concept check's answer is a value: it is "not answered yet"
        unfinished = "not answered yet" if name.startswith("test_answer_") else \
            "not implemented yet"
        assert unfinished in text, (name, text)
        assert "\n" not in text.strip(), f"{name}: expected one line, got {text!r}"
        assert "Traceback" not in text and 'File "' not in text, text


def test_softmax_message_on_release(released_results):
    texts = {name: text for name, _, text in released_results}
    assert texts["test_softmax_book_example"].startswith("softmax: not implemented yet")


def test_later_notebooks_say_what_to_finish_first(tmp_path):
    folder = copy_release(tmp_path / "assignments")
    shutil.copy(SOLUTIONS / "04_backprop" / "backprop.ipynb", folder / "04_backprop")
    texts = {name: text for name, _, text in _junit(folder / "04_backprop", tmp_path)}
    message = texts["test_softmax_with_loss_forward"]
    assert message.startswith("SoftmaxWithLoss.forward: softmax from 02_forward/forward.ipynb "
                              "is not implemented yet: finish it in 02_forward/forward.ipynb "
                              "first"), message
    assert texts["test_affine_backward"] == "", "Affine needs nothing from earlier notebooks"


def test_solutions_pass_every_public_test(tmp_path):
    results = _junit(copy_release(tmp_path / "assignments", solved=True), tmp_path)
    assert len(results) >= 50
    failing = [(name, text) for name, tags, text in results if tags]
    assert not failing, failing


def test_one_assignment_runs_alone(tmp_path):
    folder = copy_release(tmp_path / "assignments", solved=True)
    done = run_pytest([str(folder / "02_forward"), "-q"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "12 passed" in done.stdout


def test_check_ignores_the_pytest_settings_of_the_project_around_it(tmp_path):
    """A release inside a project whose pytest settings would break a quiet in-process run
    (an option of the terminal plugin check() turns off, warnings as errors, an unknown
    plugin required): check() says the same as anywhere else."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = "-rs -x --strict-markers"\n'
        'filterwarnings = ["error"]\nrequired_plugins = ["no-such-plugin"]\n', encoding="utf-8")
    folder = copy_release(tmp_path / "assignments") / "02_forward"
    shutil.copytree(SOLUTIONS / "02_forward", folder, dirs_exist_ok=True)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check("softmax", folder)
    assert out.getvalue().rstrip().endswith("public checks passed"), out.getvalue()
