"""Grade a whole class: one sandbox per student, students in parallel processes."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from .. import curriculum
from ..collect.submissions import StudentFolder
from ..sandbox.launcher import Limits, Sandbox
from .plugin import DEFAULT_CHECK_SECONDS
from .results import AssignmentResult
from .runner import DEFAULT_BUDGET_SECONDS, grade_submissions, isolate_pytest


@dataclass
class Options:
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    isolation: str = "auto"
    budget_seconds: float = DEFAULT_BUDGET_SECONDS
    check_seconds: float = DEFAULT_CHECK_SECONDS
    limits: Limits = field(default_factory=Limits)


def _prepare_process(assignment_ids: Sequence[str]) -> None:
    """Per grading process: a clean pytest, one BLAS thread, references loaded once."""
    from threadpoolctl import threadpool_limits

    from ..sandbox.heap import reuse_freed_memory
    from . import reference

    isolate_pytest()
    reuse_freed_memory()
    threadpool_limits(1)  # jobs run side by side; small matrices gain nothing from threads
    for aid in assignment_ids:
        reference.load_reference(aid)
        for other in curriculum.get(aid).imports:
            reference.load_reference(other)


def grade_student(folder: StudentFolder, options: Options) -> list[AssignmentResult]:
    """Every submission of one student, in a sandbox of their own."""
    with Sandbox(options.limits, options.isolation) as sandbox:
        return grade_submissions(sandbox, folder.submissions, options.budget_seconds,
                                 options.check_seconds)


def grade_class(folders: Sequence[StudentFolder], options: Options,
                on_result: Callable[[list[AssignmentResult]], None] | None = None,
                progress: bool = True) -> list[AssignmentResult]:
    """Grade every student; results are sorted by student and assignment."""
    assignment_ids = sorted({s.assignment_id for f in folders for s in f.submissions})
    jobs = max(1, min(options.jobs, len(folders)))
    bar = _progress_bar(len(folders), progress)
    results: list[AssignmentResult] = []

    def collect(batch: list[AssignmentResult]) -> None:
        results.extend(batch)
        if on_result:
            on_result(batch)
        bar.update(1)

    try:
        if jobs == 1:
            _prepare_process(assignment_ids)
            for folder in folders:
                collect(grade_student(folder, options))
        else:
            context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            with ProcessPoolExecutor(jobs, mp_context=context, initializer=_prepare_process,
                                     initargs=(assignment_ids,)) as pool:
                futures = [pool.submit(grade_student, f, options) for f in folders]
                for future in as_completed(futures):
                    collect(future.result())
    finally:
        bar.close()
    order = {a.id: i for i, a in enumerate(curriculum.ASSIGNMENTS)}
    results.sort(key=lambda r: (r.student_id, order[r.assignment]))
    return results


class _NoBar:
    def update(self, n: int) -> None:
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
