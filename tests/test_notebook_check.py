"""`check("unit")` in a real Jupyter kernel: what a student sees under a check cell.

Each notebook is executed with nbclient in a real python3 kernel, in a copy of the release,
with the notebook's folder as the working directory, the way a student runs it.
"""

import re
import shutil

import nbformat
import pytest
from jupyter_client.kernelspec import find_kernel_specs
from nbclient import NotebookClient

from autograder import curriculum
from kit import SOLUTIONS, copy_release

_CHECK_CELL = re.compile(r'^check\("([^"]+)"\)\s*$')
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Nothing of a traceback, the grader's hidden suites or the kit's files may reach a student.
_LEAKS = ("Traceback", 'File "', "autograder/", "hidden", "site-packages", "test_0")

# A cell appended to the untouched 02 release: the student fixed softmax in the kernel
# but did not save, so forward.ipynb on disk still raises NotImplementedError.
_UNSAVED_SOFTMAX = '''\
def softmax(x):
    z = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return z / np.sum(z, axis=-1, keepdims=True)
'''


def _execute(path, extra_cells=()):
    """Run the notebook at `path` (not modified on disk) in a fresh python3 kernel."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in extra_cells)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _shown(cell):
    """What Jupyter shows under a cell: its printed text and its rendered errors."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append("\n".join(out.traceback) + "\n")
        elif "text/plain" in out.get("data", {}):
            parts.append(out.data["text/plain"] + "\n")
    return _ANSI.sub("", "".join(parts))


def _errors(cell):
    return [out for out in cell.get("outputs", []) if out.output_type == "error"]


def _messages(cell):
    """The lines IPython renders for each error: CheckFailed's _render_traceback_."""
    return [list(out.traceback) for out in _errors(cell)]


def _check_cells(nb):
    """unit -> the executed `check("unit")` cell, in notebook order."""
    cells = {}
    for cell in nb.cells:
        match = cell.cell_type == "code" and _CHECK_CELL.match(cell.source.strip())
        if match:
            cells.setdefault(match.group(1), cell)
    return cells


def _import_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code" and "from_assignment(" in c.source)


def _assert_clean(unit, text):
    leaked = [word for word in _LEAKS if word in text]
    assert not leaked, f'check("{unit}") showed {leaked}:\n{text}'


def _release_with_solutions(tmp_path_factory, name, solved):
    """A copy of the release with the solution notebooks of `solved` saved in place."""
    folder = copy_release(tmp_path_factory.mktemp(name) / "assignments")
    for a in solved:
        notebook = curriculum.BY_ID[a].notebook
        shutil.copy(SOLUTIONS / a / notebook, folder / a / notebook)
    return folder


@pytest.fixture(scope="module", autouse=True)
def python3_kernel():
    """Looked up when the tests run, under the session's private Jupyter dirs (conftest.py)."""
    specs = find_kernel_specs()
    if "python3" not in specs:
        pytest.skip(f"no python3 Jupyter kernel is installed (kernel specs found: "
                    f"{sorted(specs) or 'none'}); install ipykernel to run check() in a notebook")


@pytest.fixture(scope="module")
def unfinished_02(tmp_path_factory):
    """Also: 03 and 04 finished, 02 left as released (for the cross-notebook case)."""
    return _release_with_solutions(tmp_path_factory, "unfinished_02",
                                   ("03_learning", "04_backprop"))


@pytest.fixture(scope="module")
def finished_02_03(tmp_path_factory):
    """02 and 03 finished (the solution notebooks saved in place), 04 as released."""
    return _release_with_solutions(tmp_path_factory, "finished_02_03",
                                   ("02_forward", "03_learning"))


@pytest.fixture(scope="module")
def release_02(unfinished_02):
    nb = _execute(unfinished_02 / "02_forward" / "forward.ipynb",
                  extra_cells=[_UNSAVED_SOFTMAX, 'check("softmax")'])
    return _check_cells(nb), nb.cells[-1]


@pytest.fixture(scope="module")
def solved_02(finished_02_03):
    return _execute(finished_02_03 / "02_forward" / "forward.ipynb")


@pytest.fixture(scope="module")
def release_04(finished_02_03):
    return _execute(finished_02_03 / "04_backprop" / "backprop.ipynb")


@pytest.fixture(scope="module")
def solved_04_without_02(unfinished_02):
    return _execute(unfinished_02 / "04_backprop" / "backprop.ipynb")


def test_release_check_cells_say_not_implemented(release_02):
    cells, _ = release_02
    assert set(cells) == set(curriculum.BY_ID["02_forward"].units)
    for unit, cell in cells.items():
        text = _shown(cell)
        assert f"{unit}: not implemented yet" in text, f'check("{unit}") showed:\n{text}'
        _assert_clean(unit, text)
        errors = _errors(cell)
        assert len(errors) == 1 and errors[0].ename == "CheckFailed", text


def test_unimplemented_unit_is_one_line(release_02):
    """The message under the cell is the one line, however many public tests the unit has."""
    cells, _ = release_02
    for unit, cell in cells.items():
        assert _messages(cell) == [[f"{unit}: not implemented yet"]], (
            f'check("{unit}") showed:\n{_shown(cell)}')


def test_check_sees_unsaved_definitions(release_02):
    """A definition run in the kernel counts, even when the notebook file is not saved."""
    _, cell = release_02
    text = _shown(cell)
    assert not _errors(cell), text
    assert re.search(r"^softmax: all \d+ public checks passed$", text, re.MULTILINE), text


def test_solved_notebook_passes_every_check(solved_02):
    broken = {i: _shown(c) for i, c in enumerate(solved_02.cells) if _errors(c)}
    assert not broken, broken
    cells = _check_cells(solved_02)
    assert set(cells) == set(curriculum.BY_ID["02_forward"].units)
    for unit, cell in cells.items():
        text = _shown(cell)
        assert re.search(rf"^{re.escape(unit)}: all \d+ public checks passed$", text,
                         re.MULTILINE), f'check("{unit}") showed:\n{text}'
        assert "✗" not in text, text
        _assert_clean(unit, text)


def test_later_notebook_imports_finished_earlier_units(release_04):
    imports = _import_cell(release_04)
    assert not _errors(imports), _shown(imports)
    cells = _check_cells(release_04)
    assert set(cells) == set(curriculum.BY_ID["04_backprop"].units)
    assert _messages(cells["d_sigmoid"]) == [["d_sigmoid: not implemented yet"]], (
        _shown(cells["d_sigmoid"]))
    for unit, cell in cells.items():
        # Relu.backward's test runs Relu.forward first, so it may name forward instead.
        text = _shown(cell)
        unfinished = "not answered yet" if unit.startswith("answer_") else "not implemented yet"
        assert re.search(rf"^{unit.split('.')[0]}\S*: {unfinished}"
                         r"(?: \(replace None with your answer\))?$", text,
                         re.MULTILINE), f'check("{unit}") showed:\n{text}'
        assert "finish it in" not in text, f"02 and 03 are finished:\n{text}"
        _assert_clean(unit, text)


def test_later_notebook_says_which_earlier_notebook_to_finish(solved_04_without_02):
    imports = _import_cell(solved_04_without_02)
    assert not _errors(imports), _shown(imports)
    cells = _check_cells(solved_04_without_02)
    expected = {
        "d_sigmoid": "d_sigmoid: sigmoid from 02_forward/forward.ipynb is not implemented "
                     "yet: finish it in 02_forward/forward.ipynb first",
        "SoftmaxWithLoss.forward": "SoftmaxWithLoss.forward: softmax from "
                                   "02_forward/forward.ipynb is not implemented yet: finish "
                                   "it in 02_forward/forward.ipynb first",
    }
    for unit, message in expected.items():
        text = _shown(cells[unit])
        assert _messages(cells[unit]) == [[message]], f'check("{unit}") showed:\n{text}'
        assert _errors(cells[unit])[0].ename == "CheckFailed", text
        _assert_clean(unit, text)
    for unit in ("Affine.forward", "Affine.backward", "d_relu"):  # they need nothing from 02
        text = _shown(cells[unit])
        assert not _errors(cells[unit]) and "public checks passed" in text, text
    assert "03_learning" not in "".join(_shown(c) for c in cells.values()), "03 is finished"


def _regression_part(path):
    """The solved 04 notebook from its first cell to the regression experiment (the
    course's day-1 part), saved in place of the notebook."""
    nb = nbformat.read(path, as_version=4)
    end = next(i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and "train_regression(regression_net" in c.source)
    nb.cells = nb.cells[:end + 1]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def regression_part(tmp_path_factory):
    folder = _release_with_solutions(tmp_path_factory, "regression",
                                     ("02_forward", "03_learning", "04_backprop"))
    return _execute(_regression_part(folder / "04_backprop" / "backprop.ipynb"))


def test_the_regression_network_trains_top_to_bottom_and_plots_its_learning_curve(
        regression_part):
    """The course's regression part of 04 runs in a real kernel, top to bottom: every cell
    without an error, every check passes, and the experiment shows the learning curve."""
    failing = [(c.source[:60], _shown(c)) for c in regression_part.cells
               if c.cell_type == "code" and _errors(c)]
    assert not failing, failing
    cells = _check_cells(regression_part)
    for unit in ("d_step_function", "init_regression_network", "forward_regression",
                 "backward_regression", "train_regression"):
        assert "public checks passed" in _shown(cells[unit]), _shown(cells[unit])
    experiment = regression_part.cells[-1]
    first, last = map(float, re.findall(r"steps ([0-9.e-]+)", _shown(experiment)))
    assert last * 10 <= first, _shown(experiment)
    assert any("image/png" in out.get("data", {}) for out in experiment.outputs), \
        "the learning curve was not drawn"
