"""Promises no other test guarded: each test here fails with one break of
benchmarks/mutation.py (named in its docstring) and passes without it (issue 15).

- the output cap keeps what Limits.output_bytes says, not just "less than a lot";
- the grader's caps on received bytes (one message, one check) refuse what a student's
  unit sends to the grader's reference units, where nothing else would go wrong;
- the notebooks test_book_and_variants grades hold the book's code, not the solutions';
- no solution line reaches the release, even with its spacing changed;
- a report that cannot be written whole leaves the old one, whichever file it is.
"""

from __future__ import annotations

import ast
import errno
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grading import grade, write_student
from sandboxing import CORRECT_SOFTMAX, describe, other_checks, unit_checks

from autograder import curriculum
from autograder.demo import Mistake, definitions, student_notebook
from autograder.grade.session import CHECK_BUDGET_BYTES, MAX_MESSAGE_BYTES
from autograder.sandbox.launcher import Limits
from kit import RELEASE, ROOT, SOLUTIONS, notebook_sources, solution_regions

HERE = Path(__file__).parent
FORWARD = curriculum.get("02_forward")
OUTPUT_BYTES = 4096  # the cap the flooding student is graded with


def _replaced(unit: str, code: str) -> Mistake:
    return Mistake(f"promise:{unit}", None, None, unit, textwrap.dedent(code).strip("\n"), "")


# The book's forward, after sending the grader's sigmoid (a reference unit under unit
# isolation) `calls` arrays of `floats` float64 zeros: right answers, so only the caps on
# received bytes stand between it and full marks.
def _forward_sending(calls: int, floats: int) -> Mistake:
    return _replaced("forward", f"""
        def forward(network, x):
            for _ in range({calls}):
                sigmoid(np.zeros({floats}))
            W1, W2, W3 = network["W1"], network["W2"], network["W3"]
            b1, b2, b3 = network["b1"], network["b2"], network["b3"]
            z1 = sigmoid(np.dot(x, W1) + b1)
            z2 = sigmoid(np.dot(z1, W2) + b2)
            return identity_function(np.dot(z2, W3) + b3)
        """)


# One message just over the cap; then messages each well under it whose sum is just over
# the check's budget.
ONE_BIG = MAX_MESSAGE_BYTES // 8 + 2**20
MEDIUM = MAX_MESSAGE_BYTES // 8 * 3 // 4
MEDIUM_CALLS = CHECK_BUDGET_BYTES // (MEDIUM * 8) + 1

FLOOD = _replaced("softmax", "def softmax(x):\n" + textwrap.indent(
    "import sys\nfor _ in range(100):\n    sys.stdout.write('#' * 1000)\n"
    + CORRECT_SOFTMAX.strip("\n"), "    "))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("promises")
    write_student(root, "one-big-message", FORWARD.id, [_forward_sending(1, ONE_BIG)])
    write_student(root, "many-messages", FORWARD.id, [_forward_sending(MEDIUM_CALLS, MEDIUM)])
    write_student(root, "floods-its-output", FORWARD.id, [FLOOD])
    return grade(root, jobs=2, check_seconds=30.0, limits=Limits(output_bytes=OUTPUT_BYTES))


def test_output_keeps_no_more_than_the_limit(graded):
    """Break output_cap_tripled: test_hostile only checks that a flood keeps < 64 KiB."""
    result = graded[("floods-its-output", FORWARD.id)]
    assert result.score == result.max_score, describe(result.checks)
    kept, marker, rest = result.output.partition("\n[... ")
    assert marker and rest.endswith(" more bytes not kept]"), result.output[-200:]
    assert len(kept.encode()) == OUTPUT_BYTES  # every softmax call printed 100 kB
    assert int(rest.split()[0]) > 0


@pytest.mark.parametrize(("student", "says"), [
    ("one-big-message", f"a message larger than {MAX_MESSAGE_BYTES // 2**20} MiB"),
    ("many-messages", "messages larger than the check's budget of received bytes"),
], ids=["one_message", "check_budget"])
def test_the_grader_refuses_what_a_unit_sends_beyond_its_caps(graded, student, says):
    """Breaks message_cap_removed and check_budget_removed: the memory attacks of
    test_integrity stay under the grader's 1 GiB growth limit without either cap, and
    earn nothing anyway. These answers are right: only the caps cost them their points."""
    result = graded[(student, FORWARD.id)]
    lost = unit_checks(result, "forward")
    assert lost and all(c.status == "error" and "too large" in c.message and says in c.message
                        for c in lost), describe(lost)
    assert all(c.status == "passed" for c in other_checks(result, "forward")), \
        describe(other_checks(result, "forward"))


BOOK_CASES = [(folder, a.id) for folder in ("book", "variants") for a in curriculum.ASSIGNMENTS
              if (HERE / folder / f"{a.id}.py").exists()]


def _definition(source: str, name: str) -> ast.AST | None:
    """The definition of `name` in `source`, or for a concept check's answer its last
    assignment (the one a notebook's run leaves)."""
    answer = None
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return node
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            answer = node
    return answer


@pytest.mark.parametrize(("folder", "aid"), BOOK_CASES, ids=[f"{f}-{a}" for f, a in BOOK_CASES])
def test_the_book_notebooks_hold_the_books_code(folder, aid):
    """Break book_never_inserted: with no definition put in, test_book_and_variants grades
    the solutions, which earn full marks too. Each definition of the file must be, to the
    last node, the notebook's definition of that name (an identical one changes nothing)."""
    defs = definitions(HERE / folder / f"{aid}.py")
    assert defs, f"tests/{folder}/{aid}.py defines nothing"
    cells = [c["source"] for c in student_notebook(aid, defs)["cells"]
             if c["cell_type"] == "code"]
    for m in defs:
        found = [node for source in cells if (node := _definition(source, m.replaces))]
        want = ast.dump(_definition(textwrap.dedent(m.code), m.replaces))
        assert [ast.dump(node) for node in found] == [want], (
            f"tests/{folder}/{aid}.py: the notebook's {m.replaces} is not the book's")


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_no_solution_line_reaches_the_release_with_other_spacing():
    """Break release_leaks_a_reformatted_solution_line: test_release_sync finds a solution
    line only as it is written. What the solutions show on purpose is quoted exactly (a
    formula in the teaching text); a solution line in the release with its spacing changed
    is a leak. Lines of fewer than 12 characters without spaces match by chance."""
    given, secret_lines = [], []
    for a in curriculum.ASSIGNMENTS:
        path = SOLUTIONS / a.id / a.notebook
        for cell, source in notebook_sources(path):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not (cell["cell_type"] == "markdown" and meta.get("solution")):
                given.append(re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", source,
                                    flags=re.DOTALL))
        given.extend(p.read_text(encoding="utf-8") for p in (SOLUTIONS / a.id).glob("test_*.py"))
        secret_lines += [line.strip() for region in solution_regions(path)
                         for line in region.splitlines()]
    shown = "\n".join(given)
    secret = {line for line in secret_lines if len(_squeezed(line)) >= 12
              and not line.startswith("#") and line not in shown}
    assert len(secret) > 100  # the check sees the solutions at all
    released = _squeezed("\n".join(
        "\n".join(source for _, source in notebook_sources(p)) if p.suffix == ".ipynb"
        else p.read_text(encoding="utf-8")
        for p in sorted(RELEASE.rglob("*")) if p.is_file() and "__pycache__" not in p.parts))
    leaked = sorted(line for line in secret if _squeezed(line) in released)
    assert not leaked, f"solution lines in assignments/, spacing aside: {leaked}"


# Writes a report of 16 kB where no file may grow past 4 kB (RLIMIT_FSIZE): the write fails
# half-way, as on a full disk, but at a known place and whatever the file is.
_WRITE_PAST_THE_LIMIT = """
import resource, signal, sys
from pathlib import Path
from autograder.report.files import atomic_write
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the signal
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    atomic_write(Path(sys.argv[1]), b"new," * 4096)
except OSError as exc:
    print(exc.errno)
"""


def test_a_report_that_cannot_be_written_whole_leaves_the_old_one(tmp_path):
    """Break atomic_write_removed: test_batch's full disk catches a half-written report
    only when the disk fills during a JSON file (a half-written HTML page passes there)."""
    target = tmp_path / "grades.csv"
    target.write_bytes(b"old")
    done = subprocess.run([sys.executable, "-c", _WRITE_PAST_THE_LIMIT, str(target)],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == str(errno.EFBIG), done.stdout + done.stderr
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]  # no temporary file left
