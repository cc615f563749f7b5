"""`ownlint infer FILE`: a draft rule pack from the C declarations in a binding.

The cffi `ffi.cdef("...")` strings of a file are parsed with pycparser. Ownership cannot
be read from C types, so the draft only proposes what names and types strongly suggest,
and says so in comments: a function returning `T *` whose name says it creates
(`*_create`, `*_new`, `*_open`, `*_dup`, ...) returns an owned `T`, which may fail with
NULL; a function whose name says it destroys (`*_destroy`, `*_free`, `*_close`,
`*_unref`, ...) and takes a `T *` releases it. Both go into a family named after `T`, so
that releasing one type with another's deallocator is OWN104. Every other function
returning a pointer is listed as a question. Review the draft before using it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst
from pycparser import c_ast, c_parser

from . import nodes
from .analysis import decode
from .types import ConfigError

# Typedefs cffi knows without a declaration; pycparser needs them spelled out.
_PRELUDE = "".join(f"typedef int {name};\n" for name in (
    "bool", "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "wchar_t", "off_t",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "FILE", "va_list", "time_t",
))
_CREATES = re.compile(r"(?:^|_)(create|new|open|alloc|init_new|dup|copy|clone|make)(?:_|$)|^(create|new|open|alloc)[A-Z]|New[A-Z]|Create|Alloc", re.I)
_DESTROYS = re.compile(r"(?:^|_)(destroy|free|close|unref|release|delete|dispose|finalize)(?:_|$)|Destroy|Free|Release|Delete|Unref", re.I)


@dataclass(frozen=True)
class Function:
    name: str
    returns: str  # the pointed-to type of a pointer result, "" otherwise
    params: tuple[str, ...]  # the pointed-to type of each pointer parameter, "" otherwise


def cdefs(source: str) -> list[str]:
    """The string arguments of every `X.cdef(...)` call in a Python source."""
    found: list[str] = []

    class Visitor:
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "cdef" and node.args:
                value = node.args[0].value
                if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                    text = value.evaluated_value
                    if isinstance(text, str):
                        found.append(text)

    nodes.walk(cst.parse_module(source), Visitor())
    return found


def _pointee(node) -> str:
    """`Stack` for `Stack *` / `const Stack *`; "" for anything that is not a pointer."""
    if not isinstance(node, c_ast.PtrDecl):
        return ""
    inner = node.type
    if isinstance(inner, c_ast.TypeDecl) and isinstance(inner.type, c_ast.IdentifierType):
        return " ".join(inner.type.names)
    if isinstance(inner, c_ast.TypeDecl) and isinstance(inner.type, c_ast.Struct):
        return inner.type.name or "struct"
    return "void"


def functions(declarations: str, path: str = "cdef") -> list[Function]:
    text = re.sub(r"\.\.\.\s*;", "", declarations)  # cffi's "..." in structs
    text = re.sub(r"\[\s*\.\.\.\s*\]", "[]", text)
    try:
        tree = c_parser.CParser().parse(_PRELUDE + text)
    except Exception as exc:  # pycparser raises ParseError and a few plain errors
        raise ConfigError(path, f"cannot parse the C declarations of `ffi.cdef`: {exc}") from None
    out = []
    for decl in tree.ext:
        if isinstance(decl, c_ast.Decl) and isinstance(decl.type, c_ast.FuncDecl):
            func = decl.type
            params = []
            for param in (func.args.params if func.args else []):
                params.append(_pointee(getattr(param, "type", None)))
            out.append(Function(decl.name, _pointee(func.type), tuple(params)))
    return out


def _family(type_name: str) -> str:
    name = re.sub(r"^(struct |const )+", "", type_name).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_") or "memory"


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
        if f.returns and f.returns != "void" and _CREATES.search(f.name):
            family = _family(f.returns)
            families.setdefault(family, f"{f.returns} objects (inferred from the names)")
            tables.append(f'[functions.{f.name}]\nreturns = "owned"  # inferred: the name creates a {f.returns}\n'
                          f'family = "{family}"\nmay_fail = "null"\n')
        elif _DESTROYS.search(f.name) and any(p and p != "void" for p in f.params):
            index = next(i for i, p in enumerate(f.params) if p and p != "void")
            family = _family(f.params[index])
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
