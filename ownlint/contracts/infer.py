"""`ownlint infer FILE`: a draft rule pack from the C declarations in a binding.

The cffi `ffi.cdef("...")` strings of a file are read by cdecls.py (pycparser), which
also holds the naming rules: a function returning `T *` whose name says it creates
returns an owned `T`, which may fail with NULL; one whose name says it destroys and
takes a `T *` releases it; both in a family named after `T`. The draft proposes every
such guess, says so in comments, and lists every other function returning a pointer as
a question. (Lint-time inference, inference.py, uses a stricter subset of the guesses.)
Review the draft before using it.
"""

from __future__ import annotations

import re

import libcst as cst

from . import cdecls
from ..source import decode
from ..types import ConfigError


def cdefs(source: str) -> list[str]:
    """The string arguments of every `X.cdef(...)` call in a Python source."""
    found: list[str] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "cdef" and node.args:
                value = node.args[0].value
                if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                    text = value.evaluated_value
                    if isinstance(text, str):
                        found.append(text)

    cst.parse_module(source).visit(Visitor())
    return found


def functions(declarations: str, path: str = "cdef") -> list[cdecls.Function]:
    try:
        return cdecls.functions(declarations)
    except cdecls.DeclarationError as exc:
        raise ConfigError(path, f"cannot parse the C declarations of `ffi.cdef`: {exc}") from None


def draft(path: str, source: str) -> str:
    """A TOML pack for the functions declared in `source`'s cdef strings."""
    declared = [f for text in cdefs(source) for f in functions(text, path)]
    if not declared:
        raise ConfigError(path, "no `ffi.cdef(\"...\")` declarations found; `infer` reads cffi cdef strings")
    name = re.sub(r"[^a-z0-9]+", "_", path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()).strip("_") or "library"
    families: dict[str, str] = {}
    tables: list[str] = []
    questions: list[str] = []
    for f in declared:
        if cdecls.creates(f):
            family = cdecls.family(f.returns)
            families.setdefault(family, f"{f.returns} objects (inferred from the names)")
            tables.append(f'[functions.{f.name}]\nreturns = "owned"  # inferred: the name creates a {f.returns}\n'
                          f'family = "{family}"\nmay_fail = "null"\n')
        elif (index := cdecls.destroyed(f)) is not None:
            family = cdecls.family(f.params[index])
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
        return draft(path, source)
    except (UnicodeDecodeError, LookupError, cst.ParserSyntaxError) as exc:
        raise ConfigError(path, f"cannot parse it: {exc}") from None
