"""Run per-file work on a pool of worker processes; a crashing worker loses one file.

Results are returned with their tasks, whatever order they finished in; the caller
puts them back in file order, so the output is the same for any number of workers.
When a worker dies (libcst's native parser can take a process down on pathological
input), the tasks it left unfinished are retried one per fresh process, and a task that
kills its process again gets `crashed(task)` as its result: the run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Sequence

_SHARED = None  # the worker's copy of what every task needs (set by _initialise)


def _initialise(shared) -> None:
    global _SHARED
    _SHARED = shared


def _call(function, task):
    return function(task, _SHARED)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _context():
    # fork starts a worker in milliseconds with everything imported; elsewhere, the default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run(function: Callable, tasks: Sequence, shared, workers: int, crashed: Callable,
        on_done: Callable[[], None] = lambda: None) -> list:
    """[(task, function(task, shared))] for every task, using up to `workers` processes.

    Even one worker is a separate process: a native crash must not take the run down.
    """
    if not tasks:
        return []
    out, unfinished = _pool(function, tasks, shared, workers, on_done)
    for task in unfinished:  # after a worker died: one process per task isolates the culprit
        done, _ = _pool(function, [task], shared, 1, on_done)
        if done:
            out.extend(done)
        else:
            out.append((task, crashed(task)))
            on_done()
    return out


def _pool(function, tasks, shared, workers, on_done):
    out = []
    pending = {}
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=_context(),
                                 initializer=_initialise, initargs=(shared,)) as pool:
            pending = {pool.submit(_call, function, task): task for task in tasks}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = pending.pop(future)
                    out.append((task, future.result()))
                    on_done()
    except BrokenProcessPool:
        finished_tasks = {id(task) for task, _ in out}
        return out, [task for task in tasks if id(task) not in finished_tasks]
    return out, []
