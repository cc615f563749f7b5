"""`ownlint infer FILE`: a draft rule pack from the C declarations of a binding.

FILE is a Python file, whose cffi `ffi.cdef("...")` strings (all of them, in order: cffi
accumulates their types) and ctypes prototypes (prototypes.py) are read, or a C header
(`.h`, read as cffi reads a cdef, with compiler-only syntax dropped: cdecls.py).
cdecls.py also holds the naming rules: a function returning `T *` whose name says it
creates returns an owned `T`, which may fail with NULL; one whose name says it destroys
and takes a `T *` releases it; creators and destroyers that name each other
(`foo_new`/`foo_free`) share a family named after `T`; `*_ref` functions count
references. The draft proposes every such guess, says so in comments, and lists every
other function returning a pointer as a question. (Lint-time inference, inference.py,
uses a stricter subset of the guesses.) Review the draft before using it.
"""

from __future__ import annotations

import dataclasses
import os
import re

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import cdecls, prototypes
from ..source import decode
from ..types import ConfigError


def cdefs(source: str) -> list[str]:
    """The string arguments of every `X.cdef(...)` call in a Python source."""
    return [text for text, _path, _line in _binding(cst.parse_module(source), "")[0]]


def _strings(module: cst.Module, positions) -> dict[str, tuple[str, int]]:
    """Module-level `NAME = "..."` constants: name -> (text, line)."""
    out: dict[str, tuple[str, int]] = {}
    for statement in module.body:
        for small in getattr(statement, "body", ()) if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign) and len(small.targets) == 1 \
                    and isinstance(small.targets[0].target, cst.Name) \
                    and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)) \
                    and isinstance(small.value.evaluated_value, str):
                out[small.targets[0].target.value] = (small.value.evaluated_value, positions[small.value].start.line)
    return out


def _sibling_constant(path: str, module_name: str, name: str):
    """(text, path, line) of `NAME = "..."` in the module `module_name` next to `path`
    (`from . import constants` ... `ffi.cdef(constants._HEADERS)`), or None. The file is
    read, never imported."""
    other = os.path.join(os.path.dirname(path), f"{module_name}.py")
    try:
        with open(other, "rb") as handle:
            wrapper = MetadataWrapper(cst.parse_module(decode(handle.read())), unsafe_skip_copy=True)
    except (OSError, UnicodeDecodeError, LookupError, cst.ParserSyntaxError):
        return None
    found = _strings(wrapper.module, wrapper.resolve(PositionProvider)).get(name)
    return (found[0], other, found[1]) if found is not None else None


def _binding(module: cst.Module, path: str):
    """([(cdef text, the file and line of its string)], the `set_source` module name or "",
    ctypes prototypes). A cdef of a module-level string constant, here or in a sibling
    module imported with `from . import X`, is read from that constant."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    constants = _strings(wrapper.module, positions)
    found: list[tuple[str, str, int]] = []
    named: list[str] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if not (isinstance(node.func, cst.Attribute) and node.args):
                return
            value = node.args[0].value
            if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                text = value.evaluated_value
                if isinstance(text, str) and node.func.attr.value == "cdef":
                    found.append((text, path, positions[value].start.line))
                elif isinstance(text, str) and node.func.attr.value == "set_source":
                    named.append(text)
            elif node.func.attr.value == "cdef" and isinstance(value, cst.Name) and value.value in constants:
                text, line = constants[value.value]
                found.append((text, path, line))
            elif node.func.attr.value == "cdef" and isinstance(value, cst.Attribute) \
                    and isinstance(value.value, cst.Name) and path:
                other = _sibling_constant(path, value.value.value, value.attr.value)
                if other is not None:
                    found.append(other)

    wrapper.module.visit(Visitor())
    declared = prototypes.declared(wrapper.module, lambda node: positions[node].start.line)
    return found, (named[0] if named else ""), declared


def functions(declarations: str, path: str = "cdef", context: str = "", line: int = 1,
              header: bool = False) -> list[cdecls.Function]:
    """The functions of one cdef string (at `line` of `path`) or header; a ConfigError naming
    the file and line of the fault if pycparser cannot read them."""
    try:
        return cdecls.functions(declarations, context, header)
    except cdecls.DeclarationError as exc:
        what = "the C header" if path.endswith((".h", ".hpp", ".hh")) else "the C declarations of `ffi.cdef`"
        where = line + exc.line - 1 if exc.line is not None else None
        raise ConfigError(path, f"cannot parse {what}: {exc}", where) from None


def draft(path: str, source: str) -> str:
    """A TOML pack for the functions declared in `source`'s cdef strings and ctypes prototypes."""
    texts, module, typed = _binding(cst.parse_module(source), path)
    declared: list[cdecls.Function] = []
    context = ""
    # `ffi.include(other_ffi)`: the cdefs may use types the other ffi declares, which
    # are read as opaque types, as in a header (cffi itself rejects unknown types).
    included = ".include(" in source
    for text, where, line in texts:
        try:
            declared += functions(text, where, context, line, header=included)
        except ConfigError:
            if not (included and context):
                raise
            declared += functions(text, where, "", line, header=True)  # alone, its unknown types opaque
        context = f"{context}\n{text}" if context else text
    seen = {f.name for f in declared}
    declared += [f for f, _node in typed if f.name not in seen]
    if not declared:
        raise ConfigError(path, "no `ffi.cdef(\"...\")` declarations or ctypes prototypes (`restype`, `argtypes`) "
                                "found; `infer` reads those, or a C header")
    return _pack(path, declared, module)


def header_functions(paths: list[str], texts: list[str]) -> list[tuple[cdecls.Function, str]]:
    """(function, its header) for headers read together in order (a later header may use
    an earlier one's types and macros, as the cdef a binding builds from them does): one
    text for pycparser, its lines mapped back to each file. A ConfigError names the file
    and line of a fault."""
    starts, joined, line = [], [], 1
    for path, text in zip(paths, texts):
        starts.append((line, path))
        joined.append(text)
        line += text.count("\n") + 1
    def where(at: int) -> tuple[str, int]:
        first, path = max((s for s in starts if s[0] <= at), default=starts[0])
        return path, at - first + 1
    try:
        found = cdecls.functions("\n".join(joined), header=True)
    except cdecls.DeclarationError as exc:
        path, at = where(exc.line) if exc.line is not None else (paths[0], None)
        raise ConfigError(path, f"cannot parse the C header: {exc}", at) from None
    out = []
    for function in found:
        path, at = where(function.line)
        out.append((dataclasses.replace(function, line=at), path))
    return out


def draft_headers(paths: list[str], texts: list[str]) -> str:
    """A TOML pack for the functions C headers declare, read together in order."""
    declared = [f for f, _path in header_functions(paths, texts)]
    if not declared:
        raise ConfigError(paths[0], "no function declarations found in the header")
    return _pack(paths[0], declared, "")


def _pack(path: str, declared: list[cdecls.Function], module: str) -> str:
    stem = module.rsplit(".", 1)[-1] if module else path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_") or "library"
    paired = cdecls.pairs(declared)
    # Active entries only where lint-time inference would guess too (a creator and a
    # destroyer that name each other, no reference counting): a draft used as it is
    # reports nothing a guess at lint time would not; every other guess is a question.
    guesses = cdecls.inferred(declared)
    families: dict[str, str] = {}
    tables: list[str] = []
    questions: list[str] = []
    for f in declared:
        guess = guesses.get(f.name)
        pairing = paired.get(f.name)
        if guess is not None and guess.takes:
            tables.append(f'[functions.{f.name}]\ntakes = {list(guess.takes)}  # inferred: the name takes the value over\n')
        elif guess is not None and guess.releases is None:
            families.setdefault(guess.family, f"{f.returns} objects (inferred from the names)")
            tables.append(f'[functions.{f.name}]\nreturns = "owned"  # inferred: the name creates a {f.returns}, '
                          f'released by {pairing.counterpart}\nfamily = "{guess.family}"\nmay_fail = "null"\n')
        elif guess is not None:
            typed = f.params[guess.releases]
            families.setdefault(guess.family, f"{typed} objects (inferred from the names)")
            tables.append(f'[functions.{f.name}]\nreleases = {guess.releases}  # inferred: the name destroys a {typed}\n'
                          f'family = "{guess.family}"\n')
        elif cdecls.counts_references(f):
            tables.append(f'[functions.{f.name}]\nrefs = 0  # inferred: the name adds a reference\n'
                          + ('returns = "alias"\nalias_of = 0\n' if f.returns else ""))
        else:
            if cdecls.creates(f) or cdecls.destroyed(f) is not None:
                why = "its type counts references" if pairing is not None else "no counterpart is declared"
                what = "creates" if cdecls.creates(f) else "destroys"
                questions.append(f"# {f.name}: the name {what}, but {why}: owned, released, borrowed? Not guessed.")
            elif f.returns:
                questions.append(f"# {f.name} returns a {f.returns} *: owned (and released by what?), borrowed "
                                 f'(`returns = "borrowed"`, `owner = i`) or static? Not guessed.')
            tables.append(f"[functions.{f.name}]\n")
    lines = [
        f"# Draft rule pack inferred by `ownlint infer {path}`: review before use.",
        "# Ownership is guessed from function names only; see `ownlint explain` and README",
        "# (Writing a rule pack) for every key.",
        "",
        "[pack]",
        f'name = "{name}"',
        "",
        "[library]",
        'kind = "ffi-library"',
        *([f"modules = ['{re.escape(module)}']  # the module `ffi.set_source` names"] if module else []),
        "",
        "[families]",
        *(f'{family} = "{text}"' for family, text in sorted(families.items())),
        "",
        *questions,
        *([""] if questions else []),
    ]
    return "\n".join(lines) + "\n" + "\n".join(tables)


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return decode(handle.read())
    except OSError as exc:
        raise ConfigError(path, f"cannot read it: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, LookupError) as exc:
        raise ConfigError(path, f"cannot parse it: {exc}") from None


def is_header(path: str) -> bool:
    return path.endswith((".h", ".hpp", ".hh"))


def infer_files(paths: list[str]) -> str:
    """The draft for one Python binding, or for C headers read together in order."""
    if all(is_header(p) for p in paths):
        return draft_headers(paths, [_read(p) for p in paths])
    if len(paths) != 1:
        raise ConfigError(paths[0], "give one Python binding, or C headers (.h) only")
    try:
        return draft(paths[0], _read(paths[0]))
    except cst.ParserSyntaxError as exc:
        raise ConfigError(paths[0], f"cannot parse it: {exc}") from None


def infer_file(path: str) -> str:
    return infer_files([path])
