"""Hostile submissions against the grader itself, graded as a class is (grade_class, two
processes, bubblewrap where it can run): none gains a point, a crash costs only its own
checks, and the batch always finishes.

Each hostile student is the solutions notebook of 02_forward (16 points) with softmax
replaced, or one cell added, so that a point won or lost shows. The sandbox's own promises
(network, exec, files, /tmp, limits) are in test_sandbox_promises.py.
"""

import json
import os
import uuid
from dataclasses import dataclass

import pytest
from grading import grade
from sandboxing import (
    A,
    describe,
    hostile_notebook,
    other_checks,
    require_bwrap,
    unit_checks,
    write_student,
)

from autograder.sandbox.launcher import NO_BWRAP_WARNING, UNBOUNDED_TMP_WARNING

PICKLE_MARKER = f"/tmp/scratchgrad-pwned-{uuid.uuid4().hex[:12]}"
WRONG_SOFTMAX = "def softmax(x):\n    import numpy as np\n    return np.zeros_like(x)\n"


@dataclass(frozen=True)
class Hostile:
    """A hostile notebook and how every one of its softmax checks must end."""

    code: str | None  # the softmax, or None to keep the solution's
    status: str
    says: str  # in every softmax check's message
    extra_cell: str | None = None


HOSTILE = {
    # The patch runs in the worker; the comparisons are made in the grader.
    "patches_numpy_comparisons": Hostile(WRONG_SOFTMAX, "failed", "softmax(x)", """
        import numpy as np
        class _Patch:  # a class body runs when the notebook is loaded
            np.allclose = lambda *a, **k: True
            np.isclose = lambda *a, **k: True
            np.array_equal = lambda *a, **k: True
            np.testing.assert_allclose = lambda *a, **k: None
        """),
    "calls_the_reference_it_is_graded_on": Hostile("""
        def softmax(x):
            from autograder.sandbox.rpc import UnitStub
            import gc
            peer = next(o for o in gc.get_objects() if type(o).__name__ == "Peer")
            return UnitStub(peer, "softmax")(x)
        """, "error", "not available while softmax is checked"),
    "returns_a_pickle_bomb": Hostile(f"""
        def softmax(x):
            class Bomb:
                def __reduce__(self):
                    return (exec, ("open({PICKLE_MARKER!r}, 'w').write('x')",))
            return Bomb()
        """, "failed", "Bomb"),
    "returns_a_lying_ndarray": Hostile("""
        def softmax(x):
            import numpy as np
            class Liar(np.ndarray):
                def __eq__(self, other):
                    return np.ones(np.shape(other), dtype=bool)
                def __array_finalize__(self, obj):
                    pass
            return np.zeros_like(x).view(Liar)
        """, "failed", "softmax(x)"),
    "returns_nan_and_wrong_shapes": Hostile("""
        def softmax(x):
            import numpy as np
            return np.full(np.shape(x)[::-1] + (1,), np.nan)
        """, "failed", "shape"),
    "segfaults": Hostile("def softmax(x):\n    import ctypes\n    return ctypes.string_at(0)\n",
                         "error", "SIGSEGV"),
    "calls_sys_exit": Hostile("def softmax(x):\n    import sys\n    sys.exit(3)\n", "error",
                              "sys.exit(3) was called"),
    "calls_os_exit": Hostile("def softmax(x):\n    import os\n    os._exit(3)\n", "error",
                             "the worker process died during this check (exited with status 3)"),
    # Output costs nothing; it is only capped.
    "prints_a_flood": Hostile("""
        def softmax(x):
            import sys
            import numpy as np
            for _ in range(400):
                sys.stdout.write('#' * 5000)
            e = np.exp(x - np.max(x, axis=-1, keepdims=True))
            return e / np.sum(e, axis=-1, keepdims=True)
        """, "passed", ""),
}

# A pytest configuration that would pass every failing check, were it ever loaded.
PLUGIN = ("import pytest\n@pytest.hookimpl(hookwrapper=True)\n"
          "def pytest_pyfunc_call(pyfuncitem):\n"
          "    outcome = yield\n    outcome.force_result(True)\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if os.path.exists(PICKLE_MARKER):
        os.remove(PICKLE_MARKER)
    root = tmp_path_factory.mktemp("hostile")
    for name, hostile in HOSTILE.items():
        write_student(root, name, hostile_notebook(hostile.code, hostile.extra_cell))
    write_student(root, "honest", hostile_notebook())
    write_student(root, "exits_at_import", hostile_notebook(extra_cell="""
        import sys
        class _Exit:
            sys.exit(0)
        """))
    write_student(root, "os_exit_at_import", hostile_notebook(extra_cell="""
        import os
        class _Exit:
            os._exit(0)
        """))
    # The same partly right notebook twice, once with a pytest configuration beside it.
    for name in ("injects_pytest_config", "same_notebook_without_pytest_config"):
        write_student(root, name, hostile_notebook(WRONG_SOFTMAX))
    for folder in (root / "injects_pytest_config", root / "injects_pytest_config" / A.id):
        (folder / "conftest.py").write_text(PLUGIN)
        (folder / "plugin.py").write_text(PLUGIN)
        (folder / "pytest.ini").write_text("[pytest]\naddopts = -p plugin\n")
    try:
        yield grade(root, jobs=2, check_seconds=3.0)
    finally:
        if os.path.exists(PICKLE_MARKER):
            os.remove(PICKLE_MARKER)


def test_runs_in_bubblewrap_where_installed(graded):
    require_bwrap("the sandbox under test is bubblewrap's")
    # the fallback to a plain subprocess, or a /tmp without its limit, leaves its warning
    warnings = [w.split("(")[0] for w in (NO_BWRAP_WARNING, UNBOUNDED_TMP_WARNING)]
    notes = {n for r in graded.values() for n in r.notes if n.startswith(tuple(warnings))}
    assert not notes, notes


def test_the_honest_student_gets_full_marks(graded):
    result = graded[("honest", A.id)]
    assert result.score == result.max_score == 16, describe(result.checks)


@pytest.mark.parametrize("student", list(HOSTILE))
def test_a_hostile_unit_costs_only_its_own_checks(graded, student):
    hostile, result = HOSTILE[student], graded[(student, A.id)]
    lost = unit_checks(result)
    assert lost and all(c.status == hostile.status and hostile.says in c.message
                        for c in lost), describe(lost)
    assert all(c.status == "passed" for c in other_checks(result)), \
        describe(other_checks(result))
    want = result.max_score - (0 if hostile.status == "passed" else sum(c.max_score
                                                                         for c in lost))
    assert result.score == want


def test_nothing_from_the_worker_is_unpickled(graded):
    assert not os.path.exists(PICKLE_MARKER)
    messages = [c.message for c in unit_checks(graded[("returns_a_pickle_bomb", A.id)])]
    assert all("expected an ndarray" in m and "Bomb" in m for m in messages), messages


def test_output_is_capped(graded):
    result = graded[("prints_a_flood", A.id)]
    assert len(result.output) < 64 * 1024
    assert "more bytes not kept" in result.output


def test_a_pytest_configuration_in_the_submission_has_no_effect(graded):
    injected = graded[("injects_pytest_config", A.id)]
    plain = graded[("same_notebook_without_pytest_config", A.id)]
    assert injected.score == plain.score == injected.max_score - 4, describe(injected.checks)
    assert [(c.id, c.status) for c in injected.checks] == [(c.id, c.status)
                                                            for c in plain.checks]


def test_sys_exit_at_import_loses_nothing_defined_before_it(graded):
    result = graded[("exits_at_import", A.id)]
    assert result.score == result.max_score, describe(result.checks)
    assert any("SystemExit" in note or "sys.exit" in note for note in result.notes), result.notes


def test_a_worker_that_dies_while_loading_costs_the_notebook(graded):
    result = graded[("os_exit_at_import", A.id)]
    assert result.score == 0
    assert all(c.status == "error" and "could not be loaded" in c.message
               for c in result.checks), describe(result.checks)
    assert json.dumps(result.to_dict())  # the record is still written
