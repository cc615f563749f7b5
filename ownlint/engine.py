"""Lint a set of files: discovery, prefilter, cache, per-file analysis, selection, suppressions.

This is the one place that decides which findings a user sees: rules not enabled,
per-file ignores, suppression comments and the baseline are applied here and nowhere
else. Per-file work (`check`) is a pure function of a `Job`, so it can run in worker
processes and its result can be cached; results are put back in file order, so the
output does not depend on the number of workers or on the cache.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Optional

import pathspec

from . import catalog, fingerprints, parallel, prefilter, suppressions
from .cache import Cache, Outcome
from .config import Settings
from .discovery import Missing, discover
from .packs import Contracts
from .types import FileError, Finding


@dataclass(frozen=True)
class RunResult:
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    files: int
    sources: dict  # path -> source text, for code frames
    baselined: int = 0  # findings hidden because the baseline accepts them


@dataclass(frozen=True)
class Job:
    """One file to analyse: everything `check` needs besides the contracts."""

    display: str  # the path as the user sees it
    raw: bytes
    enabled: frozenset[str]  # codes enabled for this file (after per-file ignores)
    path_key: str  # the path fingerprints use
    debug: bool = False  # put the traceback of an internal error into its message


def check(job: Job, contracts: Contracts) -> Outcome:
    """Analyse one file and apply selection, suppressions and fingerprints to its findings."""
    # Imported here: libcst and the analysis take a third of a second to import, and a run
    # whose files all come from the cache (or fail the prefilter) never needs them.
    from .analysis import analyse_source

    try:
        result = analyse_source(job.display, job.raw, contracts)
    except Exception as exc:  # a bug in ownlint: report it for this file, keep going
        reason = f"internal error while analysing: {type(exc).__name__}: {exc}"
        if job.debug:
            reason += "\n" + traceback.format_exc().rstrip()
        else:
            reason += " (run with --debug for the traceback)"
        return Outcome(error=FileError(job.display, reason))
    enabled = job.enabled
    if result.source is not None:
        marks = suppressions.parse(result.source)
        if marks.skip_file:
            return Outcome()
    else:
        marks = suppressions.Suppressions()
    # Fingerprints before suppressions, so that suppressing one finding keeps its twin's.
    findings = fingerprints.assign([f for f in result.findings if f.code in enabled], result.source, job.path_key)
    kept, hidden = suppressions.apply(findings, marks, job.display, "OWN900" in enabled, enabled)
    stale = fingerprints.assign([f for f in kept if not f.fingerprint], result.source, job.path_key)  # OWN900
    kept = [f for f in kept if f.fingerprint] + stale
    return Outcome(tuple(kept), tuple(hidden))


def _crashed(job: Job) -> Outcome:
    return Outcome(error=FileError(job.display, "the analysis crashed its worker process (a parser crash?); "
                                                "the file was not analysed"))


def _per_file_ignores(settings: Settings):
    return [(pathspec.GitIgnoreSpec.from_lines([pattern]), codes) for pattern, codes in settings.per_file_ignores]


def _ignored_here(rules, settings: Settings, absolute: str) -> set[str]:
    relative = os.path.relpath(absolute, settings.root).replace(os.sep, "/")
    ignored: set[str] = set()
    for spec, codes in rules:
        if spec.match_file(relative) or spec.match_file(os.path.basename(absolute)):
            for selector in codes:
                ignored.update(catalog.matching(selector))
    return ignored


def lint(paths: list[str], settings: Settings, contracts: Contracts, baseline: frozenset[str] = frozenset(),
         progress=None, jobs: int = 1, cache: Optional[Cache] = None, debug: bool = False) -> RunResult:
    """Lint `paths` with up to `jobs` processes. `progress(done, total)`, if given, is
    called as files are finished."""
    items = list(discover(paths, settings))
    outcomes: list[Optional[Outcome]] = [None] * len(items)
    raws: dict[int, bytes] = {}
    keys: dict[int, str] = {}
    work: list[tuple[int, Job]] = []
    pfi = _per_file_ignores(settings)
    for index, item in enumerate(items):
        if isinstance(item, Missing):
            outcomes[index] = Outcome(error=FileError(item.path, item.reason))
            continue
        try:
            with open(item.absolute, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            outcomes[index] = Outcome(error=FileError(item.path, f"cannot read file: {exc.strerror or exc}"))
            continue
        if not prefilter.may_involve_ffi(raw, contracts):
            outcomes[index] = Outcome()  # cannot involve FFI code: not parsed at all
            continue
        raws[index] = raw
        job = Job(item.path, raw, settings.enabled - _ignored_here(pfi, settings, item.absolute),
                  fingerprints.relative_path(item.absolute, settings.root), debug)
        if cache is not None:
            keys[index] = cache.key(raw, job.display, job.path_key, job.enabled)
            outcomes[index] = cache.get(keys[index])
            if outcomes[index] is not None:
                continue
        work.append((index, job))

    done = [len(items) - len(work)]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(items))

    if work:
        from . import analysis  # noqa: F401 - imported once here, inherited by forked workers

    finished = parallel.run(_check_indexed, work, contracts, jobs, lambda task: _crashed(task[1]), tick)
    for (index, _job), outcome in finished:
        outcomes[index] = outcome
        if cache is not None and outcome.error is None:
            cache.put(keys[index], outcome)
    return _collect(items, outcomes, raws, baseline)


def _check_indexed(task: tuple[int, Job], contracts: Contracts) -> Outcome:
    return check(task[1], contracts)


def _collect(items, outcomes, raws, baseline) -> RunResult:
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    errors: list[FileError] = []
    sources: dict[str, str] = {}
    count = 0
    for index, (item, outcome) in enumerate(zip(items, outcomes)):
        if not isinstance(item, Missing):
            count += 1
        findings.extend(outcome.kept)
        suppressed.extend(outcome.hidden)
        if outcome.error is not None:
            errors.append(outcome.error)
        if outcome.kept and index in raws:
            from .analysis import decode  # see `check`

            try:
                sources[item.path] = decode(raws[index])
            except (UnicodeDecodeError, LookupError):
                pass  # reported as OWN901; no code frame
    unique = {(f.code, f.path, f.span, f.message): f for f in findings}
    new = [f for f in unique.values() if f.fingerprint not in baseline]
    ordered = tuple(sorted(new, key=Finding.sort_key))
    return RunResult(ordered, tuple(sorted(suppressed, key=Finding.sort_key)),
                     tuple(sorted(errors, key=lambda e: e.path)), count, sources, len(unique) - len(new))
