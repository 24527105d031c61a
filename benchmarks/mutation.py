"""Mutation testing: break the kit on purpose, one promise at a time, and see a test fail.

Why
    A test suite that passes says nothing about what it would notice. A reviewer broke the
    production code on purpose in a copy and re-ran the tests meant to guard it: 12 of 20
    breaks went unnoticed (project issue 15). This script keeps those breaks, and more, as a
    list that is run again whenever the code or the tests change, so that "every promise
    has a test that fails without it" stays true instead of being checked once.

What it does
    Each break is a named, small textual patch of production code (file, exact old text,
    new text) and the tests expected to catch it. The script takes one snapshot of the kit
    (the files git knows of, tracked or not yet added, as they are in the working tree, or
    a commit with --rev: no .venv, no .git); for each break it copies the snapshot to a
    temporary folder, applies the patch, and runs

        python -m pytest <tests> -x -q -n 0 -p no:randomly -p no:cacheprovider -rfE

    in the copy. The break is caught when pytest fails. A break whose old text is no longer
    in the code (or is there more often than declared) stops the whole run before anything
    is graded: the list cannot rot silently.

    The copy's `autograder` must be the one imported, not the checkout's: PYTHONPATH points
    at the copy, and the tests run under a throwaway virtual environment whose only link to
    the checkout's environment is a .pth file naming its site-packages, whose own .pth files
    (among them the editable install's import hook, which maps `autograder` to the
    checkout) are therefore not run. So a test that replaces PYTHONPATH in a subprocess
    (test_integrity's memory test does) still imports the copy. Before its tests run, each
    copy is checked to import itself both ways, and the `sanity_copy_imported` break (the
    copy's malloc tuning reports failure, which test_wire notices only in the copy) must be
    caught.

How to run
    python benchmarks/mutation.py [--jobs 2] [--only NAME ...] [--list] [--check]
                                  [--baseline] [--rev COMMIT] [--timeout S] [--keep]
                                  [--workdir DIR]

    --list       the breaks, what each removes and the tests expected to catch it
    --check      only verify that every break still applies to the code (seconds)
    --only NAME  run these breaks (repeatable); default: all of them
    --jobs N     breaks run side by side (each runs its own pytest, grading with 2 jobs)
    --baseline   first run every listed test on an unbroken copy: they must pass there,
                 or a "caught" would mean nothing
    --rev C      break the kit as committed at C (`git archive`) instead of the working
                 tree: others' half-done edits stay out of the run
    --timeout S  per break (default 2400 s), on top of pytest-timeout's 600 s per test:
                 a break can hang a module fixture that grades many students
    --keep       keep the copies (default: only the pytest logs are kept)
    --workdir D  where the copies and logs go (default /var/tmp: see default_workdir)

    It prints a markdown table (break, what it removes, caught by, seconds) and exits 1 when
    a break is not caught (or its run could not tell), 2 when the list does not apply.
    "caught by" is the first test that failed (pytest -x); each break lists the tests meant
    for its promise, most of them as node ids, so a break caught only by accident shows.
    Not part of `python -m pytest`: on the project's 2-core VM the 35 breaks take about
    8 minutes with --jobs 2, and the baseline 3 more.

Keeping it honest
    A break must break its promise: one that no test catches is first checked by hand (a
    break that changes nothing is fixed, not answered with a test). A promise no test
    guarded gets its test in tests/test_promises.py, which says which break it answers.
    When the code moves, the run stops with the break whose old text is gone: update its
    patch to the new code, keeping what it removes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST_ARGS = ("-x", "-q", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider", "-rfE")
DEFAULT_TIMEOUT = 2400.0

# Test files the breaks name, by what they guard.
PROMISES = "tests/test_sandbox_promises.py"
HOSTILE = "tests/test_hostile.py"
INTEGRITY = "tests/test_integrity.py"
WIRE = "tests/test_wire.py"
# Each catalogue mistake fails exactly the checks it declares: a check that stops failing
# names the mistake that should have failed it. Then: every rubric check is failed by one.
CATALOGUE_MISTAKES = tuple(f"tests/test_catalogue.py::{test}" for test in (
    "test_mistake_fails_exactly_its_declared_checks_with_its_hint",
    "test_every_rubric_check_is_failed_by_a_catalogue_mistake"))
BOOK = "tests/test_book_and_variants.py"
RELEASE = "tests/test_release_sync.py"
CLI = "tests/test_grade_cli.py"
BATCH = "tests/test_batch.py"
OURS = "tests/test_promises.py"  # what no other test module guarded
INSTALL = "tests/test_install.py"
INCREMENTAL = "tests/test_incremental.py"


@dataclass(frozen=True)
class Patch:
    """Replace `old` by `new` in `file` (relative to the kit); `old` must occur `count`
    times exactly, so that a patch that no longer matches the code fails loudly."""

    file: str
    old: str
    new: str
    count: int = 1


@dataclass(frozen=True)
class Break:
    """One promise removed on purpose, and the tests that must notice.

    tests: pytest arguments (files or node ids, relative to the kit).
    after: commands run in the copy once patched, as a developer would before committing
        (e.g. regenerating the release); "python" is the copy's interpreter.
    """

    name: str
    removes: str
    patches: tuple[Patch, ...]
    tests: tuple[str, ...]
    after: tuple[tuple[str, ...], ...] = ()


def _attacks(*students: str) -> tuple[str, ...]:
    """test_sandbox_promises' checks of these hostile students' scores and errors."""
    return tuple(f"{PROMISES}::test_each_attack_is_refused_with_its_own_error[{s}]"
                 for s in students)


def _seccomp_allows(*names: str) -> Patch:
    """The seccomp filter stops denying these system calls."""
    extra = "".join(f', "{n}"' for n in names)
    return Patch("autograder/sandbox/seccomp.py",
                 'denied = [n for n in nr if n not in ("clone3", "kill", "tkill", "tgkill")]',
                 f'denied = [n for n in nr if n not in ("clone3", "kill", "tkill", "tgkill"'
                 f'{extra})]')


def _returns_at_once(suite: str, signature: str) -> Patch:
    """A hidden check that always passes: its body starts with `return`. (The signature is
    the anchor: bodies change more often than signatures.)"""
    return Patch(f"autograder/hidden/{suite}", f"def {signature}:\n",
                 f"def {signature}:\n    return\n")


BREAKS: tuple[Break, ...] = (
    # -- the harness itself ------------------------------------------------------------------
    Break("sanity_copy_imported",
          "nothing real: the copy's malloc tuning says it failed, which only a run that "
          "imports the copy, not the checkout, can notice",
          (Patch("autograder/sandbox/heap.py",
                 "    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(",
                 "    return False and bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) "
                 "and bool("),),
          (f"{WIRE}::test_freed_message_buffers_stay_in_the_heap",)),
    # -- the sandbox: network, processes, files, limits ----------------------------------------
    Break("network_namespace_shared",
          "bubblewrap's own network namespace (--share-net): the grader's listeners in sight",
          (Patch("autograder/sandbox/launcher.py",
                 'cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", '
                 '"--unshare-user",',
                 'cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-all", '
                 '"--share-net", "--unshare-user",'),),
          (*_attacks("sees_the_graders_network"),
           f"{PROMISES}::test_the_network_is_out_of_reach")),
    Break("socket_allowed", "seccomp's refusal of socket()",
          (_seccomp_allows("socket"),),
          (*_attacks("connects_to_the_grader"), f"{PROMISES}::test_the_network_is_out_of_reach")),
    Break("execve_allowed", "seccomp's refusal of execve and execveat",
          (_seccomp_allows("execve", "execveat"),),
          (*_attacks("execs_a_program"), f"{PROMISES}::test_nothing_is_executed")),
    Break("ptrace_allowed", "seccomp's refusal of ptrace",
          (_seccomp_allows("ptrace"),), _attacks("traces_itself")),
    Break("kill_any_pid", "signals only to the worker itself: kill of any pid allowed",
          (Patch("autograder/sandbox/seccomp.py",
                 "_ins(_RET, _ALLOW), _ins(_RET, _errno(errno.EPERM))]",
                 "_ins(_RET, _ALLOW), _ins(_RET, _ALLOW)]"),),
          (*_attacks("kills_its_parent"),
           f"{PROMISES}::test_the_kill_left_the_zygote_and_later_checks_ran")),
    Break("processes_allowed", "seccomp's refusal of fork, vfork and clone (threads too)",
          (_seccomp_allows("fork", "vfork", "clone"),), _attacks("forks", "starts_a_thread")),
    Break("capabilities_kept",
          "the zygote's drop of every capability (it holds them in its own user namespace)",
          (Patch("autograder/sandbox/zygote.py",
                 '    drop_capabilities(strict=tmp == "bounded")\n', ""),),
          _attacks("wants_capabilities")),
    Break("kit_mounted",
          "the student-side-only view of the kit: the whole kit (solutions, hidden suites, "
          "grader) mounted read-only at its own path",
          (Patch("autograder/sandbox/launcher.py",
                 "    for rel in KIT_PUBLIC:\n"
                 '        cmd += ["--ro-bind", str(_public_source(rel)), f"/kit/{rel}"]\n',
                 '    cmd += ["--ro-bind", str(KIT), str(KIT)]\n'
                 "    for rel in KIT_PUBLIC:\n"
                 '        cmd += ["--ro-bind", str(_public_source(rel)), f"/kit/{rel}"]\n'),),
          _attacks("reads_the_solutions", "reads_the_hidden_suite")),
    Break("tmp_not_private",
          "a private /tmp: the machine's /tmp is bound into the sandbox and the zygote "
          "mounts nothing over it",
          (Patch("autograder/sandbox/launcher.py", '"--dev", "/dev", "--tmpfs", "/tmp",',
                 '"--dev", "/dev", "--bind", "/tmp", "/tmp",'),
           Patch("autograder/sandbox/zygote.py", '    inside = _mounts_under("/tmp")\n',
                 '    return\n    inside = _mounts_under("/tmp")\n')),
          (*_attacks("reads_the_hosts_tmp", "finds_what_another_left_in_tmp"),
           f"{PROMISES}::test_tmp_is_private_to_each_student")),
    Break("tmp_unbounded", "the size of the sandbox's /tmp (its tmpfs mounted without size=)",
          (Patch("autograder/sandbox/zygote.py",
                 'options = f"size={size_bytes},nr_inodes={inodes},mode=1777".encode()',
                 'options = f"nr_inodes={inodes},mode=1777".encode()'),),
          _attacks("fills_tmp")),
    Break("memory_limit_removed", "the worker's memory limit (RLIMIT_AS not set)",
          (Patch("autograder/sandbox/zygote.py",
                 '    "memory_bytes": resource.RLIMIT_AS, "cpu_seconds": resource.RLIMIT_CPU,',
                 '    "cpu_seconds": resource.RLIMIT_CPU,'),),
          _attacks("hogs_memory")),
    Break("output_cap_tripled", "the output cap: three times Limits.output_bytes is kept",
          (Patch("autograder/sandbox/launcher.py", "room = self.limit - len(self.kept)",
                 "room = 3 * self.limit - len(self.kept)"),),
          (f"{HOSTILE}::test_output_is_capped",
           f"{OURS}::test_output_keeps_no_more_than_the_limit")),
    Break("check_time_limit_removed",
          "the per-check time limit (a check may use the submission's whole budget)",
          (Patch("autograder/grade/session.py", "self.check_seconds = min(seconds, remaining)",
                 "self.check_seconds = remaining"),),
          _attacks("loops_forever")),
    Break("submission_budget_removed", "the per-submission time budget",
          (Patch("autograder/grade/session.py",
                 "remaining = self.budget_end - time.monotonic()",
                 'remaining = float("inf")'),),
          (f"{PROMISES}::test_the_submission_budget_stops_a_loop",)),
    # -- the wire and the grader's data ---------------------------------------------------------
    Break("decoder_length_unchecked",
          "the decoder's check that an array's buffer matches its shape and dtype",
          (Patch("autograder/sandbox/codec.py",
                 "    if count * dtype.itemsize != len(blob):\n"
                 '        raise ProtocolError("array buffer length does not match its shape")\n',
                 ""),),
          (WIRE,)),
    Break("decoder_depth_unbounded", "the decoder's bound on nesting (MAX_DEPTH)",
          (Patch("autograder/sandbox/codec.py", "MAX_DEPTH = 48", "MAX_DEPTH = 10**6"),),
          (WIRE,)),
    Break("grader_writes_in_place",
          "the grader's arrays never change: received arrays are written into them again",
          (Patch("autograder/sandbox/links.py",
                 "        self.writes_in_place = writes_in_place\n",
                 "        self.writes_in_place = True\n"),),
          (WIRE, f"{INTEGRITY}::test_writing_into_the_input_earns_nothing")),
    Break("shared_attributes_unvalidated",
          "validation of shared attributes (apply_declared accepts any shape, dtype, nan)",
          (Patch("autograder/sandbox/sync.py",
                 "def _validated(current: Any, new: Any, what: str) -> Any:\n",
                 "def _validated(current: Any, new: Any, what: str) -> Any:\n"
                 "    return new\n"),),
          (WIRE,)),
    Break("message_cap_removed", "the grader's cap on one received message (64 MiB)",
          (Patch("autograder/grade/session.py", "MAX_MESSAGE_BYTES = 64 * 2**20",
                 "MAX_MESSAGE_BYTES = 2**40"),),
          (f"{INTEGRITY}::test_memory_attacks_cost_their_check_and_not_the_grader",
           f"{OURS}::test_the_grader_refuses_what_a_unit_sends_beyond_its_caps[one_message]")),
    Break("check_budget_removed", "the grader's budget of received bytes per check (256 MiB)",
          (Patch("autograder/grade/session.py", "CHECK_BUDGET_BYTES = 256 * 2**20",
                 "CHECK_BUDGET_BYTES = 2**40"),),
          (f"{INTEGRITY}::test_memory_attacks_cost_their_check_and_not_the_grader",
           f"{OURS}::test_the_grader_refuses_what_a_unit_sends_beyond_its_caps[check_budget]")),
    # -- grading ---------------------------------------------------------------------------------
    Break("unit_contract_ignored",
          "unit isolation's contract: every other unit of the notebook is exported as the "
          "reference's",
          (Patch("autograder/grade/reference.py",
                 "    allowed = {name: _export(ns[name], name) for name in a.names "
                 "if name in uses}",
                 "    allowed = {name: _export(ns[name], name) for name in a.names "
                 'if name in uses or name != (unit or "").partition(".")[0]}'),),
          (HOSTILE, INTEGRITY)),
    Break("own_runs_removed",
          "the re-run of passed checks with the student's own units (own_runs does nothing)",
          (Patch("autograder/grade/plugin.py",
                 "def own_runs(run: NotebookRun, session: Session, default_seconds: float) "
                 "-> None:\n",
                 "def own_runs(run: NotebookRun, session: Session, default_seconds: float) "
                 "-> None:\n    return\n"),),
          (f"{INTEGRITY}::test_units_that_work_only_with_the_reference_earn_nothing",)),
    Break("seed_depends_on_the_order",
          "seeds that depend on the check only: each check's seed counts the checks graded "
          "before it in the process",
          (Patch("autograder/grade/plugin.py",
                 "def seed_for(assignment_id: str, check: str) -> int:\n",
                 "def seed_for(assignment_id: str, check: str) -> int:\n"
                 "    seed_for.calls = getattr(seed_for, 'calls', 0) + 1\n"
                 "    return seed_for.calls\n"),),
          (f"{INTEGRITY}::test_scores_do_not_depend_on_order_jobs_or_classmates",)),
    Break("softmax_check_always_passes",
          "hidden check softmax_rows_of_a_batch (it returns before it expects anything)",
          (_returns_at_once("test_02_forward.py",
                            "test_softmax_rows_of_a_batch(student, reference, rng)"),),
          CATALOGUE_MISTAKES),
    Break("backward_gradient_check_always_passes",
          "hidden check Affine_backward_gradient_check (it returns before it expects "
          "anything)",
          (_returns_at_once("test_04_backprop.py",
                            "test_Affine_backward_gradient_check(student, rng)"),),
          CATALOGUE_MISTAKES),
    Break("optimizer_check_always_passes",
          "hidden check Momentum_update (it returns before it expects anything)",
          (_returns_at_once("test_06_optimizers.py",
                            "test_Momentum_update(student, reference, rng)"),),
          CATALOGUE_MISTAKES),
    Break("train_check_always_passes",
          "hidden check train_uses_backprop (it returns before it expects anything)",
          (_returns_at_once("test_05_training.py",
                            "test_train_uses_backprop(student, reference, rng)"),),
          CATALOGUE_MISTAKES),
    Break("regression_update_check_always_passes",
          "hidden check train_regression_updates_the_network_passed_in (it returns before "
          "it expects anything)",
          (_returns_at_once("test_04_backprop.py",
                            "test_train_regression_updates_the_network_passed_in("
                            "student, reference, rng)"),),
          CATALOGUE_MISTAKES),
    Break("concept_answers_never_compared",
          "the comparison of a concept check's answer with the right one",
          (Patch("autograder/grade/answers.py", "    if not ok:\n", "    if False:\n"),),
          CATALOGUE_MISTAKES),
    Break("concept_explanation_in_the_hints",
          "right answers kept out of what students get (an explanation copied into hints.py)",
          (Patch("autograder/selfcheck/hints.py", '    # general\n',
                 '    # general\n    "sgd_step": "The update subtracts the learning rate '
                 'times the gradient: 0.8 - 0.1 * 2.0 = 0.6. Gradient descent moves against '
                 'the gradient, downhill.",\n'),),
          ("tests/test_answers.py",)),
    Break("own_runs_not_transitive",
          "own runs wait for the units the used units use (train_regression's own "
          "backward_regression calls the student's d_mean_squared_error)",
          (Patch("autograder/grade/plugin.py",
                 "if not run.passes(_closure(run.submission.assignment_id, used)):",
                 "if not run.passes(used):"),),
          CATALOGUE_MISTAKES),
    # -- the kit's own test material and the release --------------------------------------------
    Break("book_never_inserted",
          "the book's code in the notebooks graded by test_book_and_variants (the insert "
          "helper never finds a definition, so the solutions are graded instead)",
          (Patch("autograder/demo.py",
                 '    answer (`answer_... = value`) replaces the last assignment to its name."""\n'
                 '    tree = ast.parse(source)\n',
                 '    answer (`answer_... = value`) replaces the last assignment to its name."""\n'
                 '    return None\n'),),
          (BOOK, f"{OURS}::test_the_book_notebooks_hold_the_books_code")),
    Break("release_leaks_a_reformatted_solution_line",
          "a release free of solution lines: softmax's docstring quotes its first solution "
          "line with other spacing, and the release is regenerated",
          (Patch("solutions/02_forward/forward.ipynb",
                 '    "    Returns: same shape as x, float; each row sums to 1\\n",\n',
                 '    "    Returns: same shape as x, float; each row sums to 1\\n",\n'
                 '    "    Hint: x = x - np.max(x, axis = -1, keepdims = True)\\n",\n'),),
          (RELEASE, f"{OURS}::test_no_solution_line_reaches_the_release_with_other_spacing"),
          after=(("python", "-m", "autograder", "release"),)),
    # -- reports ---------------------------------------------------------------------------------
    Break("csv_formula_escape_removed", "grades.csv's escaping of formula-like cells",
          (Patch("autograder/report/files.py",
                 '    return "\'" + text if text.startswith(_FORMULA_START + ("\'",)) else text',
                 "    return text"),),
          (f"{BATCH}::test_csv_cells_that_look_like_formulas_are_escaped",
           f"{BATCH}::test_formula_student_ids_are_escaped_in_grades_csv")),
    Break("atomic_write_removed",
          "atomic reports: every report is written in place, no temporary file, no rename",
          (Patch("autograder/report/files.py",
                 "    tmp = temp_path(target)\n    try:\n",
                 '    with open(target, "wb") as f:\n        f.write(data)\n    return\n'
                 "    tmp = temp_path(target)\n    try:\n"),),
          (f"{BATCH}::test_a_full_disk_leaves_no_broken_report",
           f"{BATCH}::test_a_killed_run_reruns_to_the_same_bytes",
           f"{OURS}::test_a_report_that_cannot_be_written_whole_leaves_the_old_one")),
    Break("grades_csv_not_merged",
          "grades.csv keeps the rows of earlier runs (each run rewrites it with its own)",
          (Patch("autograder/report/grades_csv.py",
                 "        rows = {(r[0], r[1]): r for r in read_grades_csv(path)}\n",
                 "        rows = {}\n"),),
          (f"{BATCH}::test_grades_csv_keeps_the_rows_of_earlier_runs",
           f"{BATCH}::test_two_runs_into_one_out_keep_both")),
    Break("grades_csv_unlocked", "the lock around grades.csv's read-merge-replace",
          (Patch("autograder/report/grades_csv.py", "    with locked(path):\n",
                 "    if True:\n"),),
          (f"{BATCH}::test_the_merge_waits_for_the_lock",)),
    Break("report_holds_timings",
          "reports without timings (a rerun writes the same bytes): the JSON keeps seconds",
          (Patch("autograder/report/writer.py", '    data.pop("seconds", None)\n', ""),),
          (f"{BATCH}::test_a_killed_run_reruns_to_the_same_bytes",)),
    Break("feedback_shows_hidden_source",
          "feedback without hidden test source: the page shows the notebook's hidden suite",
          (Patch("autograder/report/feedback.py",
                 "    notes = \"\".join(f'<p class=\"note\">{html.escape(n)}</p>' "
                 "for n in result.notes)\n",
                 "    notes = \"\".join(f'<p class=\"note\">{html.escape(n)}</p>' "
                 "for n in result.notes)\n"
                 '    hidden = __import__("pathlib").Path(__file__).parents[1] / "hidden"\n'
                 '    notes += "<pre>" + html.escape((hidden / f"test_{a.id}.py").read_text())'
                 ' + "</pre>"\n'),),
          (f"{CLI}::test_feedback_page_has_hints_and_no_hidden_material",)),
    Break("student_wheel_ships_the_grader",
          "a students' package without the grader: the wheel holds autograder/grade/ too",
          (Patch("autograder/release/wheels.py",
                 "    for rel in KIT_PUBLIC:\n        files.update(",
                 '    for rel in (*KIT_PUBLIC, "autograder/grade"):\n        files.update('),),
          (f"{INSTALL}::test_the_students_wheel_holds_no_solution_hidden_suite_or_rubric",)),
    Break("wheel_kit_not_hidden",
          "the sandbox hides the kit installed in site-packages (a wheel) from student code",
          (Patch("autograder/sandbox/launcher.py",
                 "    for secret in _secrets(runtime):\n",
                 "    for secret in _secrets(runtime)[:0]:\n"),),
          (f"{INSTALL}::test_the_sandbox_hides_the_kit_installed_from_a_wheel",)),
    Break("site_packages_hidden",
          "a wheel's site-packages stays in the sandbox's sight (numpy is installed there too); "
          "the break hides all of it",
          (Patch("autograder/sandbox/launcher.py",
                 "    candidates = {paths.PACKAGE, paths.current().root}\n",
                 "    candidates = {paths.PACKAGE, paths.current().root, KIT}\n"),),
          (f"{INSTALL}::test_the_sandbox_hides_the_kit_installed_from_a_wheel",)),
    Break("fingerprint_ignores_the_hidden_suite",
          "a result is reused only while its hidden suite is unchanged",
          (Patch("autograder/grade/fingerprint.py",
                 "    _file_hash(h, chosen.hidden_suite(a.id))\n", ""),),
          (f"{INCREMENTAL}::test_a_changed_hidden_suite_or_rubric_grades_its_assignment_again",)),
)


class BreakRotted(Exception):
    """A break's old text is not in the code as declared: the list must be updated."""


@dataclass
class Outcome:
    """What running one break's tests gave."""

    brk: Break
    verdict: str  # "caught", "NOT CAUGHT", "TIMEOUT", "ERROR"
    caught_by: str = ""
    seconds: float = 0.0
    log: Path | None = None
    detail: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.verdict == "caught"


# -- the copy -----------------------------------------------------------------------------------

def kit_files(root: Path = ROOT) -> list[str]:
    """The kit's files as a clone would have them: what git tracks plus new files not yet
    added (others' work in progress belongs to the code under test), nothing ignored."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=root, capture_output=True, check=True).stdout
    names = sorted({n for n in out.decode().split("\0") if n})
    return [n for n in names if (root / n).is_file() or (root / n).is_symlink()]


def snapshot(dest: Path, rev: str | None = None, root: Path = ROOT) -> None:
    """The kit as it is now (rev None: the working tree, others' uncommitted work
    included) or at commit `rev`, copied once into `dest`: every break starts from this
    one copy, so that a file edited while the run goes on cannot make two breaks test two
    different kits."""
    dest.mkdir(parents=True)
    if rev is not None:
        archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=root,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        return
    for name in kit_files(root):
        src, dst = root / name, dest / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)


def patched(brk: Break, read: dict[str, str]) -> dict[str, str]:
    """The texts of the files `brk` changes, changed; `read` holds the originals. Raises
    BreakRotted when an old text does not occur exactly as often as declared."""
    texts = dict(read)
    for p in brk.patches:
        text = texts[p.file]
        found = text.count(p.old)
        if found != p.count:
            raise BreakRotted(f"{brk.name}: {p.file} holds the old text {found} time(s), "
                              f"not {p.count}: {p.old[:120]!r}")
        if p.old == p.new:
            raise BreakRotted(f"{brk.name}: a patch of {p.file} changes nothing")
        texts[p.file] = text.replace(p.old, p.new)
    return texts


def _read(root: Path, files: Iterable[str]) -> dict[str, str]:
    out = {}
    for f in files:
        try:
            out[f] = (root / f).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BreakRotted(f"{f} does not exist") from None
    return out


def check_breaks(breaks: Sequence[Break], root: Path = ROOT) -> None:
    """Every break applies to the code as it is now (raises BreakRotted), names tests that
    exist, and has a unique name."""
    names = [b.name for b in breaks]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise BreakRotted(f"breaks named twice: {dupes}")
    for brk in breaks:
        patched(brk, _read(root, {p.file for p in brk.patches}))
        for test in brk.tests:
            path = test.split("::")[0]
            if not (root / path).is_file():
                raise BreakRotted(f"{brk.name}: no test file {path}")
            for name in (part.split("[")[0] for part in test.split("::")[1:]):
                if not re.search(rf"^\s*def {re.escape(name)}\(",
                                 (root / path).read_text(encoding="utf-8"), re.MULTILINE):
                    raise BreakRotted(f"{brk.name}: {path} has no test {name}")


def apply_break(brk: Break, kit: Path) -> None:
    files = {p.file for p in brk.patches}
    for name, text in patched(brk, _read(kit, files)).items():
        (kit / name).write_text(text, encoding="utf-8")


# -- the environment the copy's tests run in --------------------------------------------------

def make_env(work: Path, kit: Path) -> tuple[Path, dict[str, str]]:
    """A throwaway virtual environment for the copy: the copy first on its path, then the
    checkout environment's site-packages (by a .pth line, so that their own .pth files, the
    editable install's hook among them, are not run). Returns its python and environment."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   capture_output=True)
    python = venv / "bin" / "python"
    probe = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                             check=True).stdout.strip()
    ours = [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(purelib, "scratchgrad_mutation.pth").write_text(
        "\n".join([str(kit), *ours]) + "\n", encoding="utf-8")
    # Jupyter's data (nbconvert templates, kernels) is found under sys.prefix/share.
    share = Path(sys.prefix) / "share"
    if share.is_dir():
        (venv / "share").symlink_to(share, target_is_directory=True)
    env = dict(os.environ)
    for var in ("PYTHONHOME", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "VIRTUAL_ENV"):
        env.pop(var, None)
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONPATH"] = str(kit)
    # The checkout's scripts (nbgrader, alembic) stay reachable; they import the copy
    # through PYTHONPATH, which the tests that run them pass on.
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent),
                                   env.get("PATH", "")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return python, env


def verify_imports(python: Path, env: dict[str, str], kit: Path) -> None:
    """The copy's autograder is what its tests import, with PYTHONPATH as set and with
    PYTHONPATH replaced by a test (test_integrity's memory test does that)."""
    probe = "import autograder.paths as p; print(p.ROOT)"
    for variant in (env, {**env, "PYTHONPATH": str(kit / "tests")}):
        done = subprocess.run([str(python), "-c", probe], cwd=kit / "tests", env=variant,
                              capture_output=True, text=True, check=False)
        where = done.stdout.strip()
        if done.returncode != 0:
            raise RuntimeError(f"the copy's autograder cannot be imported: {done.stderr[-500:]}")
        if Path(where).resolve() != kit.resolve():
            raise RuntimeError(f"the tests would import the kit at {where}, not the copy at "
                               f"{kit} (PYTHONPATH={variant['PYTHONPATH']})")


def default_workdir() -> Path:
    """Where the copies go: not under /tmp. The sandbox hides the machine's /tmp, so a
    copy of the kit there is hidden twice, and a break of /tmp's privacy would show up as
    the kit (solutions, hidden suites) in sight instead of as itself; a checkout is not
    under /tmp either. /var/tmp is what the sandbox never mounts."""
    var = Path("/var/tmp")
    return var if var.is_dir() and os.access(var, os.W_OK) else Path(tempfile.gettempdir())


# -- running ------------------------------------------------------------------------------------

# -rfE's summary lines: "FAILED <node id> - <message>" (a node id may hold spaces).
_FAILED = re.compile(r"^(FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)
_INTERRUPTED = re.compile(r"^ERROR collecting (\S+)", re.MULTILINE)


def _run(cmd: Sequence[str], cwd: Path, env: dict[str, str], log: Path, timeout: float
         ) -> int | None:
    """Run `cmd`, its output appended to `log`; its exit status, or None on timeout (its
    whole process group is killed then: it was started in a session of its own)."""
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None


def run_tests(name: str, brk: Break | None, tests: Sequence[str], base: Path, logs: Path,
              timeout: float, keep: bool) -> Outcome:
    """Copy the snapshot in `base`, apply `brk` (None: the baseline), run `tests` there."""
    started = time.monotonic()
    work = base / name
    kit = work / "kit"
    log = logs / f"{name}.log"
    log.write_text("", encoding="utf-8")
    shown = brk or Break(name, "nothing (baseline)", (), tuple(tests))
    try:
        shutil.copytree(base / "snapshot", kit, symlinks=True)
        python, env = make_env(work, kit)
        if brk is not None:
            apply_break(brk, kit)
            for cmd in brk.after:
                argv = [str(python) if part == "python" else part for part in cmd]
                if _run(argv, kit, env, log, timeout) != 0:
                    return Outcome(shown, "ERROR", seconds=time.monotonic() - started, log=log,
                                   detail=f"`{' '.join(cmd)}` failed in the copy")
        verify_imports(python, env, kit)
        code = _run([str(python), "-m", "pytest", *tests, *PYTEST_ARGS], kit, env, log,
                    timeout - (time.monotonic() - started))
    except BreakRotted:
        raise
    except Exception as exc:  # noqa: BLE001 - one break's trouble is reported in its row
        return Outcome(shown, "ERROR", seconds=time.monotonic() - started, log=log,
                       detail=f"{type(exc).__name__}: {exc}")
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    if code is None:
        return Outcome(shown, "TIMEOUT", seconds=seconds, log=log,
                       detail=f"no result within {timeout:g} s")
    if code == 0:
        return Outcome(shown, "NOT CAUGHT", seconds=seconds, log=log)
    if code in (1, 2):  # tests failed, or collection failed (the break broke an import)
        failed = _FAILED.findall(text)
        collecting = _INTERRUPTED.findall(text)
        by = (f"{failed[0][1]}" + (" (error)" if failed[0][0] == "ERROR" else "") if failed
              else f"{collecting[0]} (collection error)" if collecting else f"pytest exit {code}")
        return Outcome(shown, "caught", caught_by=by, seconds=seconds, log=log)
    return Outcome(shown, "ERROR", seconds=seconds, log=log,
                   detail=f"pytest exit {code} (usage, internal error or no tests)")


def _unique_tests(breaks: Sequence[Break]) -> list[str]:
    """The union of the breaks' tests; a node id is dropped when its whole file is listed."""
    tests = list(dict.fromkeys(t for b in breaks for t in b.tests))
    files = {t for t in tests if "::" not in t}
    return [t for t in tests if "::" not in t or t.split("::")[0] not in files]


def table(outcomes: Sequence[Outcome]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| break | what it removes | caught by | seconds |", "|---|---|---|---|"]
    for o in outcomes:
        by = o.caught_by if o.ok else f"**{o.verdict}**" + (f" ({o.detail})" if o.detail else "")
        lines.append(f"| `{o.brk.name}` | {cell(o.brk.removes)} | {cell(by)} | "
                     f"{o.seconds:.0f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="NAME", default=[],
                        help="run this break (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the breaks and exit")
    parser.add_argument("--check", action="store_true",
                        help="only check that every break applies to the code")
    parser.add_argument("--jobs", type=int, default=1, help="breaks run side by side")
    parser.add_argument("--baseline", action="store_true",
                        help="first run the listed tests unbroken: they must pass")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds per break")
    parser.add_argument("--keep", action="store_true", help="keep the copies")
    parser.add_argument("--workdir", type=Path, default=default_workdir(),
                        help="where the copies go (default: %(default)s)")
    parser.add_argument("--rev", metavar="COMMIT",
                        help="break the kit as committed at COMMIT (default: the working tree)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    by_name = {b.name: b for b in BREAKS}
    unknown = [n for n in args.only if n not in by_name]
    if unknown:
        parser.error(f"unknown break(s) {unknown}; --list shows them")
    chosen = [by_name[n] for n in dict.fromkeys(args.only)] if args.only else list(BREAKS)

    if args.list:
        for b in chosen:
            print(f"{b.name}\n    removes: {b.removes}\n    caught by: {' '.join(b.tests)}")
        return 0
    base = Path(tempfile.mkdtemp(prefix="scratchgrad-mutation-", dir=args.workdir))
    try:
        if args.rev is not None:  # the commit itself, so that the table says what it tested
            args.rev = subprocess.run(["git", "rev-parse", "--short", f"{args.rev}^{{commit}}"],
                                      cwd=ROOT, capture_output=True,
                                      check=True).stdout.decode().strip()
        snapshot(base / "snapshot", args.rev)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(base, ignore_errors=True)
        why = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        print(f"mutation: cannot copy the kit at {args.rev or 'the working tree'}: "
              f"{why[-1] if why else exc}", file=sys.stderr)
        return 2
    try:
        check_breaks(BREAKS, base / "snapshot")
    except BreakRotted as exc:
        shutil.rmtree(base, ignore_errors=True)
        print(f"mutation: the list of breaks no longer matches the code: {exc}",
              file=sys.stderr)
        return 2
    if args.check:
        shutil.rmtree(base, ignore_errors=True)
        print(f"all {len(BREAKS)} breaks apply to the kit ({args.rev or 'working tree'})")
        return 0
    logs = base / "logs"
    logs.mkdir()
    print(f"mutation: {len(chosen)} break(s) of the kit at {args.rev or 'the working tree'}, "
          f"{args.jobs} at a time; logs in {logs}", flush=True)
    started = time.monotonic()
    if args.baseline:
        tests = _unique_tests(chosen)
        outcome = run_tests("baseline", None, tests, base, logs, args.timeout * 2, args.keep)
        if outcome.verdict != "NOT CAUGHT":  # i.e. pytest passed
            print(f"mutation: the unbroken kit fails its own tests ({outcome.verdict}: "
                  f"{outcome.caught_by or outcome.detail}); see {outcome.log}",
                  file=sys.stderr)
            return 1
        print(f"baseline: {len(tests)} test targets pass unbroken ({outcome.seconds:.0f} s)",
              flush=True)

    lock = threading.Lock()
    done: dict[str, Outcome] = {}

    def one(brk: Break) -> Outcome:
        outcome = run_tests(brk.name, brk, brk.tests, base, logs, args.timeout, args.keep)
        with lock:
            done[brk.name] = outcome
            what = outcome.caught_by if outcome.ok else outcome.detail
            print(f"[{len(done)}/{len(chosen)}] {brk.name}: {outcome.verdict}"
                  f"{f' ({what})' if what else ''}, {outcome.seconds:.0f} s", flush=True)
        return outcome

    with ThreadPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(one, chosen))
    print()
    print(table(outcomes))
    missed = [o for o in outcomes if not o.ok]
    print(f"\n{len(outcomes) - len(missed)} of {len(outcomes)} breaks caught in "
          f"{time.monotonic() - started:.0f} s wall ({args.jobs} at a time)")
    for o in missed:
        print(f"  {o.brk.name}: {o.verdict}; log {o.log}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
