"""Lint a set of files: discovery, prefilter, cache, per-file analysis, selection, suppressions.

This is the one place that decides which findings a user sees: rules not enabled,
per-file ignores, suppression comments and the baseline are applied here and nowhere
else. Per-file work (`check`) is a pure function of a `Job`, so it can run in worker
processes and its result can be cached; results are put back in file order, so the
output does not depend on the number of workers or on the cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import traceback
from dataclasses import dataclass
from typing import Optional

import pathspec

from .. import catalog
from ..contracts import inference
from ..contracts.packs import Contracts
from ..report import fingerprints, suppressions
from ..types import (FFIATTR, GLOBAL_KEYS, INFERRED, LIBATTR, FileError, Finding, InferredContract, LibraryObject,
                     LibraryUse, RunResult, StringRestype, Summary)
from . import parallel, prefilter, slicing
from .cache import Cache, Outcome, canonical
from .config import Settings
from .discovery import Missing, discover, module_location


@dataclass(frozen=True)
class Job:
    """One file to analyse: everything `check` needs besides the contracts."""

    display: str  # the path as the user sees it
    raw: bytes
    enabled: frozenset[str]  # codes enabled for this file (after per-file ignores)
    path_key: str  # the path fingerprints use
    debug: bool = False  # put the traceback of an internal error into its message
    module: str = ""  # dotted module name, for relative imports
    external: Optional[dict] = None  # other modules' function summaries: qualified name -> (path, Summary)
    # Where each library is loaded (`ownlint libraries`): the lines cost a code-generation
    # pass over the file, so a plain run, whose summary needs only the counts, skips them.
    loaded_at: bool = False


def check(job: Job, contracts: Contracts) -> Outcome:
    """Analyse one file and apply selection, suppressions and fingerprints to its findings."""
    # Imported here: libcst and the analysis take a third of a second to import, and a run
    # whose files all come from the cache (or fail the prefilter) never needs them.
    from .parse import analyse_source

    try:
        result = analyse_source(job.display, job.raw, contracts, job.module, job.external, job.loaded_at)
    except MemoryError:
        raise  # the worker reports it against the file's memory limit
    except Exception as exc:  # a bug in ownlint: report it for this file, keep going
        return Outcome(error=FileError(job.display, _internal_error(exc, job.debug)))
    enabled = job.enabled
    if result.source is not None:
        marks = suppressions.parse(result.source)
        if marks.skip_file:  # its findings go, not what other modules learn of it
            return Outcome(exports=result.exports)
    else:
        marks = suppressions.Suppressions()
    # Fingerprints before suppressions, so that suppressing one finding keeps its twin's.
    findings = fingerprints.assign([f for f in result.findings if f.code in enabled], result.source, job.path_key)
    kept, hidden = suppressions.apply(findings, marks, job.display, "OWN900" in enabled, enabled)
    stale = fingerprints.assign([f for f in kept if not f.fingerprint], result.source, job.path_key)  # OWN900
    kept = [f for f in kept if f.fingerprint] + stale
    libraries = tuple(dataclasses.replace(u, loaded_at=tuple((job.display, line) for _, line in u.loaded_at))
                      for u in result.libraries)
    return Outcome(tuple(kept), tuple(hidden), exports=result.exports, libraries=libraries)


def _inputs(job: Job) -> list[bytes]:
    """What decides a file's result, for its cache key: every field of its Job (so a field
    added later is keyed too), but `debug`, which only words an internal error (never cached)."""
    parts = []
    for name in (f.name for f in dataclasses.fields(Job)):
        value = getattr(job, name)
        if name == "debug":
            continue
        if name == "external":
            value = _digest(value)
        elif name == "enabled":
            value = ",".join(sorted(value))
        parts.append(value if isinstance(value, bytes) else f"{name}={value}".encode("utf-8", "surrogateescape"))
    return parts


def _internal_error(exc: Exception, debug: bool) -> str:
    """The error line for a bug in ownlint. Formatting must not fail itself: the exception
    may carry a libcst node whose repr recurses through a deep tree (parallel.describe)."""
    reason = f"internal error while analysing: {parallel.describe(exc)}"
    if not debug:
        return reason + " (run with --debug for the traceback)"
    try:
        frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    except Exception:  # noqa: BLE001 - a traceback that cannot be formatted is left out
        frames = "  (the traceback cannot be formatted)"
    return f"{reason}\nTraceback (most recent call last):\n{frames}"


def _failed(job: Job, why: str) -> Outcome:
    """A file whose analysis did not finish in its worker (crash, time or memory limit)."""
    return Outcome(error=FileError(job.display, f"{why}; the file was not analysed"))


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


_PREFILTER = "prefilter"  # the name of the prefilter's answer in the scan index
ROUNDS = 6  # rounds across modules: a chain of wrappers and re-exports more than 5 modules long is cut


def lint(paths: list[str], settings: Settings, contracts: Contracts, baseline: frozenset[str] = frozenset(),
         progress=None, jobs: int = 1, cache: Optional[Cache] = None, debug: bool = False,
         loaded_at: bool = False) -> RunResult:
    """Lint `paths` with up to `jobs` processes. `progress(done, total)`, if given, is
    called as files are finished.

    Round 1 analyses every file the prefilter lets through. Their exports (summaries of
    factories and destroyers, library objects, restype declarations, inferred contracts)
    are the only data that crosses files: each later round (`_plan`) re-analyses, with
    the table so far, the files that name an entry that is new or changed (also files
    without any FFI word, which only call wrappers or imported libraries), until the
    table stops changing or ROUNDS is reached.
    """
    items = list(discover(paths, settings))
    headers = inference.from_headers(settings.headers, contracts)  # (`headers = [...]`: every file may call them)
    limits = parallel.Limits(settings.file_time_limit, settings.file_memory_limit)
    scans = cache.scans() if cache is not None else None  # what earlier runs learned of unchanged files
    outcomes: list[Optional[Outcome]] = [None] * len(items)
    raws: dict[int, bytes] = {}
    modules: dict[int, tuple[str, str]] = {}  # file -> (the folder it is imported from, its dotted name)
    work: list[tuple[int, Job]] = []
    pfi = _per_file_ignores(settings)
    for index, item in enumerate(items):
        if isinstance(item, Missing):
            outcomes[index] = Outcome(error=FileError(item.path, item.reason))
            continue
        modules[index] = module_location(item.absolute)
        if scans is not None and scans.answer(item.absolute, _PREFILTER) is False:
            outcomes[index] = Outcome()  # unchanged since a run found no FFI word in it
            continue
        raw = _read(item, outcomes, index, settings.max_file_size)
        if raw is None:
            del modules[index]
            continue
        involved = prefilter.may_involve_ffi(raw, contracts)
        if scans is not None:
            scans.remember(item.absolute, _PREFILTER, involved)
        if not involved:
            outcomes[index] = Outcome()  # cannot involve FFI code: not parsed (unless it calls a wrapper)
            continue
        raws[index] = raw
        work.append((index, _job(item, raw, settings, pfi, debug, modules[index][1],
                                 _with_headers(None, headers, raw), loaded_at)))
    ffi = {index for index, _ in work}  # the files the prefilter let through
    where = _importable(modules)
    meter = _Meter(progress, len(items), len(items) - len(work))
    _run(work, outcomes, contracts, jobs, cache, meter, limits)
    table: dict = {}
    seen: dict[int, str] = {}  # file -> digest of the summaries it was last analysed with
    words: dict[int, frozenset] = {}  # file -> its word tokens, for the rounds' scans
    for _ in range(ROUNDS - 1):
        new = _exports(outcomes, items, modules)
        if new == table:
            break
        previous, table = table, new
        plan = _plan(table, previous, contracts, where, settings.root)
        if plan is None:
            break
        work = []
        for index, item in enumerate(items):
            if index not in modules or (index not in ffi and plan.quick_wrappers is None):
                continue
            remember = index not in ffi and scans is not None
            if remember and (scans.answer(item.absolute, plan.names) is False
                             or scans.answer(item.absolute, plan.takes_for(*modules[index])) is False):
                continue
            raw = raws.get(index) or _read(item, outcomes, index, settings.max_file_size)
            if raw is None:
                continue
            if index not in words:
                words[index] = frozenset(_WORD.findall(raw))
            found = (plan.quick if index in ffi else plan.quick_wrappers).search(raw, words[index])
            if remember:
                scans.remember(item.absolute, plan.names, found)
            if not found:
                continue
            external = _with_headers(plan.imported(raw, words[index], item.path, *modules[index], contracts),
                                     headers, raw)
            if remember:
                scans.remember(item.absolute, plan.takes_for(*modules[index]), bool(external))
            digest = _digest(external)
            if external and seen.get(index) != digest:  # only files whose inputs changed
                seen[index] = digest
                raws[index] = raw
                work.append((index, _job(item, raw, settings, pfi, debug, modules[index][1], external, loaded_at)))
        if not work:
            break
        meter.total += len(work)
        _run(work, outcomes, contracts, jobs, cache, meter, limits)
    if scans is not None:
        scans.save()
    return _collect(items, outcomes, raws, baseline, contracts)


@dataclass
class _Plan:
    """What one round across modules looks for, from the export table and what changed in it."""

    by_module: dict  # last part of a module name (or a global key's function) -> {(root, qual): (name, entry)}
    quick: "_Needle"  # what a file the prefilter let through must name to gain an input
    quick_wrappers: "Optional[_Needle]"  # the same for a file with no FFI word
    names: str  # scan-index questions (cache.Scans) for files with no FFI word
    takes: str
    where: dict  # dotted module name -> the folders it can be imported from (_importable)
    home: str  # the configuration root

    def _mentioned(self, raw: bytes, words: frozenset) -> set:
        """The keys of `by_module` the file names."""
        return {module for module in self.by_module if _names(module.encode(), raw, words)}

    def imported(self, raw: bytes, words: frozenset, path: str, root: str, module: str,
                 contracts: Contracts) -> dict:
        """The exports a file may use: it names the entry and its module (and, for a library
        object, calls a pack function on it), the module is the one Python would import
        for this file (`source`), and the entry is not its own. `words`: the file's word
        tokens (module and function names are words, so naming one is being one of them)."""
        external = {}
        own = module[: -len(".__init__")] if module.endswith(".__init__") else module
        for found in sorted(self._mentioned(raw, words)):
            for (origin, qual), (name, entry) in self.by_module[found].items():
                of = qual.rsplit(".", 1)[0]
                if origin and origin != self.source(of, root):
                    continue
                if entry[0] != path and of != own \
                        and _names(name.encode(), raw, words) \
                        and (qual.startswith((LIBATTR, FFIATTR))  # an attribute: `self._binding.lib`
                             or _calls_library(name, entry[1], raw)) \
                        and (not _reader(entry[1]) or contracts.fills_named(raw)):
                    external[qual] = entry
        return external

    def source(self, module: str, root: str) -> Optional[str]:
        """The folder a file imported from `root` gets `module` from, as Python would
        find it: its own root first, then the configuration root (where `python -m` and
        pytest run), else the one folder that has it; None when several others have it
        (sys.path decides, which ownlint cannot see)."""
        folders = self.where.get(module, ())
        if root in folders:
            return root
        if self.home in folders:
            return self.home
        return next(iter(folders)) if len(folders) == 1 else None

    def takes_for(self, root: str, module: str) -> str:
        """The scan-index question "takes anything from this table" for one file: the
        answer also depends on where the file is and what it is called."""
        place = hashlib.sha256(f"{root}\0{module}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return f"{self.takes}:{place}"


def _importable(modules: dict) -> dict:
    """Dotted module name (a package without `.__init__`) -> the folders it can be imported from."""
    where: dict[str, set] = {}
    for root, module in modules.values():
        where.setdefault(module[: -len(".__init__")] if module.endswith(".__init__") else module, set()).add(root)
    return where


def _plan(table: dict, previous: dict, contracts: Contracts, where: dict, home: str) -> Optional[_Plan]:
    """The round's plan, or None when no entry is new or changed. `table` is keyed by
    (the folder the module is imported from, qualified name); global keys have no folder."""
    # A file can call a summarised function only if it names both the function and
    # (to import it) its module; the rest is not read again.
    by_module: dict[str, dict] = {}
    for key, entry in table.items():
        qual = key[1]
        if qual.startswith(GLOBAL_KEYS):  # needs no import: any file calling the function
            name = _global_name(qual)
            by_module.setdefault(name, {})[key] = (name, entry)
            continue
        module, name = qual.rsplit(".", 1)
        by_module.setdefault(module.rsplit(".", 1)[-1], {})[key] = (name, entry)
    # A cheap first look: a file can only gain inputs from entries that are new or
    # changed in this round, so only files naming one of those are examined.
    pieces, wrappers = set(), set()
    for key, value in table.items():
        if previous.get(key) == value:
            continue
        qual = key[1]
        name = re.escape((_global_name(qual) if qual.startswith(GLOBAL_KEYS) else qual.rsplit(".", 1)[1]).encode())
        if isinstance(value[1], (InferredContract, StringRestype)):  # called on a library: FFI files only
            pieces.add(name)
        elif isinstance(value[1], LibraryObject) and (value[1].function or value[1].loader or value[1].binds
                                                       or qual.startswith((LIBATTR, FFIATTR))):
            pieces.add(name)  # a bound C function, or a loader: called by its name
            wrappers.add(name)
        elif isinstance(value[1], LibraryObject):  # only a call of a function on it matters
            pieces.add(name + _USED_OR_RENAMED)  # `glfw.f`, or `glfw as _glfw` (then `_glfw.f`)
            # Also in a file with no FFI word (`from .api import libc`): its name first,
            # which is cheap to look for; the call is checked after.
            wrappers.add(name)
        else:
            pieces.add(name)
            wrappers.add(name)
    if not pieces:
        return None
    # Files the prefilter let through may use any entry; the others (no FFI word at
    # all) can only call wrapper functions or pack functions on an imported library
    # object, so only those are looked for in them.
    quick = _Needle(pieces)
    quick_wrappers = _Needle(wrappers) if wrappers else None
    # For a file with no FFI word, two answers are remembered (mostly "no": the file is
    # then not read again): whether it mentions one of these names, per pattern (a new
    # name is a new question), and whether it takes anything from the table, per table
    # (its names, origins and library objects decide that, and which modules of that
    # name are where: `_Plan.source`) and per the file's folder and name (`takes_for`).
    names = "names:" + hashlib.sha256(quick_wrappers.pattern).hexdigest()[:16] if quick_wrappers else ""
    takes = "takes:" + hashlib.sha256("\n".join(sorted(
        f"{root}\0{qual}\0{origin}\0{canonical(value) if isinstance(value, LibraryObject) else ''}"
        for (root, qual), (origin, value) in table.items()) + sorted(
        f"{module}\0{chr(0).join(sorted(folders))}" for module, folders in where.items())
    ).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return _Plan(by_module, quick, quick_wrappers, names, takes, where, home)


def _names(name: bytes, raw: bytes, words: frozenset) -> bool:
    """Whether the file names `name` as a whole word. An ASCII identifier is a word
    token of the file exactly when it is found as one; other spellings are searched."""
    if _WORD.fullmatch(name):
        return name in words
    return re.search(rb"\b" + re.escape(name) + rb"\b", raw) is not None


class _Needle:
    """Names to look for in a file, each a word, possibly followed by an attribute
    (`libc` + `.free`). A file's word tokens are checked first: a set lookup, where the
    regular expression's alternation costs time per byte and per name. The expression
    runs only on a file that has one of the words, and gives the same answer."""

    def __init__(self, pieces: set) -> None:
        self.pattern = rb"\b(?:" + b"|".join(sorted(pieces)) + rb")\b"
        heads = {piece[: -len(_USED_OR_RENAMED)] if piece.endswith(_USED_OR_RENAMED) else piece for piece in pieces}
        # A name that is not an ASCII word (escaped, or spelled with other characters) is
        # not a token: then only the expression can tell.
        self.words = frozenset(heads) if all(_WORD.fullmatch(head) for head in heads) else None
        self._regex = re.compile(self.pattern)

    def search(self, raw: bytes, words: frozenset) -> bool:
        if self.words is not None and self.words.isdisjoint(words):
            return False
        return self._regex.search(raw) is not None


def _global_name(key: str) -> str:
    """`stack_create` for `inferred:stack_create` or `restype:stack_create`;
    `c_get_exception` for `funcattr:c_get_exception/MagickGetException`."""
    return key.split(":", 1)[1].split("/", 1)[0]


def _read(item, outcomes: list, index: int, limit: int) -> Optional[bytes]:
    """The file's bytes, or None with an error outcome (unreadable, or larger than
    `limit` bytes: such a file is not read at all; 0 is no limit)."""
    try:
        with open(item.absolute, "rb") as handle:
            raw = handle.read(limit + 1) if limit else handle.read()
    except OSError as exc:
        outcomes[index] = Outcome(error=FileError(item.path, f"cannot read file: {exc.strerror or exc}"))
        return None
    except MemoryError:
        outcomes[index] = Outcome(error=FileError(item.path, "cannot read file: not enough memory"))
        return None
    if limit and len(raw) > limit:
        outcomes[index] = Outcome(error=FileError(
            item.path, f"larger than the size limit of {parallel.size_text(limit)} (`max-file-size`); "
                       "the file was not analysed"))
        return None
    return raw


def _with_headers(external: Optional[dict], headers: dict, raw: bytes) -> Optional[dict]:
    """A file's inputs from other modules, with the contracts inferred from the configured
    headers for the functions it names (those of its own cdefs or prototypes win there)."""
    named = {INFERRED + name: (guess.path, guess) for name, guess in headers.items() if name.encode() in raw}
    if not named:
        return external
    return {**named, **(external or {})}


def _job(item, raw: bytes, settings: Settings, pfi, debug: bool, module: str, external: Optional[dict],
         loaded_at: bool = False) -> Job:
    return Job(item.path, raw, settings.enabled - _ignored_here(pfi, settings, item.absolute),
               fingerprints.relative_path(item.absolute, settings.root), debug, module, external, loaded_at)


class _Meter:
    def __init__(self, progress, total: int, done: int) -> None:
        self.progress, self.total, self.done = progress, total, done

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _run(work: list, outcomes: list, contracts: Contracts, jobs: int, cache: Optional[Cache], meter: _Meter,
         limits: parallel.Limits) -> None:
    """Analyse `work` (from the cache where possible), storing each outcome at its index."""
    keys: dict[int, str] = {}
    pending = []
    for index, job in work:
        if cache is not None:
            keys[index] = cache.key(_inputs(job))
            hit = cache.get(keys[index])
            if hit is not None:
                outcomes[index] = hit
                continue
        pending.append((index, job))
    if pending:
        from . import parse  # noqa: F401 - imported once here, inherited by forked workers

        slicing.vocabulary(contracts)  # the packs' words, built once here (a pack may list 100,000 functions)
    # Largest files first: a big file started last would leave the other workers idle.
    pending.sort(key=lambda task: -len(task[1].raw))
    finished = parallel.run(_check_indexed, pending, contracts, jobs, lambda task, why: _failed(task[1], why),
                            meter.tick, limits)
    for (index, _job), outcome in finished:
        outcomes[index] = outcome
        if cache is not None and outcome.error is None:
            cache.put(keys[index], outcome)


def _reader(value) -> bool:
    """A function that only reads a parameter through (`arr.count`): it matters to a file
    only where a C call fills a struct of the caller's (`git_remote_list`), whose contents
    would otherwise escape into it unreleased; elsewhere taking it in would re-analyse
    every module that calls such a helper, for little."""
    return isinstance(value, Summary) and not value.returns and not value.param_releases


def _calls_library(name: str, value, raw: bytes) -> bool:
    """An imported library object matters only to a file that calls something on it
    (`name.f(`): every such call is a C function `ownlint libraries` counts, and the
    packs may describe it."""
    if not isinstance(value, LibraryObject) or value.function or value.loader or value.binds:
        return True
    # Imported under another name (`from .library import glfw as _glfw`), the calls use it.
    exported = re.escape(name.encode())
    names = [exported] + [re.escape(a) for a in re.findall(rb"\b" + exported + rb"\s+as\s+(\w+)", raw)]
    return any(re.search(rb"\b" + n + _A_CALL, raw) is not None for n in names)


_AN_ATTRIBUTE = rb"\s*\.\s*\w+"
_WORD = re.compile(rb"\w+")
_A_CALL = _AN_ATTRIBUTE + rb"\s*\("
_AN_ALIAS = rb"\s+as\s+\w+"
_USED_OR_RENAMED = rb"(?:" + _AN_ATTRIBUTE + rb"|" + _AN_ALIAS + rb")"


def _digest(external: Optional[dict]) -> str:
    if not external:
        return ""
    text = "\n".join(f"{qual}\0{origin}\0{canonical(value)}" for qual, (origin, value) in sorted(external.items()))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()  # paths may not be UTF-8


def _exports(outcomes: list, items: list, modules: dict) -> dict:
    """(folder, qualified function name) -> (path, Summary), from every analysed file: two
    modules of one name in two folders are two modules. Global keys have no folder."""
    table = {}
    for index, outcome in enumerate(outcomes):
        if outcome is None or not outcome.exports or index not in modules:
            continue
        root, module = modules[index]
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        importable = all(part.isidentifier() for part in module.split("."))  # not `my-script.py`
        for name, (origin, summary) in outcome.exports.items():
            if name.startswith(GLOBAL_KEYS):  # project-wide, not imported
                key = ("", name)
            elif importable:
                key = (root, f"{module}.{name}")
            else:
                continue
            table[key] = (origin or items[index].path, summary)
    return table


def _check_indexed(task: tuple[int, Job], contracts: Contracts) -> Outcome:
    return check(task[1], contracts)


def _collect(items, outcomes, raws, baseline, contracts: Contracts) -> RunResult:
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
            from ..source import decode  # see `check`

            try:
                sources[item.path] = decode(raws[index])
            except (UnicodeDecodeError, LookupError):
                pass  # reported as OWN901; no code frame
    unique = {(f.code, f.path, f.span, f.message): f for f in findings}
    new = [f for f in unique.values() if f.fingerprint not in baseline]
    ordered = tuple(sorted(new, key=Finding.sort_key))
    libraries = merged_libraries(u for outcome in outcomes if outcome is not None for u in outcome.libraries)
    used = {source for library in libraries for _f, _n, source, _p in library.functions} | {
        p for library in libraries for p in library.packs}
    unmatched = tuple(sorted(os.path.basename(t.path) for t in contracts.tables if t.explicit and t.pack not in used))
    return RunResult(ordered, tuple(sorted(suppressed, key=Finding.sort_key)),
                     tuple(sorted(errors, key=lambda e: e.path)), count, sources, len(unique) - len(new),
                     libraries, unmatched)


def merged_libraries(uses) -> tuple:
    """The files' views of each C library merged into one per (name, kind), sorted."""
    merged: dict = {}
    for use in uses:
        entry = merged.setdefault((use.name, use.kind), [set(), set(), {}, set()])
        entry[3].update(use.unread)
        entry[0].update(use.loaded_at)
        entry[1].update(use.packs)
        for function, calls, source, pattern in use.functions:
            known = entry[2].setdefault(function, [0, None, ""])
            known[0] += calls
            if known[1] is None:
                known[1:] = [source, pattern]
    return tuple(
        LibraryUse(name, kind, tuple(sorted(loaded)), tuple(sorted(packs_)),
                   tuple((f, n, source, pattern) for f, (n, source, pattern) in sorted(functions.items())),
                   tuple(sorted(unread)))
        for (name, kind), (loaded, packs_, functions, unread) in sorted(merged.items()))
