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

import re

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import cdecls, prototypes
from ..source import decode
from ..types import ConfigError


def cdefs(source: str) -> list[str]:
    """The string arguments of every `X.cdef(...)` call in a Python source."""
    return [text for text, _line in _binding(cst.parse_module(source))[0]]


def _binding(module: cst.Module):
    """([(cdef text, line of its string)], the `set_source` module name or "", ctypes prototypes)."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    found: list[tuple[str, int]] = []
    named: list[str] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if not (isinstance(node.func, cst.Attribute) and node.args):
                return
            value = node.args[0].value
            if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                text = value.evaluated_value
                if isinstance(text, str) and node.func.attr.value == "cdef":
                    found.append((text, positions[value].start.line))
                elif isinstance(text, str) and node.func.attr.value == "set_source":
                    named.append(text)

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
        what = "the C header" if header else "the C declarations of `ffi.cdef`"
        where = line + exc.line - 1 if exc.line is not None else None
        raise ConfigError(path, f"cannot parse {what}: {exc}", where) from None


def draft(path: str, source: str) -> str:
    """A TOML pack for the functions declared in `source`'s cdef strings and ctypes prototypes."""
    texts, module, typed = _binding(cst.parse_module(source))
    declared: list[cdecls.Function] = []
    context = ""
    for text, line in texts:
        declared += functions(text, path, context, line)
        context = f"{context}\n{text}" if context else text
    seen = {f.name for f in declared}
    declared += [f for f, _node in typed if f.name not in seen]
    if not declared:
        raise ConfigError(path, "no `ffi.cdef(\"...\")` declarations or ctypes prototypes (`restype`, `argtypes`) "
                                "found; `infer` reads those, or a C header")
    return _pack(path, declared, module)


def draft_header(path: str, text: str) -> str:
    """A TOML pack for the functions a C header declares."""
    declared = functions(text, path, header=True)
    if not declared:
        raise ConfigError(path, "no function declarations found in the header")
    return _pack(path, declared, "")


def _pack(path: str, declared: list[cdecls.Function], module: str) -> str:
    stem = module.rsplit(".", 1)[-1] if module else path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_") or "library"
    paired = cdecls.pairs(declared)
    families: dict[str, str] = {}
    tables: list[str] = []
    questions: list[str] = []
    for f in declared:
        pairing = paired.get(f.name)
        if cdecls.counts_references(f):
            tables.append(f'[functions.{f.name}]\nrefs = 0  # inferred: the name adds a reference\n'
                          + ('returns = "alias"\nalias_of = 0\n' if f.returns else ""))
        elif cdecls.creates(f) or (pairing is not None and pairing.releases is None):
            family = pairing.family if pairing is not None else cdecls.family(f.returns)
            families.setdefault(family, f"{f.returns} objects (inferred from the names)")
            tables.append(f'[functions.{f.name}]\nreturns = "owned"  # inferred: the name creates a {f.returns}'
                          + (f", released by {pairing.counterpart}" if pairing is not None else "")
                          + f'\nfamily = "{family}"\nmay_fail = "null"\n')
        elif (index := pairing.releases if pairing is not None else cdecls.destroyed(f)) is not None:
            family = pairing.family if pairing is not None else cdecls.family(f.params[index])
            families.setdefault(family, f"{f.params[index]} objects (inferred from the names)")
            tables.append(f'[functions.{f.name}]\nreleases = {index}  # inferred: the name destroys a {f.params[index]}\n'
                          f'family = "{family}"\n')
        elif f.returns:
            questions.append(f"# {f.name} returns a {f.returns} *: owned (and released by what?), borrowed "
                             f'(`returns = "borrowed"`, `owner = i`) or static? Not guessed.')
            tables.append(f"[functions.{f.name}]\n")
        else:
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


def infer_file(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ConfigError(path, f"cannot read it: {exc.strerror or exc}") from None
    try:
        source = decode(raw)
        if path.endswith((".h", ".hpp", ".hh")):
            return draft_header(path, source)
        return draft(path, source)
    except (UnicodeDecodeError, LookupError, cst.ParserSyntaxError) as exc:
        raise ConfigError(path, f"cannot parse it: {exc}") from None
