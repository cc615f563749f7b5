"""One file's bytes -> libcst's tree of the parts that matter, then its analysis; or an OWN901 finding.

Every failure to read or parse becomes an OWN901 finding for that file; nothing here
raises to the caller for bad input.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
import re
import sys
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from ..analysis.module import analyse_module
from ..contracts.packs import Contracts
from ..source import COOKIE, decode
from ..types import Finding, Span
from . import slicing

# Deep nesting needs deeply nested brackets, a long line or many continuation lines; only
# then is the file first given to CPython's own parser (see `_python_refuses`).
_DEEP_BRACKETS = 200  # CPython's limit; strings and comments count here, so CPython confirms
_NOT_BRACKETS = re.compile(r"[^][(){}]+")
_LONG_LINE = 1000
_MANY_CONTINUATIONS = 100
# libcst's code generation (positions, the code of a node) recurses a few Python frames per
# branch of an if/elif chain, and CPython compiles chains of some 3,000 branches. From
# Python 3.11 on, calls between Python functions do not grow the C stack, so the analysis
# may recurse this deep (about 6,000 branches); on older Pythons the default limit stays
# (chains of some 300 branches are then reported as too deep).
ANALYSIS_RECURSION_LIMIT = 20_000


@dataclass(frozen=True)
class FileAnalysis:
    findings: tuple[Finding, ...]
    source: Optional[str]  # the decoded text, for code frames and suppressions
    exports: dict = dataclasses.field(default_factory=dict)  # name -> (defining path or "", Summary)
    libraries: tuple = ()  # LibraryUse of every C library the file loads or calls


def _parser_message(message: str) -> str:
    """libcst's message without its positional prefix, and at most a few expected tokens."""
    message = re.sub(r"^(parser error: )?(error at \d+:\d+: )?", "", message.strip())
    match = re.match(r"expected one of (.*)$", message)
    if match:
        options = [o.strip() for o in match.group(1).split(", ")]
        shown = ", ".join(options[:6]) + (", ..." if len(options) > 6 else "")
        message = f"expected one of {shown}"
    return message


def _byte_position(raw: bytes, exc: UnicodeDecodeError) -> tuple[int, int]:
    """The line and column of the byte that failed to decode."""
    offset = exc.start + (len(raw) - len(exc.object))  # exc.object lacks a BOM that was stripped
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode(exc.encoding, errors="replace"))
    return raw.count(b"\n", 0, offset) + 1, column


def _python_syntax_error(text: str) -> Optional[SyntaxError]:
    try:
        compile(text, "<ownlint>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except (RecursionError, MemoryError, ValueError):
        return None
    return None


def _bracket_depth(text: str) -> int:
    brackets = _NOT_BRACKETS.sub("", text)
    return max(itertools.accumulate(1 if c in "([{" else -1 for c in brackets), default=0)


def _python_refuses(text: str) -> Optional[str]:
    """Why CPython itself cannot compile this file's nesting, or None.

    libcst's native parser overflows its stack, killing the process, or takes gigabytes
    on expressions nested a few thousand deep, which CPython refuses cheaply (too many
    nested parentheses, recursion or memory limits). Such a file cannot run, so ownlint
    reports it instead of parsing it. Other syntax errors are left to libcst, which
    knows syntax newer than the running interpreter.
    """
    if (_bracket_depth(text) <= _DEEP_BRACKETS and text.count("\\\n") <= _MANY_CONTINUATIONS
            and max(map(len, text.splitlines()), default=0) <= _LONG_LINE):
        return None
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return "it is nested deeper than Python allows" if "nested" in str(exc) else None
    except (RecursionError, MemoryError):
        return "it is nested deeper than Python can compile"
    except ValueError:
        return None
    return None


def _unparsable(path: str, reason: str, line: int = 1, col: int = 0) -> FileAnalysis:
    span = Span(line, col, line, col)
    return FileAnalysis((Finding("OWN901", path, span, f"cannot analyse this file: {reason}"),), None)


def analyse_source(path: str, raw: bytes, contracts: Contracts, module: str = "",
                   external: Optional[dict] = None, loaded_at: bool = False) -> FileAnalysis:
    """Analyse one file the prefilter let through (engine.py decides which files).

    `module` is the file's dotted module name; `external` maps the qualified names of
    other modules' functions to (path, Summary): what the calls into them do."""
    try:
        text = decode(raw)
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc)
        return _unparsable(path, f"cannot decode it as {exc.encoding} ({exc.reason} at byte {exc.start}; "
                                 "is it a binary file, or does it need a coding cookie?)", line, col)
    except LookupError as exc:
        cookie = next((n for n, line in enumerate(raw.splitlines()[:2], 1) if COOKIE.match(line)), 1)
        return _unparsable(path, f"its coding cookie names an encoding Python does not know ({exc})", cookie)
    if "\x00" in text:
        return _unparsable(path, "it contains NUL bytes (is it a binary file?)")
    refused = _python_refuses(text)
    if refused is not None:
        return _unparsable(path, refused)
    try:
        tree = _parse(text, contracts, external)
    except cst.ParserSyntaxError as exc:
        python = _python_syntax_error(text)  # CPython's messages are the ones people know
        if python is not None:
            return _unparsable(path, f"syntax error: {python.msg}", python.lineno or 1, max(0, (python.offset or 1) - 1))
        # CPython accepts the file: a limit of libcst's parser, not the code's fault.
        hint = "; mixed tabs and spaces?" if "dedent" in exc.message and "\t" in text else ""
        return _unparsable(path, f"libcst cannot parse it, although Python can ({_parser_message(exc.message)}{hint})",
                           exc.raw_line, exc.raw_column)
    except RecursionError:
        return _unparsable(path, "it is nested too deeply to parse")
    limit = sys.getrecursionlimit()
    if sys.version_info >= (3, 11) and limit < ANALYSIS_RECURSION_LIMIT:
        sys.setrecursionlimit(ANALYSIS_RECURSION_LIMIT)
    try:
        findings, exports, libraries = analyse_module(path, tree, contracts, module, external or {}, text, loaded_at)
    except Exception as exc:  # noqa: BLE001 - only a recursion is handled here
        if not _recursed(exc):
            raise
        return _unparsable(path, f"it nests statements deeper than ownlint can analyse ({_nesting(tree)})")
    finally:
        sys.setrecursionlimit(limit)
    return FileAnalysis(tuple(findings), text, exports, libraries)


def _recursed(exc: BaseException) -> bool:
    """Whether `exc` is, or was raised while handling, a RecursionError (libcst's code
    generation turns one into a KeyError as it unwinds its context managers)."""
    seen = 0
    while exc is not None and seen < 100_000:
        if isinstance(exc, RecursionError):
            return True
        exc, seen = exc.__context__, seen + 1
    return False


def _nesting(tree: cst.Module) -> str:
    """What nests deepest in a module: the longest if/elif chain, if that is what did it."""
    longest = 0
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.If):
            length, current = 1, node
            while isinstance(current.orelse, cst.If):
                length, current = length + 1, current.orelse
                stack.extend(current.body.body if isinstance(current.body, cst.IndentedBlock) else ())
            longest = max(longest, length)
            stack.extend(node.body.body if isinstance(node.body, cst.IndentedBlock) else ())
            if isinstance(current.orelse, cst.Else) and isinstance(current.orelse.body, cst.IndentedBlock):
                stack.extend(current.orelse.body.body)
        elif isinstance(getattr(node, "body", None), cst.IndentedBlock):
            stack.extend(node.body.body)
    if longest > 1:
        return f"an if/elif chain of {longest:,} branches; libcst's code generation recurses once per branch"
    return "libcst's code generation recurses once per level"


def _parse(text: str, contracts: Contracts, external: Optional[dict]) -> cst.Module:
    """libcst's tree of the parts of `text` that can involve FFI (slicing.py); every line
    and column is where it was in `text`."""
    sliced = slicing.reduce(text, slicing.vocabulary(contracts, external or ()))
    if sliced is not text:
        try:
            return cst.parse_module(sliced)
        except cst.ParserSyntaxError:  # not expected; the whole file then says why
            pass
    return cst.parse_module(text)
