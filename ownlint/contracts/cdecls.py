"""C declarations (cffi `cdef` strings) -> functions, and the contracts their names suggest.

pycparser reads the declarations (what cffi itself uses). Ownership cannot be read from
C types, so only what names and types together strongly suggest is inferred: a function
returning `T *` whose name says it creates (`*_create`, `*_new`, `*_open`, `*_dup`, ...)
returns an owned `T` that may be NULL; a function whose name says it destroys
(`*_destroy`, `*_free`, `*_close`, ...) and takes a `T *` releases it. Both go into a
family named after `T`, so that releasing one type with another's deallocator is OWN104.

`ownlint infer` prints all of it as a draft pack to review. At lint time (`inferred`)
only families with both a creator and a destroyer are used, and never a reference-counted
type (one with a `*_ref` function: two unrefs are not a double free), so that a guess
never reports what a reviewed pack would not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from pycparser import c_ast, c_parser

# Typedefs cffi knows without a declaration; pycparser needs them spelled out.
_PRELUDE_NAMES = (
    "bool", "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "wchar_t", "off_t",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "FILE", "va_list", "time_t",
)
_PRELUDE = "".join(f"typedef int {name};\n" for name in _PRELUDE_NAMES)
CREATES = re.compile(r"(?:^|_)(create|new|open|alloc|init_new|dup|copy|clone|make)(?:_|$)"
                     r"|^(create|new|open|alloc)[A-Z]|New[A-Z]|Create|Alloc", re.I)
DESTROYS = re.compile(r"(?:^|_)(destroy|free|close|unref|release|delete|dispose|finalize)(?:_|$)"
                      r"|Destroy|Free|Release|Delete|Unref", re.I)
# A function named like this that takes a creatable type's pointer after its first
# argument takes that value over (`pango_attr_list_insert(list, attr)`): the guess says
# so, rather than let a handed-over value look leaked.
TRANSFERS = re.compile(r"(?:^|_)(insert|change|add|append|prepend|push|take|adopt|steal|attach)(?:_|$)", re.I)
_COUNTS_REFERENCES = re.compile(r"(?:^|_)(ref|reference|retain|incref|addref|acquire)(?:_|$)|Ref$|Reference|Retain|AddRef")


class DeclarationError(ValueError):
    """The declarations cannot be parsed."""


@dataclass(frozen=True)
class Function:
    name: str
    returns: str  # the pointed-to type of a pointer result, "" otherwise
    params: tuple[str, ...]  # the pointed-to type of each pointer parameter, "" otherwise
    line: int = 1  # 1-based line of the declaration in the declarations text


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


def _blank(match: "re.Match[str]") -> str:
    return "\n" * match.group(0).count("\n")  # keep line numbers


def c_syntax(declarations: str) -> str:
    """cffi's cdef language as plain C for pycparser, every declaration on its own line:
    no comments or directives, and cffi's `...` (unknown sizes, opaque types, partial
    structs and enums) replaced by something pycparser reads."""
    text = re.sub(r"/\*.*?\*/|//[^\n]*", _blank, declarations, flags=re.S)
    text = re.sub(r"^[ \t]*#.*$", "", text, flags=re.M)  # #define X ..., #include
    text = re.sub(r"typedef\s+(?:int|float|double|long|unsigned|signed|char|short)?\s*\.\.\.\s+(\w+)\s*;",
                  r"typedef int \1;", text)  # typedef ... T; typedef int... T;
    text = re.sub(r",\s*\.\.\.\s*}", "}", text)  # enum { A, B, ... }
    text = re.sub(r"\.\.\.\s*;", "", text)  # struct { int x; ...; }
    return re.sub(r"\[\s*\.\.\.\s*\]", "[]", text)  # int a[...]


def functions(declarations: str, context: str = "") -> list[Function]:
    """The functions declared in a cdef string; DeclarationError if pycparser cannot read it.

    `context`: the declarations of earlier cdef calls, which cffi accumulates (a later
    cdef may use their types); its functions are not returned."""
    skip = context.count("\n") + 1 if context else 0
    text = c_syntax(f"{context}\n{declarations}" if context else declarations)
    try:
        tree = c_parser.CParser().parse(_PRELUDE + text)
    except Exception as exc:  # pycparser raises ParseError and a few plain errors
        raise DeclarationError(str(exc)) from None
    out = []
    for decl in tree.ext:
        if isinstance(decl, c_ast.Decl) and isinstance(decl.type, c_ast.FuncDecl):
            func = decl.type
            params = tuple(_pointee(getattr(p, "type", None)) for p in (func.args.params if func.args else []))
            line = (decl.coord.line if decl.coord else 1) - len(_PRELUDE_NAMES) - skip
            if line >= 1:
                out.append(Function(decl.name, _pointee(func.type), params, line))
    return out


def family(type_name: str) -> str:
    name = re.sub(r"^(struct |const )+", "", type_name).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_") or "memory"


def creates(f: Function) -> bool:
    return bool(f.returns) and f.returns != "void" and bool(CREATES.search(f.name))


def destroyed(f: Function) -> Optional[int]:
    """The argument a destroyer releases: its first typed pointer; None if not a destroyer."""
    if not DESTROYS.search(f.name):
        return None
    return next((i for i, p in enumerate(f.params) if p and p != "void"), None)


@dataclass(frozen=True)
class Guess:
    """What lint-time inference takes from one declaration."""

    function: Function
    family: str
    releases: Optional[int]  # None: a creator (or, with `takes`, a function taking values over)
    declared: str  # "Stack *"
    takes: tuple[int, ...] = ()


def inferred(declared: list[Function]) -> dict[str, Guess]:
    """Creators and destroyers of the families that have both, and no reference counting."""
    guesses: dict[str, Guess] = {}
    for f in declared:
        if creates(f):
            guesses[f.name] = Guess(f, family(f.returns), None, f"{f.returns} *")
        elif (index := destroyed(f)) is not None:
            guesses[f.name] = Guess(f, family(f.params[index]), index, f"{f.params[index]} *")
    made = {g.family for g in guesses.values() if g.releases is None}
    unmade = {g.family for g in guesses.values() if g.releases is not None}
    counted = {
        family(t) for f in declared if _COUNTS_REFERENCES.search(f.name) and not DESTROYS.search(f.name)
        for t in (f.returns, *f.params) if t and t != "void"
    }
    usable = (made & unmade) - counted
    out = {name: g for name, g in sorted(guesses.items()) if g.family in usable}
    for f in declared:
        if f.name not in guesses and TRANSFERS.search(f.name):
            takes = tuple(i for i, p in enumerate(f.params) if i > 0 and p and family(p) in usable)
            if takes:
                out[f.name] = Guess(f, family(f.params[takes[0]]), None, f"{f.params[takes[0]]} *", takes)
    return dict(sorted(out.items()))
