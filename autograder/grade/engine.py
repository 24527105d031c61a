"""Grade a whole class: one sandbox per student, students in parallel processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from .. import curriculum
from ..collect.submissions import StudentFolder
from ..i18n.messages import N_, _
from ..sandbox.launcher import Limits, Sandbox
from .fingerprint import submission_fingerprint
from .plugin import DEFAULT_CHECK_SECONDS
from .results import AssignmentResult
from .runner import DEFAULT_BUDGET_SECONDS, grade_submissions


@dataclass
class Options:
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    isolation: str = "auto"
    budget_seconds: float = DEFAULT_BUDGET_SECONDS
    check_seconds: float = DEFAULT_CHECK_SECONDS
    limits: Limits = field(default_factory=Limits)


def _prepare_process(assignment_ids: Sequence[str]) -> None:
    """Per grading process: freed memory kept, one BLAS thread, references loaded once."""
    from threadpoolctl import threadpool_limits

    from ..sandbox.heap import reuse_freed_memory
    from . import reference

    reuse_freed_memory()
    threadpool_limits(1)  # jobs run side by side; small matrices gain nothing from threads
    for aid in assignment_ids:
        reference.load_reference(aid)
        for other in curriculum.get(aid).imports:
            reference.load_reference(other)


def grade_student(folder: StudentFolder, options: Options) -> list[AssignmentResult]:
    """Every submission of one student, in a sandbox of their own. A student without a
    notebook to grade (nothing handed in for these assignments) gets none: starting one is
    most of the cost of a student with nothing to grade."""
    sandbox = Sandbox(options.limits, options.isolation)
    needed = any(sub.cells is not None for sub in folder.submissions)
    with sandbox if needed else contextlib.nullcontext(sandbox):
        results = grade_submissions(sandbox, folder.submissions, options.budget_seconds,
                                    options.check_seconds)
    for sub, result in zip(folder.submissions, results):
        result.fingerprint = submission_fingerprint(sub, options)
    return results


_PR_SET_PDEATHSIG = 1
_TERMINATED = threading.Event()  # set by the SIGTERM handler of the grading process


class Terminated(KeyboardInterrupt):
    """The grading process got SIGTERM: the pool is shut down and the run stops.

    A KeyboardInterrupt, so that no `except Exception` on the way swallows it and the CLI
    ends it as it ends Ctrl-C; `signum` tells the two apart."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum


def _die_with_parent(parent_pid: int) -> None:
    """Make the kernel SIGKILL this pool worker when the grading process dies.

    Without it a SIGKILL (or an unhandled SIGTERM) of the main process leaves the workers
    running for ever, holding its stdout open (`scratchgrad grade ... | cat` never ends).
    PR_SET_PDEATHSIG is Linux's; elsewhere this does nothing."""
    if sys.platform != "linux":
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
        return
    if os.getppid() != parent_pid:  # the parent died before prctl: nobody would kill us
        os._exit(1)


def _start_worker(assignment_ids: Sequence[str], parent_pid: int) -> None:
    """Pool initializer: die with the grading process, then prepare as any process does."""
    _die_with_parent(parent_pid)
    # A forked worker inherits the parent's SIGTERM handler, which raises Terminated; a
    # worker told to stop must simply stop (its sandbox dies with it).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _prepare_process(assignment_ids)


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While grading, SIGTERM raises Terminated in the main thread, so the `finally` that
    shuts the pool down runs (the default action would kill only this process)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        _TERMINATED.set()
        raise Terminated(signum)

    _TERMINATED.clear()
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except Exception:
        # pytest, grading in this very process when jobs == 1, turns the Terminated raised
        # inside it into an exit status, and the runner then reports broken suites.
        if _TERMINATED.is_set():
            raise Terminated() from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down now: queued students are cancelled, running ones are killed
    (a plain shutdown would first grade every student still queued)."""
    processes = list((pool._processes or {}).values())  # no public handle
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=10)


def grade_class(folders: Sequence[StudentFolder], options: Options,
                on_result: Callable[[list[AssignmentResult]], None] | None = None,
                progress: bool = True, reused: int = 0) -> list[AssignmentResult]:
    """Grade every student; results are sorted by student and assignment.

    `reused`: notebooks of this run that are not graded again (an earlier run's results,
    still valid); the progress bar counts them beside the graded and remaining ones.

    `on_result` gets each student's results as soon as they are graded (the CLI writes
    the reports there). If it raises, or the process gets SIGTERM (Terminated), grading
    stops at once: queued students are cancelled and the pool's workers are killed."""
    if not folders:
        return []
    assignment_ids = sorted({s.assignment_id for f in folders for s in f.submissions})
    jobs = max(1, min(options.jobs, len(folders)))
    bar = _progress_bar(len(folders), progress)
    results: list[AssignmentResult] = []
    remaining = sum(len(f.submissions) for f in folders)
    _count(bar, 0, reused, remaining)

    def collect(batch: list[AssignmentResult]) -> None:
        results.extend(batch)
        if on_result:
            on_result(batch)
        _count(bar, len(results), reused, remaining - len(results))
        bar.update(1)

    try:
        with _sigterm_raises():
            if jobs == 1:
                _prepare_process(assignment_ids)
                for folder in folders:
                    collect(grade_student(folder, options))
            else:
                context = multiprocessing.get_context("fork" if sys.platform == "linux"
                                                      else "spawn")
                pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                           initargs=(assignment_ids, os.getpid()))
                try:
                    futures = [pool.submit(grade_student, f, options) for f in folders]
                    for future in as_completed(futures):
                        collect(future.result())
                except BaseException:
                    _stop_pool(pool)
                    raise
                pool.shutdown(wait=True)
    finally:
        bar.close()
    return sort_results(results)


def sort_results(results: list[AssignmentResult]) -> list[AssignmentResult]:
    """By student, then in the curriculum's order of assignments."""
    order = {a.id: i for i, a in enumerate(curriculum.ASSIGNMENTS)}
    return sorted(results, key=lambda r: (r.student_id, order[r.assignment]))


MSG_PROGRESS = N_("{graded} graded, {reused} reused, {remaining} remaining")


def _count(bar: object, graded: int, reused: int, remaining: int) -> None:
    """The bar's notebook counts (the bar itself counts students)."""
    bar.set_postfix_str(_(MSG_PROGRESS).format(graded=graded, reused=reused,
                                               remaining=remaining),
                        refresh=False)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, enabled: bool) -> object:
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return _NoBar()
    tqdm.monitor_interval = 0  # no monitor thread: the pool forks after this
    return tqdm(total=total, unit="student", desc="grading", file=sys.stderr,
                dynamic_ncols=True, leave=False)


def count_by_status(results: Iterable[AssignmentResult]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in results:
        for c in r.checks:
            counts[c.status] = counts.get(c.status, 0) + 1
    return counts
