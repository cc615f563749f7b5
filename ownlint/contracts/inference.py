"""Lint-time inference: contracts from the linted project's own `ffi.cdef` declarations.

A function no active pack describes, called on a cffi library, gets the contract its
declaration and name suggest (cdecls.py: creators and destroyers of one type). These
contracts cross modules like summaries do (the cdef often sits in a build script), and
every finding that rests on one says so and points at the declaration: a pack entry
for the function replaces the guess.
"""

from __future__ import annotations

import dataclasses
import os
import re

from typing import Optional

import libcst as cst

from . import cdecls
from .packs import Contracts
from ..types import INFERRED, INFERRED_NOTE, Finding, InferredContract, Related, Span, concrete


def _described(contracts: Contracts, name: str) -> bool:
    """Whether a pack says anything about `name` on a library: then nothing is guessed."""
    return contracts.on_library(name) is not None


def local(cdefs: list, contracts: Contracts, span_of, prototypes: list = (),
          unread: Optional[list] = None) -> dict[str, InferredContract]:
    """The contracts inferred from this module's cdef strings (`span_of` locates a node)
    and from its ctypes prototypes (`prototypes`: (cdecls.Function, node) pairs). A cdef
    pycparser cannot read is skipped, and (line, why) goes into `unread`."""
    declared: list[cdecls.Function] = []
    origin: dict[str, tuple] = {}  # function -> (string node, its text)
    context = ""  # the earlier cdefs of the module: cffi accumulates declarations
    for text, node in cdefs:
        try:
            functions = cdecls.functions(text, context)
        except cdecls.DeclarationError:
            try:
                functions = cdecls.functions(text)
            except cdecls.DeclarationError as exc:  # cffi accepts more than pycparser: nothing is guessed
                if unread is not None:
                    line = concrete(span_of(node)).line + (exc.line - 1 if exc.line is not None else 0)
                    unread.append((line, str(exc)))
                continue
        context = f"{context}\n{text}" if context else text
        for function in functions:
            if function.name not in origin:
                declared.append(function)
                origin[function.name] = (node, text)
    found: dict[str, InferredContract] = {}
    for name, guess in cdecls.inferred(declared).items():
        if not _described(contracts, name):
            node, text = origin[name]
            found[name] = InferredContract(name, guess.family, guess.releases, guess.declared, "",
                                           _declaration(node, text, guess.function, span_of), guess.takes)
    # ctypes prototypes pair among themselves: a cdef describes a cffi library, they a ctypes one
    typed = {function.name: (function, node) for function, node in prototypes}
    for name, guess in cdecls.inferred([function for function, _ in typed.values()]).items():
        if not _described(contracts, name) and name not in found:
            where = concrete(span_of(typed[name][1]))
            found[name] = InferredContract(name, guess.family, guess.releases, guess.declared, "", where,
                                           guess.takes, PROTOTYPE)
    return found


CDEF, PROTOTYPE, HEADER = "cdef", "ctypes prototype", "header"


def applies(source: str, ctypes: bool) -> bool:
    """Whether a contract inferred from `source` applies to a ctypes (or cffi) library:
    a cdef describes what cffi loads, a ctypes prototype what ctypes loads, a header both."""
    return source == HEADER or (source == PROTOTYPE) == ctypes


def _declaration(node: cst.BaseExpression, text: str, function: cdecls.Function, span_of) -> Span:
    """Where in the file the function is declared: the line inside the string literal."""
    where = concrete(span_of(node))
    lines = text.split("\n")
    index = min(function.line, len(lines)) - 1
    column = max(0, lines[index].find(function.name))
    if isinstance(node, cst.SimpleString) and index == 0:
        column += where.col + len(node.prefix) + len(node.quote)
    elif not isinstance(node, cst.SimpleString):  # implicit concatenation: the literal's start
        index, column = 0, where.col
    line = where.line + index
    return Span(line, column, line, column + len(function.name))


def merged(here: dict[str, InferredContract], external: dict, contracts: Contracts) -> dict[str, InferredContract]:
    """This module's inferences, then those other modules exported (`inferred:name`)."""
    out = dict(here)
    for key, (origin, value) in sorted(external.items()):
        if key.startswith(INFERRED) and isinstance(value, InferredContract):
            if value.name not in out and not _described(contracts, value.name):
                out[value.name] = dataclasses.replace(value, path=origin)
    return out


def mark(findings: list[Finding], used: dict[str, InferredContract], path: str, lines: list[str],
         bodies: tuple = ()) -> list[Finding]:
    """Findings that rest on an inferred contract say so, and where the guess comes from.

    A finding rests on one when it names a call of an inferred function, or when one of
    its lines in this file (where it is, where the value was acquired or released) calls
    one, itself or through a function or method of this file that does (`bodies`: (name,
    first line, last line) of each): events do not carry their contracts' origin, the
    lines do."""
    if not used:
        return findings
    names = "|".join(sorted(map(re.escape, used)))
    named = re.compile(r"`(?:[\w.]+\.)?(" + names + r")`")
    called = re.compile(r"\.\s*(" + names + r")\s*\(")
    via: dict[str, str] = {}  # a function of this file -> the inferred function its body calls
    for function, first, last in bodies:
        found = next((m for line in lines[max(first - 1, 0):last] for m in [called.search(line)] if m), None)
        if found is not None:
            via.setdefault(function, found.group(1))
    through = re.compile(r"(?<![\w])(" + "|".join(sorted(map(re.escape, via))) + r")\s*\(") if via else None
    out = []
    for finding in findings:
        match = named.search(finding.message)
        places = [finding.span.line] + [r.span.line for r in finding.related if r.path == path]
        texts = [lines[line - 1] for line in places if 0 < line <= len(lines)]
        if match is None:
            match = next((m for text in texts for m in [called.search(text)] if m), None)
        function = match.group(1) if match is not None else None
        if function is None and through is not None:
            hit = next((m for text in [finding.message, *texts] for m in [through.search(text)] if m), None)
            function = via[hit.group(1)] if hit is not None else None
        if function is None:
            out.append(finding)
            continue
        guess = used[function]
        what = "takes over" if guess.takes else "creates" if guess.releases is None else "releases"
        related = Related(guess.path or path, guess.span,
                          f"the contract is inferred: `{guess.name}` {what} a `{guess.declared}`, by its "
                          "name and this declaration (a rule pack entry overrides it)")
        out.append(dataclasses.replace(finding, message=finding.message + INFERRED_NOTE,
                                       related=finding.related + (related,)))
    return out


def from_headers(paths: tuple[str, ...], contracts: Contracts) -> dict[str, InferredContract]:
    """The contracts inferred from the C headers a configuration names (`headers = [...]`),
    read together in order; they apply to any library the project loads, ctypes or cffi,
    by function name, where no pack describes the function. A header that cannot be read
    or parsed is a ConfigError naming it (and the line)."""
    from .infer import header_functions, _read  # the same reading as `ownlint infer foo.h`

    origin: dict[str, str] = {}
    declared: list[cdecls.Function] = []
    for function, path in header_functions(list(paths), [_read(p) for p in paths]) if paths else ():
        if function.name not in origin:
            declared.append(function)
            origin[function.name] = path
    found = {}
    for name, guess in cdecls.inferred(declared).items():
        if not _described(contracts, name):
            line = guess.function.line
            shown = os.path.relpath(origin[name])  # shown as the linted files are: from here, if below
            found[name] = InferredContract(name, guess.family, guess.releases, guess.declared,
                                           origin[name] if shown.startswith("..") else shown,
                                           Span(line, 0, line, 0), guess.takes, HEADER)
    return found
