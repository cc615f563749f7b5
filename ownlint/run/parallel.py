"""Run per-file work on a pool of worker processes; a failing worker loses one file.

Results are returned with their tasks, whatever order they finished in; the caller
puts them back in file order, so the output is the same for any number of workers.
When a worker dies (libcst's native parser can take a process down on pathological
input), the tasks it left unfinished are retried one per fresh process, and a task that
kills its process again gets `failed(task, CRASHED)` as its result: the run goes on.

Each task runs within `Limits`: CPU time (a timer in the worker) and memory (the
worker's address space may grow by that much: `setrlimit`). A task past either, or one
whose function raises, gets `failed(task, why)`, and the worker goes on with the next.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

try:
    import resource
except ImportError:  # Windows: no memory limit
    resource = None

CRASHED = "the analysis crashed its worker process (a parser crash?)"


@dataclass(frozen=True)
class Limits:
    """What one task may use: CPU seconds and bytes of memory (0: no limit)."""

    seconds: float = 0
    memory: int = 0


@dataclass(frozen=True)
class _Failure:
    """A task that did not finish in its worker: why, in words for the user."""

    why: str


class _OverTime(BaseException):
    """Raised in a worker when a task's CPU time runs out (not an Exception: nothing in
    the analysis may catch it)."""


_SHARED = None  # the worker's copy of what every task needs (set by _initialise)
_LIMITS = Limits()
_ARMED = False  # whether the timer may interrupt the task now


def _initialise(shared, limits: Limits = Limits()) -> None:
    global _SHARED, _LIMITS
    _SHARED, _LIMITS = shared, limits


def describe(exc: BaseException) -> str:
    """`KeyError: 'x'`, safe for any exception: an argument that is not a plain value (a
    libcst node, whose repr walks its whole subtree and can recurse past the limit or take
    gigabytes) is named by its type, and the text is kept short. Never raises."""
    try:
        if all(_plain(arg) for arg in exc.args):
            text = str(exc)
        else:
            text = ", ".join(repr(arg) if _plain(arg) else f"<{type(arg).__name__}>" for arg in exc.args)
        if len(text) > 300:
            text = text[:300] + "..."
        return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    except Exception:  # describing must never fail
        return "an exception that cannot be described"


def _plain(value) -> bool:
    return value is None or isinstance(value, (str, bytes, bool, int, float))


def _on_timer(signum, frame) -> None:
    if _ARMED:
        raise _OverTime


def _arm(limits: Limits):
    """Start the task's limits; returns what `_disarm` restores."""
    global _ARMED
    saved = None
    if limits.memory and resource is not None:
        size = _address_space()
        if size is not None:
            try:
                saved = resource.getrlimit(resource.RLIMIT_AS)
                hard = saved[1]
                soft = size + limits.memory
                if hard != resource.RLIM_INFINITY:
                    soft = min(soft, hard)
                resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
            except (OSError, ValueError):
                saved = None
    if limits.seconds and hasattr(signal, "setitimer"):
        signal.signal(signal.SIGPROF, _on_timer)
        _ARMED = True
        signal.setitimer(signal.ITIMER_PROF, limits.seconds)
    return saved


def _disarm(saved) -> None:
    global _ARMED
    _ARMED = False
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_PROF, 0)
    if saved is not None:
        try:
            resource.setrlimit(resource.RLIMIT_AS, saved)
        except (OSError, ValueError):
            pass


def _address_space() -> Optional[int]:
    """This process's virtual memory size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _call(function, task):
    saved = None
    try:
        saved = _arm(_LIMITS)
        return function(task, _SHARED)
    except _OverTime:
        return _Failure(f"the analysis took longer than the time limit of {_LIMITS.seconds:g} s "
                        "of CPU time per file (`file-time-limit`)")
    except MemoryError:
        if _LIMITS.memory:
            return _Failure(f"the analysis needed more than the memory limit of {size_text(_LIMITS.memory)} "
                            "per file (`file-memory-limit`)")
        return _Failure("the analysis ran out of memory")
    except Exception as exc:  # a bug in ownlint that escaped the task's own handler
        return _Failure(f"internal error in the worker process: {describe(exc)}")
    finally:
        _disarm(saved)


def size_text(size: int) -> str:
    """`2 GB`, `10 MB`, `512 kB` or `100 bytes`: decimal units, as settings are written."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _context():
    # fork starts a worker in milliseconds with everything imported; elsewhere, the default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run(function: Callable, tasks: Sequence, shared, workers: int, failed: Callable,
        on_done: Callable[[], None] = lambda: None, limits: Limits = Limits()) -> list:
    """[(task, function(task, shared))] for every task, using up to `workers` processes;
    `failed(task, why)` stands in for the result of a task that did not finish.

    Even one worker is a separate process: a native crash must not take the run down.
    """
    if not tasks:
        return []
    out, unfinished = _pool(function, tasks, shared, workers, on_done, failed, limits)
    for task in unfinished:  # after a worker died: one process per task isolates the culprit
        done, _ = _pool(function, [task], shared, 1, on_done, failed, limits)
        if done:
            out.extend(done)
        else:
            out.append((task, failed(task, CRASHED)))
            on_done()
    return out


def _pool(function, tasks, shared, workers, on_done, failed, limits):
    out = []
    pending = {}
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=_context(),
                                 initializer=_initialise, initargs=(shared, limits)) as pool:
            pending = {pool.submit(_call, function, task): task for task in tasks}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        raise
                    except Exception as exc:  # e.g. a result that could not be sent back
                        result = _Failure(f"internal error in the worker process: {describe(exc)}")
                    out.append((task, failed(task, result.why) if isinstance(result, _Failure) else result))
                    on_done()
    except BrokenProcessPool:
        finished_tasks = {id(task) for task, _ in out}
        return out, [task for task in tasks if id(task) not in finished_tasks]
    return out, []
