"""Hostile submissions: none gains a point, a crash costs only its own checks, and the
batch always finishes. They run in the real sandbox (bubblewrap where installed)."""

import json
import shutil
import textwrap

import pytest
from grading import grade

from autograder import curriculum, paths
from autograder.demo import Mistake, student_notebook, write_notebook
from autograder.sandbox.launcher import bwrap_available

A = curriculum.get("02_forward")
SOLUTIONS_NB = paths.solutions_dir() / A.id / A.notebook
HIDDEN_SUITE = paths.ROOT / "autograder" / "hidden" / "test_02_forward.py"


def softmax(code):
    return Mistake("hostile", None, None, "softmax", textwrap.dedent(code), "")


def with_cell(nb, code):
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                        "execution_count": None, "source": textwrap.dedent(code)})
    return nb


# Built on the untouched release: whatever they do, they must score 0.
NO_POINTS = {
    "patches_numpy_comparisons": lambda: with_cell(student_notebook(A.id, unfinished=True), """
        import numpy as np
        class _Patch:  # a class body runs when the notebook is loaded
            np.allclose = lambda *a, **k: True
            np.isclose = lambda *a, **k: True
            np.array_equal = lambda *a, **k: True
            np.testing.assert_allclose = lambda *a, **k: None
        """),
    "exits_at_import": lambda: with_cell(student_notebook(A.id, unfinished=True), """
        import sys
        class _Exit:
            sys.exit(0)
        """),
    "os_exit_at_import": lambda: with_cell(student_notebook(A.id, unfinished=True), """
        import os
        class _Exit:
            os._exit(0)
        """),
    "reads_the_solutions": lambda: student_notebook(A.id, [softmax(f"""
        def softmax(x):
            import json
            nb = json.load(open({str(SOLUTIONS_NB)!r}))
            src = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
            ns = {{}}
            exec(src, ns)
            return ns["softmax"](x)
        """)], unfinished=True),
    "reads_the_hidden_suite": lambda: student_notebook(A.id, [softmax(f"""
        def softmax(x):
            text = open({str(HIDDEN_SUITE)!r}).read()
            raise ValueError(text[:200])
        """)], unfinished=True),
    "imports_the_grader": lambda: student_notebook(A.id, [softmax("""
        def softmax(x):
            from autograder.grade import reference
            return reference.load_reference("02_forward").namespace["softmax"](x)
        """)], unfinished=True),
    "calls_the_reference_it_is_graded_on": lambda: student_notebook(A.id, [softmax("""
        def softmax(x):
            from autograder.sandbox.rpc import UnitStub
            import gc
            peer = next(o for o in gc.get_objects() if type(o).__name__ == "Peer")
            return UnitStub(peer, "softmax")(x)
        """)], unfinished=True),
    "returns_a_pickle_bomb": lambda: student_notebook(A.id, [softmax("""
        def softmax(x):
            class Bomb:
                def __reduce__(self):
                    return (exec, ("open('/tmp/scratchgrad-pwned', 'w').write('x')",))
            return Bomb()
        """)], unfinished=True),
    "returns_a_lying_ndarray": lambda: student_notebook(A.id, [softmax("""
        def softmax(x):
            import numpy as np
            class Liar(np.ndarray):
                def __eq__(self, other):
                    return np.ones(np.shape(other), dtype=bool)
                def __array_finalize__(self, obj):
                    pass
            return np.zeros_like(x).view(Liar)
        """)], unfinished=True),
    "returns_nan_and_wrong_shapes": lambda: student_notebook(A.id, [softmax("""
        def softmax(x):
            import numpy as np
            return np.full(np.shape(x)[::-1] + (1,), np.nan)
        """)], unfinished=True),
}

# Built on the solutions with softmax replaced: they lose softmax, and only softmax.
SOFTMAX_ONLY = {
    "loops_forever": "def softmax(x):\n    while True:\n        pass\n",
    # 4 GB at once, over the 3 GiB limit: a gradual hog is as real, but its time to reach
    # the limit depends on how fast this machine hands out fresh pages
    "hogs_memory": ("def softmax(x):\n    import numpy as np\n    hog = []\n"
                    "    while True:\n        hog.append(np.ones(500_000_000))\n"),
    "segfaults": "def softmax(x):\n    import ctypes\n    return ctypes.string_at(0)\n",
    "forks_forever": ("def softmax(x):\n    import os\n    while True:\n        os.fork()\n"),
    "calls_sys_exit": "def softmax(x):\n    import sys\n    sys.exit(3)\n",
    "calls_os_exit": "def softmax(x):\n    import os\n    os._exit(3)\n",
    "prints_a_flood": ("def softmax(x):\n    import sys\n    for _ in range(20000):\n"
                       "        sys.stdout.write('#' * 5000)\n    return x\n"),
    "kills_its_parent": ("def softmax(x):\n    import os, signal\n"
                         "    os.kill(os.getppid(), signal.SIGKILL)\n    return x\n"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    for name, build in NO_POINTS.items():
        write_notebook(build(), root / name / A.id / A.notebook)
    for name, code in SOFTMAX_ONLY.items():
        write_notebook(student_notebook(A.id, [softmax(code)]), root / name / A.id / A.notebook)
    write_notebook(student_notebook(A.id), root / "honest" / A.id / A.notebook)
    # A pytest configuration that would pass every test, were it ever loaded.
    plugin = ("import pytest\n@pytest.hookimpl(hookwrapper=True)\n"
              "def pytest_runtest_makereport(item, call):\n"
              "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n")
    conftest_student = root / "injects_pytest_config"
    write_notebook(student_notebook(A.id, unfinished=True), conftest_student / A.id / A.notebook)
    for folder in (root, conftest_student, conftest_student / A.id):
        (folder / "conftest.py").write_text(plugin)
        (folder / "pytest.ini").write_text("[pytest]\naddopts = -p conftest\n")
    shutil.copy(root / "conftest.py", root / "injects_pytest_config" / "plugin.py")
    return grade(root, jobs=2, check_seconds=3.0)


@pytest.mark.skipif(not bwrap_available(),
                    reason="skipped: bubblewrap is not installed or cannot run here")
def test_runs_in_bubblewrap_where_installed(graded):
    # the fallback to a plain subprocess would put its warning in the notes
    assert all(not r.notes for r in graded.values() if r.student_id == "honest")


def test_the_honest_student_still_gets_full_marks(graded):
    result = graded[("honest", A.id)]
    assert result.score == result.max_score


@pytest.mark.parametrize("student", [*NO_POINTS, "injects_pytest_config"])
def test_gains_no_point(graded, student):
    result = graded[(student, A.id)]
    assert result.score == 0, [(c.id, c.status, c.message) for c in result.checks if c.score]


@pytest.mark.skipif(not bwrap_available(), reason="the filesystem is only hidden by bubblewrap")
@pytest.mark.parametrize("student", ["reads_the_solutions", "reads_the_hidden_suite",
                                     "imports_the_grader"])
def test_cannot_see_the_grader(graded, student):
    messages = " ".join(c.message for c in graded[(student, A.id)].checks if c.unit == "softmax")
    assert "Error" in messages
    assert "def softmax" not in messages and "unit(" not in messages


def test_reference_under_test_is_out_of_reach(graded):
    messages = [c.message for c in graded[("calls_the_reference_it_is_graded_on", A.id)].checks
                if c.unit == "softmax"]
    assert all("not available while softmax is checked" in m for m in messages), messages


def test_nothing_from_the_worker_is_unpickled(graded):
    import os

    assert not os.path.exists("/tmp/scratchgrad-pwned")
    messages = [c.message for c in graded[("returns_a_pickle_bomb", A.id)].checks
                if c.unit == "softmax"]
    assert all("expected an ndarray" in m and "Bomb" in m for m in messages), messages


def test_a_lying_subclass_is_judged_by_its_numbers(graded):
    checks = [c for c in graded[("returns_a_lying_ndarray", A.id)].checks if c.unit == "softmax"]
    assert all(c.status == "failed" for c in checks)


@pytest.mark.parametrize("student", list(SOFTMAX_ONLY))
def test_a_crash_costs_only_its_own_checks(graded, student):
    result = graded[(student, A.id)]
    lost = {c.unit for c in result.checks if c.status != "passed"}
    assert lost <= {"softmax"}, [(c.id, c.message) for c in result.checks if c.score == 0]
    if student != "prints_a_flood":
        assert lost == {"softmax"}


def test_statuses_say_what_happened(graded):
    def statuses(student):
        return {c.status for c in graded[(student, A.id)].checks if c.unit == "softmax"}

    assert statuses("loops_forever") == {"timeout"}
    assert statuses("segfaults") == {"error"}
    messages = " ".join(c.message for c in graded[("segfaults", A.id)].checks)
    assert "SIGSEGV" in messages
    assert "sys.exit(3)" in " ".join(c.message for c in graded[("calls_sys_exit", A.id)].checks)
    assert "MemoryError" in " ".join(c.message for c in graded[("hogs_memory", A.id)].checks)
    assert "BlockingIOError" in " ".join(
        c.message for c in graded[("forks_forever", A.id)].checks) or "Operation not permitted" \
        in " ".join(c.message for c in graded[("forks_forever", A.id)].checks)


def test_output_is_capped(graded):
    result = graded[("prints_a_flood", A.id)]
    assert len(result.output) < 64 * 1024
    assert "more bytes not kept" in result.output


def test_load_failures_are_reported(graded):
    result = graded[("os_exit_at_import", A.id)]
    assert all(c.status == "error" and "could not be loaded" in c.message for c in result.checks)
    assert json.dumps(result.to_dict())  # the record is still written
