"""The result cache: what linting one file produced, keyed by everything that decides it.

A key hashes every input of the file's analysis (engine.Job: its bytes, the path it is
shown and fingerprinted under, its dotted module name, the codes enabled for it, the
other modules' exports it uses), the content of every active pack, and ownlint itself (its version and
the content of its own modules, so a development checkout never reads stale results).
Entries are JSON files written atomically (a temporary file, then `os.replace`), so
concurrent runs are safe: each sees a whole entry or none; a write that fails (a full
disk) removes its temporary file. Only regular files are read there (a named pipe would
block the run), and an entry that cannot be read, is not JSON, or has any other shape than
the one written here, is a miss: recomputed, and rewritten by this run.

Beside the results, `Scans` remembers the byte scans of files that do not involve FFI
(the prefilter's "no", and "names none of these wrappers"), keyed by the file's stat, so
that an unchanged run does not read them at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .. import __version__, catalog
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
                    digest.update(os.fsencode(path) + b"\0" + handle.read())
            except OSError:
                digest.update(os.fsencode(path) + b"\0<unreadable>")
        self.context = digest.hexdigest()
        self.ready = False

    def key(self, parts) -> str:
        """The entry of a file whose result is decided by `parts` (bytes each: engine.py
        lists every input of the analysis) besides the packs and ownlint itself."""
        digest = hashlib.sha256(self.context.encode())
        for part in parts:
            digest.update(b"\0%d\0" % len(part) + part)
        return digest.hexdigest()

    def scans(self) -> "Scans":
        return Scans(os.path.join(self.directory, f"scans-{self.context[:16]}.json"), self)

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key[2:] + ".json")

    def get(self, key: str) -> Optional[Outcome]:
        document = read(self._path(key))
        if document is None:
            return None
        try:
            return _decode(document)
        except _BAD:  # another shape than ours: recompute
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
            _replace(path, json.dumps(document, separators=(",", ":")))
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
            if not os.path.lexists(mark):
                with contextlib.suppress(OSError):  # a mark is a courtesy: entries go on without it
                    _replace(mark, text)
        self.ready = True


def _replace(path: str, text: str) -> None:
    """Put `text` at `path` through a new temporary file (never one that exists: a named
    pipe there would block), removed again if writing fails."""
    descriptor, temporary = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp",
                                             dir=os.path.dirname(path))
    try:
        with open(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


_LARGEST = 256 * 1024 * 1024  # bytes: a cache document larger than this is not ours


def read(path: str):
    """The JSON document in the regular file `path`, or None: missing, not a regular file
    (opened without blocking, then checked), too large, not JSON (NaN and Infinity are
    not JSON either), or nested too deeply to decode."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > _LARGEST:
                return None
            raw = handle.read(_LARGEST + 1)
        return json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (OSError, ValueError, RecursionError, MemoryError):
        return None


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


class _Shape(ValueError):
    """A cache document that is JSON but not of the shape this module writes."""


_BAD = (_Shape, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


def _int(value, limit: int = 2 ** 31) -> int:
    if type(value) is not int or not 0 <= value < limit:
        raise _Shape(f"expected a small non-negative integer, got {value!r}")
    return value


def _str(value, errors: str = "strict") -> str:
    """A string that can be printed (a path may hold the bytes of an undecodable name)."""
    if type(value) is not str:
        raise _Shape(f"expected a string, got {value!r}")
    value.encode("utf-8", errors)  # a lone surrogate is ValueError
    return value


def _path(value) -> str:
    return _str(value, "surrogateescape")


def _list(value, length: Optional[int] = None) -> list:
    if type(value) is not list or (length is not None and len(value) != length):
        raise _Shape(f"expected a list{'' if length is None else f' of {length}'}, got {value!r}")
    return value


def _dict(value) -> dict:
    if type(value) is not dict:
        raise _Shape(f"expected an object, got {value!r}")
    return value


def _bool(value) -> bool:
    if type(value) is not bool:
        raise _Shape(f"expected true or false, got {value!r}")
    return value


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
            self.entries = _decode_scans(read(path))
        except _BAD:  # missing, or not ours: rebuilt
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


def _decode_scans(document) -> dict:
    entries = {}
    for path, entry in _dict(document).items():
        stat_, answers = _list(entry, 2)
        entries[_path(path)] = [[_int(v, 2 ** 64) for v in _list(stat_, 4)],
                                {_str(k): _bool(v) for k, v in _dict(answers).items()}]
    return entries


def _span(values) -> Span:
    return Span(*(_int(v) for v in _list(values, 4)))


def _encode_finding(f: Finding) -> dict:
    s = f.span
    return {
        "c": f.code, "p": f.path, "s": [s.line, s.col, s.end_line, s.end_col], "m": f.message,
        "r": [[r.path, [r.span.line, r.span.col, r.span.end_line, r.span.end_col], r.message] for r in f.related],
        "y": f.symbol, "f": f.fingerprint,
    }


def _decode_finding(d) -> Finding:
    d = _dict(d)
    related = tuple(Related(_path(path), _span(span), _str(message)) for path, span, message in
                    (_list(r, 3) for r in _list(d["r"])))
    code = _str(d["c"])
    if code not in catalog.RULES:
        raise _Shape(f"unknown rule {code!r}")
    return Finding(code, _path(d["p"]), _span(d["s"]), _str(d["m"]), related, _str(d["y"]), _str(d["f"]))


def _encode(outcome: Outcome) -> dict:
    error = outcome.error
    return {
        "kept": [_encode_finding(f) for f in outcome.kept],
        "hidden": [_encode_finding(f) for f in outcome.hidden],
        "error": None if error is None else [error.path, error.message],
        "exports": {name: [origin, _encode_export(s)] for name, (origin, s) in sorted(outcome.exports.items())},
        "libraries": [[u.name, u.kind, [list(a) for a in u.loaded_at], list(u.packs), [list(f) for f in u.functions],
                       [list(x) for x in u.unread]]
                      for u in outcome.libraries],
    }


def _decode(document) -> Outcome:
    document = _dict(document)
    error = document["error"]
    if error is not None:
        error = FileError(*(_str(part, "surrogateescape") for part in _list(error, 2)))
    return Outcome(
        tuple(_decode_finding(d) for d in _list(document["kept"])),
        tuple(_decode_finding(d) for d in _list(document["hidden"])),
        error,
        {_str(name): (_path(origin), _decode_export(s)) for name, (origin, s) in
         ((name, _list(entry, 2)) for name, entry in _dict(document["exports"]).items())},
        tuple(LibraryUse(_str(name), _str(kind), tuple((_path(p), _int(line)) for p, line in
                                                  (_list(at, 2) for at in _list(loaded))),
                         tuple(_str(p) for p in _list(packs_)),
                         tuple((_str(f), _int(n), None if source is None else _str(source), _str(pattern))
                               for f, n, source, pattern in (_list(entry, 4) for entry in _list(functions))),
                         tuple((_path(p), _int(line), _str(why)) for p, line, why in (_list(x, 3) for x in _list(unread))))
              for name, kind, loaded, packs_, functions, unread in
              (_list(use, 6) for use in _list(document["libraries"]))),
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
                             _spanlist(value.span), list(value.takes), value.source]}
    if isinstance(value, Summary):
        return {"summary": _encode_summary(value)}
    return {"library": [value.name, list(value.paths), sorted(value.wrapped), value.ctypes, value.function,
                        value.loader, value.origin, list(value.binds)]}


def _decode_export(d):
    d = _dict(d)
    if len(d) != 1:
        raise _Shape(f"expected one kind of export, got {sorted(d)}")
    if "marker" in d:
        return _str(d["marker"])
    if "summary" in d:
        return _decode_summary(d["summary"])
    if "char_p" in d:
        function, kind, path, span = _list(d["char_p"], 4)
        return StringRestype(_str(function), _str(kind), _path(path), _span(span))
    if "inferred" in d:
        name, family, releases, declared, path, span, takes, source = _list(d["inferred"], 8)
        return InferredContract(_str(name), _str(family), None if releases is None else _int(releases), _str(declared),
                                _path(path), _span(span), tuple(_int(i) for i in _list(takes)), _str(source))
    name, paths, wrapped, is_ctypes, function, loader, origin, binds = _list(d["library"], 8)
    binds = _list(binds)
    if binds and (len(binds) != 2 or type(binds[0]) is not int or type(binds[1]) is not str):
        raise _Shape(f"expected [position, prefix], got {binds!r}")
    return LibraryObject(_str(name), tuple(_str(p) for p in _list(paths)), frozenset(_str(w) for w in _list(wrapped)),
                         _bool(is_ctypes), _str(function), _bool(loader), _str(origin), tuple(binds))


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


def _decode_summary(d) -> Summary:
    d = _dict(d)
    returns = _list(d["returns"])
    if returns:
        state, family, call, where = _list(returns, 4)
        if state not in ("owned", "maybe", "managed", "static", "singleton", "python-owned", "borrowed"):
            raise _Shape(f"unknown state {state!r}")
        returns = (state, _str(family), _str(call), _span(where))
    return Summary(
        params=tuple(_str(p) for p in _list(d["params"])),
        param_releases=tuple((_int(i), _span(w), _str(call), _str(family))
                             for i, w, call, family in (_list(r, 4) for r in _list(d["releases"]))),
        param_uses=tuple((_int(i), _span(w)) for i, w in (_list(u, 2) for u in _list(d["uses"]))),
        param_escapes=frozenset(_int(i) for i in _list(d["escapes"])),
        returns=tuple(returns),
    )
