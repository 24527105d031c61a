"""The definitions-only notebook loader."""

import json

import pytest

from autograder.notebook.loader import Cell, cells_from_json, classify, load_cells, read_cells
from autograder.selfcheck.expect import NotImplementedYet
from autograder.selfcheck.units import StudentUnits, translate


def load(*sources):
    return load_cells([Cell(i, s) for i, s in enumerate(sources, start=1)], name="nb.ipynb")


def test_runs_definitions_and_skips_experiments():
    nb = load("import numpy as np\nW = np.array([0.5, 0.5])\nN = 3\n",
              "def f(x):\n    return W * x\n",
              "history = []\nfor i in range(10**9):\n    history.append(i)\n",
              "print('training...')\nnetwork = init_network()\n")
    assert nb.namespace["f"](2).tolist() == [1.0, 1.0]
    # a literal list is a constant, so it is kept, but the loop that fills it never runs
    assert nb.namespace["history"] == [] and "network" not in nb.namespace
    assert "network" in nb.experiment_names


def test_syntax_error_costs_only_its_cell_and_is_named():
    nb = load("def good():\n    return 1\n", "def broken(:\n    pass\n")
    assert nb.has("good") and not nb.has("broken")
    reason = nb.why_missing("broken")
    assert "cell 2" in reason and "syntax error" in reason


def test_magics_and_shell_lines_are_ignored():
    nb = load("%matplotlib inline\n!pip install foo\ndef f():\n    return 2\n", "%%time\nx = 1\n")
    assert nb.namespace["f"]() == 2 and not nb.problems and not nb.broken_cells


def test_sys_exit_in_a_cell_is_reported_not_fatal():
    nb = load("import sys\nclass X:\n    sys.exit(1)\n", "def f():\n    return 3\n")
    assert nb.namespace["f"]() == 3
    assert any("SystemExit" in str(p) for p in nb.problems)


def test_a_global_from_an_experiment_gets_a_hint():
    nb = load("def f():\n    return data + 1\n", "data = load()\n")
    with pytest.raises(NameError) as info:
        nb.namespace["f"]()
    message = str(translate(info.value, "f", nb))
    assert "only an experiment defines" in message and "cell 2" in message


def test_not_implemented_is_one_line():
    nb = load("def softmax(x):\n    raise NotImplementedError()\n")
    units = StudentUnits(nb)
    with pytest.raises(NotImplementedYet) as info:
        units.softmax(1)
    # the one line, no hint, and no chained NotImplementedError traceback under it
    assert str(info.value) == "softmax: not implemented yet" and info.value.hint is None
    assert info.value.__suppress_context__ and info.value.__cause__ is None
    assert info.value._render_traceback_() == ["softmax: not implemented yet"]


def test_heavy_imports_are_lazy():
    nb = load("import matplotlib.pyplot as plt\nfrom scipy import special\n")
    assert "lazily" in repr(nb.namespace["plt"])


def test_classify():
    import ast

    kinds = [classify(s) for s in ast.parse(
        "import os\nx = 1\ny = f()\ndef g(): pass\ntry:\n    import a\nexcept ImportError:\n"
        "    pass\nif __name__ == '__main__':\n    g()\n").body]
    assert kinds == ["import", "constant", "experiment", "definition", "import", "experiment"]


def test_reading_bad_files(tmp_path):
    from autograder.notebook.loader import NotebookError

    bad = tmp_path / "bad.ipynb"
    bad.write_text("[1, 2]")
    with pytest.raises(NotebookError, match="no list of cells"):
        read_cells(bad)
    with pytest.raises(NotebookError, match="cannot read"):
        read_cells(tmp_path / "missing.ipynb")
    good = json.dumps({"cells": [{"cell_type": "markdown", "source": "# hi"},
                                 {"cell_type": "code", "source": ["a = 1\n", "b = 2"]}]})
    assert cells_from_json(good) == [Cell(2, "a = 1\nb = 2")]
