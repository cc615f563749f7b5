"""The result cache: what linting one file produced, keyed by everything that decides it.

A key hashes the file's bytes, the path it is shown and fingerprinted under, the codes
enabled for it, the content of every active pack, and ownlint itself (its version and
the content of its own modules, so a development checkout never reads stale results).
Entries are JSON files written atomically (a temporary file, then `os.replace`), so
concurrent runs are safe: each sees a whole entry or none. An entry that cannot be read
or decoded is ignored, and rewritten by this run.

Beside the results, `Scans` remembers the byte scans of files that do not involve FFI
(the prefilter's "no", and "names none of these wrappers"), keyed by the file's stat, so
that an unchanged run does not read them at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .. import __version__
from ..types import FileError, Finding, InferredContract, LibraryObject, LibraryUse, Related, Span, StringRestype, Summary

FORMAT = "2"
DIRECTORY = ".ownlint_cache"


@lru_cache(maxsize=1)
def _self_digest() -> str:
    digest = hashlib.sha256(f"{__version__}\0{FORMAT}".encode())
    # Every module of the package (this file is in ownlint/run/) and the shipped packs.
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder, dirs, files in os.walk(here):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".py", ".toml")):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    digest.update(os.path.relpath(path, here).encode() + b"\0" + handle.read())
    return digest.hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What linting one file produced, after selection and suppressions."""

    kept: tuple[Finding, ...] = ()
    hidden: tuple[Finding, ...] = ()  # suppressed by a comment (SARIF still shows them)
    error: Optional[FileError] = None
    exports: dict = field(default_factory=dict)  # function name -> (defining path or "", Summary)
    libraries: tuple = ()  # LibraryUse of each C library the file loads or calls


class Cache:
    def __init__(self, directory: str, pack_paths: tuple[str, ...]) -> None:
        self.directory = directory
        digest = hashlib.sha256(_self_digest().encode())
        for path in pack_paths:
            try:
                with open(path, "rb") as handle:
                    digest.update(path.encode() + b"\0" + handle.read())
            except OSError:
                digest.update(path.encode() + b"\0<unreadable>")
        self.context = digest.hexdigest()
        self.ready = False

    def key(self, raw: bytes, display: str, path_key: str, enabled: frozenset[str], depends: str = "") -> str:
        """`depends`: a digest of the other modules' summaries the file was analysed with."""
        digest = hashlib.sha256(self.context.encode())
        for part in (display, path_key, ",".join(sorted(enabled)), depends):
            digest.update(b"\0" + part.encode())
        digest.update(b"\0" + raw)
        return digest.hexdigest()

    def scans(self) -> "Scans":
        return Scans(os.path.join(self.directory, f"scans-{self.context[:16]}.json"), self)

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key[2:] + ".json")

    def get(self, key: str) -> Optional[Outcome]:
        try:
            with open(self._path(key), encoding="utf-8") as handle:
                return _decode(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError):  # missing or corrupt: recompute
            return None

    def put(self, key: str, outcome: Outcome) -> None:
        path = self._path(key)
        self.write(path, _encode(outcome))

    def write(self, path: str, document) -> None:
        """Write a JSON document atomically; a read-only or full disk costs speed, never results."""
        try:
            if not self.ready:
                self._prepare()
            os.makedirs(os.path.dirname(path), exist_ok=True)
            temporary = f"{path}.{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(document, handle, separators=(",", ":"))
            os.replace(temporary, path)
        except OSError:
            pass

    def _prepare(self) -> None:
        os.makedirs(self.directory, exist_ok=True)
        marks = {
            "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# ownlint's result cache; safe to delete.\n",
            ".gitignore": "# Created by ownlint.\n*\n",
        }
        for name, text in marks.items():
            mark = os.path.join(self.directory, name)
            if not os.path.exists(mark):
                with open(mark, "w", encoding="utf-8") as handle:
                    handle.write(text)
        self.ready = True


# A file modified within this many nanoseconds of being scanned may change again without
# its stat changing (coarse timestamps): its scans are not remembered (git does the same).
_RACY_NS = 2_000_000_000


class Scans:
    """Yes/no answers of byte scans, per file, valid while its stat is unchanged.

    One JSON document for the whole tree: {absolute path: [stat, {scan: answer}]}, where
    the stat is (size, mtime, ctime, inode) in nanoseconds and `scan` names the question
    (the prefilter, or a digest of the pattern searched for). Last writer wins; a lost
    update costs a re-read next time, never a wrong answer.
    """

    def __init__(self, path: str, cache: Cache) -> None:
        self.path, self.cache = path, cache
        self.stats: dict[str, Optional[list]] = {}  # this run's stat of each file asked about
        self.asked: dict[str, set] = {}  # path -> the scans this run asked about
        self.changed = False
        try:
            with open(path, encoding="utf-8") as handle:
                entries = json.load(handle)
            self.entries = {
                str(p): [list(map(int, stat)), {str(k): bool(v) for k, v in answers.items()}]
                for p, (stat, answers) in entries.items()
            }
        except (OSError, ValueError, TypeError, AttributeError):
            self.entries = {}

    def _stat(self, path: str) -> Optional[list]:
        if path not in self.stats:
            try:
                st = os.stat(path)
                self.stats[path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            except OSError:
                self.stats[path] = None
        return self.stats[path]

    def answer(self, path: str, scan: str) -> Optional[bool]:
        """The remembered answer, or None when the file changed or was never scanned so."""
        self.asked.setdefault(path, set()).add(scan)
        entry = self.entries.get(path)
        if entry is None or entry[0] != self._stat(path):
            return None
        return entry[1].get(scan)

    def remember(self, path: str, scan: str, answer: bool) -> None:
        stat = self._stat(path)
        if stat is None or time.time_ns() - max(stat[1], stat[2]) < _RACY_NS:
            return
        entry = self.entries.get(path)
        if entry is None or entry[0] != stat:
            entry = self.entries[path] = [stat, {}]
        if entry[1].get(scan) is not answer:
            entry[1][scan] = answer
            self.changed = True

    def save(self) -> None:
        # Answers to questions this run no longer asks (an older wrapper pattern) go.
        for path, scans in self.asked.items():
            entry = self.entries.get(path)
            if entry is not None and set(entry[1]) - scans:
                entry[1] = {k: v for k, v in entry[1].items() if k in scans}
                self.changed = True
        if self.changed:
            self.cache.write(self.path, self.entries)
            self.changed = False


def _span(values: list) -> Span:
    return Span(*(int(v) for v in values))


def _encode_finding(f: Finding) -> dict:
    s = f.span
    return {
        "c": f.code, "p": f.path, "s": [s.line, s.col, s.end_line, s.end_col], "m": f.message,
        "r": [[r.path, [r.span.line, r.span.col, r.span.end_line, r.span.end_col], r.message] for r in f.related],
        "y": f.symbol, "f": f.fingerprint,
    }


def _decode_finding(d: dict) -> Finding:
    related = tuple(Related(str(path), _span(span), str(message)) for path, span, message in d["r"])
    return Finding(str(d["c"]), str(d["p"]), _span(d["s"]), str(d["m"]), related, str(d["y"]), str(d["f"]))


def _encode(outcome: Outcome) -> dict:
    error = outcome.error
    return {
        "kept": [_encode_finding(f) for f in outcome.kept],
        "hidden": [_encode_finding(f) for f in outcome.hidden],
        "error": None if error is None else [error.path, error.message],
        "exports": {name: [origin, _encode_export(s)] for name, (origin, s) in sorted(outcome.exports.items())},
        "libraries": [[u.name, u.kind, [list(a) for a in u.loaded_at], list(u.packs), [list(f) for f in u.functions]]
                      for u in outcome.libraries],
    }


def _decode(document: dict) -> Outcome:
    error = document["error"]
    return Outcome(
        tuple(_decode_finding(d) for d in document["kept"]),
        tuple(_decode_finding(d) for d in document["hidden"]),
        None if error is None else FileError(str(error[0]), str(error[1])),
        {str(name): (str(origin), _decode_export(s)) for name, (origin, s) in document["exports"].items()},
        tuple(LibraryUse(str(name), str(kind), tuple((str(p), int(line)) for p, line in loaded),
                         tuple(str(p) for p in packs_),
                         tuple((str(f), int(n), None if source is None else str(source)) for f, n, source in functions))
              for name, kind, loaded, packs_, functions in document["libraries"]),
    )


def canonical(value) -> str:
    """An export as text that is the same in every process (a frozenset's repr is not:
    string hashes are salted per process), for digests that key the cache."""
    return json.dumps(_encode_export(value), sort_keys=True, separators=(",", ":"))


def _encode_export(value) -> dict:
    if isinstance(value, str):
        return {"marker": value}
    if isinstance(value, StringRestype):
        return {"char_p": [value.function, value.kind, value.path, _spanlist(value.span)]}
    if isinstance(value, InferredContract):
        return {"inferred": [value.name, value.family, value.releases, value.declared, value.path,
                             _spanlist(value.span), list(value.takes)]}
    if isinstance(value, Summary):
        return {"summary": _encode_summary(value)}
    return {"library": [value.name, list(value.paths), sorted(value.wrapped), value.ctypes, value.function,
                        value.loader, value.origin]}


def _decode_export(d: dict):
    if "marker" in d:
        return str(d["marker"])
    if "summary" in d:
        return _decode_summary(d["summary"])
    if "char_p" in d:
        function, kind, path, span = d["char_p"]
        return StringRestype(str(function), str(kind), str(path), _span(span))
    if "inferred" in d:
        name, family, releases, declared, path, span, takes = d["inferred"]
        return InferredContract(str(name), str(family), None if releases is None else int(releases), str(declared),
                                str(path), _span(span), tuple(int(i) for i in takes))
    name, paths, wrapped, is_ctypes, function, loader, origin = d["library"]
    return LibraryObject(str(name), tuple(str(p) for p in paths), frozenset(str(w) for w in wrapped), bool(is_ctypes),
                         str(function), bool(loader), str(origin))


def _spanlist(span: Span) -> list:
    return [span.line, span.col, span.end_line, span.end_col]


def _encode_summary(s: Summary) -> dict:
    return {
        "params": list(s.params),
        "releases": [[i, _spanlist(w), call, family] for i, w, call, family in s.param_releases],
        "uses": [[i, _spanlist(w)] for i, w in s.param_uses],
        "escapes": sorted(s.param_escapes),
        "returns": [s.returns[0], s.returns[1], s.returns[2], _spanlist(s.returns[3])] if s.returns else [],
    }


def _decode_summary(d: dict) -> Summary:
    returns = d["returns"]
    return Summary(
        params=tuple(str(p) for p in d["params"]),
        param_releases=tuple((int(i), _span(w), str(call), str(family)) for i, w, call, family in d["releases"]),
        param_uses=tuple((int(i), _span(w)) for i, w in d["uses"]),
        param_escapes=frozenset(int(i) for i in d["escapes"]),
        returns=(str(returns[0]), str(returns[1]), str(returns[2]), _span(returns[3])) if returns else (),
    )
