"""Lint a set of files: discovery, per-file analysis, selection, suppressions; results sorted.

This is the one place that decides which findings a user sees: rules not enabled,
per-file ignores and suppression comments are applied here and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pathspec

from . import catalog, fingerprints, suppressions
from .analysis import analyse_source
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


def _per_file_ignores(settings: Settings):
    rules = []
    for pattern, codes in settings.per_file_ignores:
        rules.append((pathspec.GitIgnoreSpec.from_lines([pattern]), codes))
    return rules


def _ignored_here(rules, settings: Settings, absolute: str) -> set[str]:
    relative = os.path.relpath(absolute, settings.root).replace(os.sep, "/")
    ignored: set[str] = set()
    for spec, codes in rules:
        if spec.match_file(relative) or spec.match_file(os.path.basename(absolute)):
            for selector in codes:
                ignored.update(catalog.matching(selector))
    return ignored


def lint_file(display: str, absolute: str, settings: Settings, contracts: Contracts, pfi) -> tuple:
    try:
        with open(absolute, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return [], [], FileError(display, f"cannot read file: {exc.strerror or exc}"), None
    try:
        result = analyse_source(display, raw, contracts)
    except Exception as exc:  # a bug in ownlint: report it for this file, keep going
        reason = f"internal error while analysing: {type(exc).__name__}: {exc}"
        return [], [], FileError(display, reason), None
    enabled = settings.enabled - _ignored_here(pfi, settings, absolute)
    if result.source is not None:
        marks = suppressions.parse(result.source)
        if marks.skip_file:
            return [], [], None, result.source
    else:
        marks = suppressions.Suppressions()
    path_key = fingerprints.relative_path(absolute, settings.root)
    # Fingerprints before suppressions, so that suppressing one finding keeps its twin's.
    findings = fingerprints.assign([f for f in result.findings if f.code in enabled], result.source, path_key)
    kept, hidden = suppressions.apply(findings, marks, display, "OWN900" in enabled, enabled)
    stale = fingerprints.assign([f for f in kept if not f.fingerprint], result.source, path_key)  # OWN900
    kept = [f for f in kept if f.fingerprint] + stale
    return kept, hidden, None, result.source


def lint(paths: list[str], settings: Settings, contracts: Contracts,
         baseline: frozenset[str] = frozenset(), progress=None) -> RunResult:
    """Lint `paths`. `progress(done, total)`, if given, is called after each file."""
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    errors: list[FileError] = []
    sources: dict[str, str] = {}
    pfi = _per_file_ignores(settings)
    count = 0
    items = list(discover(paths, settings))
    for done, item in enumerate(items, 1):
        if progress is not None:
            progress(done, len(items))
        if isinstance(item, Missing):
            errors.append(FileError(item.path, item.reason))
            continue
        count += 1
        kept, hidden, error, source = lint_file(item.path, item.absolute, settings, contracts, pfi)
        findings.extend(kept)
        suppressed.extend(hidden)
        if error is not None:
            errors.append(error)
        if source is not None and kept:
            sources[item.path] = source
    unique = {(f.code, f.path, f.span, f.message): f for f in findings}
    new = [f for f in unique.values() if f.fingerprint not in baseline]
    ordered = tuple(sorted(new, key=Finding.sort_key))
    return RunResult(ordered, tuple(sorted(suppressed, key=Finding.sort_key)),
                     tuple(sorted(errors, key=lambda e: e.path)), count, sources, len(unique) - len(new))
