"""What ownlint knows of the C side: `ownlint libraries` (text, JSON) and the summary line's coverage clause."""

from __future__ import annotations

import json
from typing import TextIO

from ..types import LibraryUse, RunResult

_NAMED = 3  # libraries named in the summary line before "..."


def counts(libraries: tuple[LibraryUse, ...]) -> tuple[int, int]:
    """(C functions called, of which have a contract), each function counted once per library."""
    called = sum(len(library.functions) for library in libraries)
    known = sum(1 for library in libraries for _f, _n, source, _p in library.functions if source is not None)
    return called, known


def without_pack(libraries: tuple[LibraryUse, ...]) -> list[str]:
    """Libraries no pack describes (inferred contracts do not count) that are called."""
    return sorted({library.name for library in libraries if library.functions and not library.packs
                   and all(source is None or source.startswith("inferred") for _f, _n, source, _p in library.functions)})


def coverage(result: RunResult) -> str:
    """`contracts for 38 of 212 C functions called; no pack for libfoo (see 'ownlint libraries')`."""
    called, known = counts(result.libraries)
    if not called:
        text = "no C library calls found"
    else:
        text = f"contracts for {known} of {called} C function{'s' if called != 1 else ''} called"
        missing = without_pack(result.libraries)
        if missing:
            shown = ", ".join(missing[:_NAMED]) + (", ..." if len(missing) > _NAMED else "")
            text += f"; no pack for {shown} (see 'ownlint libraries')"
    for pack in result.unmatched_packs:
        text += f"; pack {pack} matched no call"
    return text


def properties(result: RunResult) -> dict:
    """The same counts for SARIF's run `properties`."""
    called, known = counts(result.libraries)
    return {"cFunctionsCalled": called, "cFunctionsWithContracts": known,
            "librariesWithoutPack": without_pack(result.libraries),
            "unmatchedPacks": list(result.unmatched_packs)}


def as_json(libraries: tuple[LibraryUse, ...]) -> dict:
    return {"libraries": [
        {
            "name": library.name,
            "kind": library.kind,
            "loaded_at": [{"path": path, "line": line} for path, line in library.loaded_at],
            "packs": list(library.packs),
            "functions": [{"name": f, "calls": n, "contract": source, "pattern": pattern or None}
                          for f, n, source, pattern in library.functions],
            **({"unread": [{"path": path, "line": line, "error": why} for path, line, why in library.unread]}
               if library.unread else {}),
        }
        for library in libraries
    ]}


def emit(libraries: tuple[LibraryUse, ...], stream: TextIO, form: str) -> None:
    if form == "json":
        stream.write(json.dumps(as_json(libraries), indent=2) + "\n")
        return
    for library in libraries:
        if library.unread and not library.functions and not library.loaded_at:  # cdefs of no library here
            for path, line, why in library.unread:
                stream.write(f"not read: {path}:{line}: a cdef that cannot be parsed ({why}); nothing is inferred "
                             "from it\n")
            stream.write("\n")
            continue
        where = ", ".join(f"{path}:{line}" for path, line in library.loaded_at) or "outside the linted files"
        packs = ", ".join(library.packs) or "none"
        stream.write(f"{library.name} ({library.kind}): loaded at {where}; packs: {packs}\n")
        width = max((len(f) for f, _n, _s, _p in library.functions), default=0)
        for function, calls, source, pattern in library.functions:
            rule = f"{source} (pattern {pattern})" if pattern else source
            stream.write(f"  {function:<{width}}  {calls:>4} call{'s' if calls != 1 else ' '}  "
                         f"{rule if source is not None else '-  (no contract: arguments are only used)'}\n")
        stream.write("\n")
    called, known = counts(libraries)
    libraries = tuple(library for library in libraries if library.functions or library.loaded_at)
    stream.write(f"{len(libraries)} C librar{'ies' if len(libraries) != 1 else 'y'}, {called} C "
                 f"function{'s' if called != 1 else ''} called, {known} with a contract.\n")
