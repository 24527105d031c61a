"""Every promise of the README's "Trust boundary", each with a hostile student that gains
(or visibly changes its outcome) when the promise is broken.

Each student is the solutions notebook of 02_forward with softmax replaced by an attack
that, if nothing stops it, answers correctly (see sandboxing.py). The tests assert the
specific error each refusal raises, that every other unit still passes, and that the
sandbox's zygote was never killed or replaced. Students are graded one sandbox each, as
the engine grades a class, in two processes.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sandboxing import (
    A,
    describe,
    grade_watched,
    hostile_notebook,
    notebook_path,
    other_checks,
    require_bwrap,
    softmax_that,
    unit_checks,
    write_student,
)

from autograder import paths
from autograder.grade.engine import Options
from autograder.sandbox.launcher import Limits, Sandbox

SOLUTIONS_NB = paths.solutions_dir() / A.id / A.notebook
HIDDEN_SUITE = paths.ROOT / "autograder" / "hidden" / f"test_{A.id}.py"
TOKEN = uuid.uuid4().hex[:12]  # names no other run of these tests uses
EXEC_MARK = f"exec-ran-{TOKEN}"
EXEC_MARKER = f"/tmp/scratchgrad-exec-{TOKEN}"  # what the exec'd program would create
HOST_SECRET = f"/tmp/scratchgrad-host-{TOKEN}"  # a file in the machine's /tmp
LEFT_BEHIND = f"/tmp/scratchgrad-left-{TOKEN}"  # a file one student leaves in its /tmp
MARKERS = (EXEC_MARKER, HOST_SECRET, LEFT_BEHIND)

# The softmax of a notebook file, if the file can be read: a student who can read the
# solutions, or another student's notebook, answers with it.
SOFTMAX_FROM = """
import ast, json
nb = json.load(open({path!r}))
for cell in nb["cells"]:
    source = "".join(cell["source"])
    try:
        tree = ast.parse(source)
    except SyntaxError:
        continue
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "softmax":
            ns = {{}}
            exec(ast.get_source_segment(source, node), ns)
            import numpy
            ns["np"] = numpy
            return ns["softmax"](x)
raise LookupError("no softmax in {path}")
"""


@dataclass(frozen=True)
class Attack:
    """A hostile softmax and how its refusal must show in each softmax check."""

    code: str
    status: str  # of every softmax check
    says: str  # in every softmax check's message
    needs_bwrap: bool = False  # a promise only the bubblewrap sandbox makes
    options: Options | None = None  # grading options of its own (time limits)
    extra_cell: str | None = None


def attacks(port: int, root: Path) -> dict[str, Attack]:
    other_student = notebook_path(root, "honest_neighbour")
    return {
        # -- network ----------------------------------------------------------------------
        "connects_to_the_grader": Attack(softmax_that(f"""
            import socket
            with socket.create_connection(("127.0.0.1", {port}), timeout=2) as s:
                s.sendall(b"let me in")
            """), "error", "PermissionError"),
        "sees_the_graders_network": Attack(softmax_that(f"""
            listening = []
            import os
            for table in filter(os.path.exists, ("/proc/net/tcp", "/proc/net/tcp6")):
                with open(table) as f:
                    rows = [line.split() for line in f.read().splitlines()[1:]]
                listening += [r for r in rows if r[1].endswith(":%04X" % {port}) and r[3] == "0A"]
            if not listening:
                raise ConnectionError("no listener of the grader's in sight")
            """), "error", "ConnectionError: no listener of the grader's in sight",
            needs_bwrap=True),
        # -- processes --------------------------------------------------------------------
        "execs_a_program": Attack(softmax_that(f"""
            import os
            os.execv("/bin/sh", ["sh", "-c", "echo {EXEC_MARK}; echo x > {EXEC_MARKER}"])
            """), "error", "PermissionError"),
        "traces_itself": Attack(softmax_that("""
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.ptrace(0, 0, None, None) != 0:  # PTRACE_TRACEME
                raise OSError(ctypes.get_errno(), "ptrace(PTRACE_TRACEME)")
            """), "error", "PermissionError"),
        "kills_its_parent": Attack(softmax_that("""
            import os, signal
            os.kill(os.getppid(), signal.SIGKILL)
            """), "error", "PermissionError"),
        "forks": Attack(softmax_that("""
            import os
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
            """), "error", "PermissionError"),
        "starts_a_thread": Attack(softmax_that("""
            import threading
            thread = threading.Thread(target=lambda: None)
            thread.start()
            thread.join()
            """), "error", "RuntimeError: can't start new thread"),
        "sees_the_graders_processes": Attack(softmax_that("""
            import os
            seen = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        seen.append(f.read())
                except OSError:
                    pass
            if not any(b"pytest" in cmd for cmd in seen):
                raise ProcessLookupError(f"no grader among {len(seen)} processes")
            """), "error", "ProcessLookupError: no grader among", needs_bwrap=True),
        "wants_capabilities": Attack(softmax_that("""
            import os
            held = []
            for who in ("self", str(os.getppid())):
                with open(f"/proc/{who}/status") as f:
                    held += [f"{who} {line.strip()}" for line in f
                             if line.startswith("Cap") and int(line.split()[1], 16)]
            if not held:
                raise PermissionError("no capabilities in the worker or its zygote")
            """), "error", "PermissionError: no capabilities in the worker or its zygote",
            needs_bwrap=True),
        # -- files ------------------------------------------------------------------------
        "reads_the_solutions": Attack("def softmax(x):\n" + _indent(SOFTMAX_FROM.format(
            path=str(SOLUTIONS_NB))), "error", "FileNotFoundError", needs_bwrap=True),
        "reads_the_hidden_suite": Attack(softmax_that(f"""
            with open({str(HIDDEN_SUITE)!r}) as f:
                assert "def test_softmax" in f.read()
            """), "error", "FileNotFoundError", needs_bwrap=True),
        "reads_the_kit_next_to_it": Attack(softmax_that("""
            from pathlib import Path
            import autograder
            kit = Path(autograder.__file__).parents[1]
            for secret in ("autograder/hidden/test_02_forward.py", "autograder/grade/reference.py",
                           "solutions/02_forward/forward.ipynb"):
                open(kit / secret).close()
            """), "error", "FileNotFoundError"),
        "imports_the_grader": Attack(softmax_that("""
            from autograder.grade import reference
            return reference.load_reference("02_forward").namespace["softmax"](x)
            """), "error", "ModuleNotFoundError"),
        "reads_another_student": Attack("def softmax(x):\n" + _indent(SOFTMAX_FROM.format(
            path=str(other_student))), "error", "FileNotFoundError", needs_bwrap=True),
        # -- /tmp -------------------------------------------------------------------------
        "reads_the_hosts_tmp": Attack(softmax_that(f"""
            open({HOST_SECRET!r}).close()
            """), "error", "FileNotFoundError", needs_bwrap=True),
        "finds_what_another_left_in_tmp": Attack(softmax_that(f"""
            open({LEFT_BEHIND!r}).close()
            """), "error", "FileNotFoundError", needs_bwrap=True),
        "fills_tmp": Attack(softmax_that("""
            import os
            written = []
            try:
                for i in range(4):  # 128 MiB, in files under the file size limit
                    written.append(f"/tmp/fill-{i}")
                    with open(written[-1], "wb") as f:
                        for _ in range(32):
                            f.write(bytes(1 << 20))
            finally:
                for path in written:
                    if os.path.exists(path):
                        os.remove(path)
            """), "error", "OSError: [Errno 28] No space left on device", needs_bwrap=True),
        # -- limits -----------------------------------------------------------------------
        "hogs_memory": Attack(softmax_that("""
            import numpy as np
            hog = np.ones(500_000_000)  # 4 GB at once, over the 3 GiB limit
            """), "error", "MemoryError: the unit ran out of the memory the grader allows"),
        "loops_forever": Attack("def softmax(x):\n    while True:\n        pass\n", "timeout",
                                "no answer within 0.5 s", options=Options(check_seconds=0.5)),
    }


def _indent(code: str) -> str:
    return "".join(f"    {line}\n" if line.strip() else "\n" for line in code.splitlines())


def _cleanup_markers() -> None:
    for marker in MARKERS:
        if os.path.exists(marker):
            os.remove(marker)


@pytest.fixture(scope="module")
def listener():
    """A TCP listener on 127.0.0.1 that student code must never reach."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    """Every student, graded once for the whole module."""
    _cleanup_markers()
    with open(HOST_SECRET, "w") as f:
        f.write("the machine's /tmp\n")
    root = tmp_path_factory.mktemp("promises")
    table = attacks(listener.getsockname()[1], root)
    for name, attack in table.items():
        write_student(root, name, hostile_notebook(attack.code, attack.extra_cell))
    write_student(root, "honest_neighbour", hostile_notebook())
    # It writes the file while loading (a class body runs then) and its softmax answers
    # only if the file is there: full marks say it was written.
    write_student(root, "leaves_a_file_in_tmp", hostile_notebook(softmax_that(f"""
        open({LEFT_BEHIND!r}).close()
        """), extra_cell=f"""
        class _LeaveAFile:
            with open({LEFT_BEHIND!r}, "w") as f:
                f.write("left behind")
        """))
    write_student(root, "exhausts_its_budget", hostile_notebook(extra_cell="""
        def step_function(x):
            while True:
                pass
        """))
    options = {name: attack.options or Options() for name, attack in table.items()}
    options["honest_neighbour"] = options["leaves_a_file_in_tmp"] = Options()
    options["exhausts_its_budget"] = Options(budget_seconds=1.0)
    try:
        yield table, grade_watched(root, options, after={
            "finds_what_another_left_in_tmp": "leaves_a_file_in_tmp"})
    finally:
        _cleanup_markers()


ATTACKS = list(attacks(0, Path("/nonexistent")))


def test_the_grading_process_stays_within_its_memory_bound(graded):
    """Whatever the worker does, the grader's own memory stays bounded (1 GiB above the
    size of the grading process before its first student)."""
    _, watched = graded
    growth = {name: w.grader_growth for name, w in watched.items()}
    assert len(growth) == len(watched) and max(growth.values()) < 2**30, growth


@pytest.mark.parametrize("student", ATTACKS)
def test_each_attack_is_refused_with_its_own_error(graded, student):
    table, results = graded
    attack = table[student]
    if attack.needs_bwrap:
        require_bwrap("only the bubblewrap sandbox keeps this promise")
    watched = results[student]
    lost = unit_checks(watched.result)
    assert all(c.status == attack.status and attack.says in c.message for c in lost), \
        describe(lost)
    # the rest of the notebook is graded as if nothing had happened
    assert all(c.status == "passed" for c in other_checks(watched.result)), \
        describe(other_checks(watched.result))


@pytest.mark.parametrize("student", ATTACKS)
def test_the_sandbox_outlives_every_attack(graded, student):
    watched = graded[1][student]
    assert watched.zygote_alive and watched.starts == 1, (watched.starts, watched.warning)


def test_every_student_was_graded_in_bubblewrap_with_nothing_to_warn_of(graded):
    require_bwrap("the sandbox under test is bubblewrap's")
    odd = {s: (w.mode, w.warning) for s, w in graded[1].items()
           if w.mode != "bwrap" or w.warning is not None}
    assert not odd, odd


def test_the_network_is_out_of_reach(graded, listener):
    require_bwrap("only the bubblewrap sandbox has a network of its own")
    with pytest.raises(BlockingIOError):  # nothing is waiting to be accepted
        connection, peer = listener.accept()
        connection.close()
        pytest.fail(f"student code connected to the grader's listener from {peer}")


def test_nothing_is_executed(graded):
    watched = graded[1]["execs_a_program"]
    assert EXEC_MARK not in watched.result.output
    assert not os.path.exists(EXEC_MARKER)
    assert all("PermissionError" in c.message for c in unit_checks(watched.result))


def test_the_kill_left_the_zygote_and_later_checks_ran(graded):
    watched = graded[1]["kills_its_parent"]
    assert watched.zygote_alive and watched.starts == 1
    later = [c for c in watched.result.checks if c.unit in ("init_network", "forward")]
    assert later and all(c.status == "passed" for c in later), describe(later)


def test_tmp_is_private_to_each_student(graded):
    require_bwrap("only the bubblewrap sandbox has a /tmp of its own")
    results = graded[1]
    writer = results["leaves_a_file_in_tmp"].result
    assert writer.score == writer.max_score, describe(writer.checks)  # it did write it
    assert not os.path.exists(LEFT_BEHIND)  # not in the machine's /tmp
    reader = unit_checks(results["finds_what_another_left_in_tmp"].result)
    assert all("FileNotFoundError" in c.message for c in reader), describe(reader)


def test_the_submission_budget_stops_a_loop(graded):
    result = graded[1]["exhausts_its_budget"].result
    first, *rest = result.checks
    assert first.unit == "step_function" and first.status == "timeout", describe([first])
    assert "no answer within" in first.message
    assert rest and all(c.status == "timeout" and "used up its time budget" in c.message
                        for c in rest), describe(rest)


def test_the_honest_neighbour_gets_full_marks(graded):
    result = graded[1]["honest_neighbour"].result
    assert result.score == result.max_score, describe(result.checks)


def test_the_fallback_says_tmp_is_not_private():
    with Sandbox(Limits(), isolation="none") as sandbox:
        assert sandbox.mode == "subprocess"
        assert "/tmp is this machine's /tmp" in sandbox.warning


def test_a_bubblewrap_sandbox_warns_of_nothing():
    require_bwrap("a bubblewrap sandbox")
    with Sandbox(Limits(), isolation="bwrap") as sandbox:
        assert sandbox.mode == "bwrap" and sandbox.warning is None, sandbox.warning
