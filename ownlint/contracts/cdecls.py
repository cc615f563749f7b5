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
    """The declarations cannot be parsed: `line` is 1-based in the declarations given
    (None when the fault lies in earlier ones given as context); the message names no
    position of ownlint's own prelude."""

    def __init__(self, message: str, line: Optional[int] = None) -> None:
        super().__init__(message)
        self.line = line


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


def c_syntax(declarations: str, header: bool = False) -> str:
    """cffi's cdef language as plain C for pycparser, every declaration on its own line:
    no comments or directives, and cffi's `...` (unknown sizes, opaque types, partial
    structs and enums) replaced by something pycparser reads. A header (`header`) also
    loses what compilers read but pycparser does not: `extern "C" {`, `__attribute__`,
    `__declspec`, inline function bodies' keywords. Line numbers are kept."""
    text = re.sub(r"/\*.*?\*/|//[^\n]*", _blank, declarations, flags=re.S)
    text = re.sub(r"\\\n", " ", text) if not header else re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", _blank, text, flags=re.M)
    text = re.sub(r"^[ \t]*#.*$", "", text, flags=re.M)  # #define X ..., #include
    text = re.sub(r"typedef\s+(?:int|float|double|long|unsigned|signed|char|short)?\s*\.\.\.\s+(\w+)\s*;",
                  r"typedef int \1;", text)  # typedef ... T; typedef int... T;
    text = re.sub(r'extern\s+"Python(?:\+C)?"', "", text)  # callbacks cffi defines in Python
    text = re.sub(r"=\s*\.\.\.", "", text)  # enum { A = ..., }
    text = re.sub(r",\s*\.\.\.\s*}", "}", text)  # enum { A, B, ... }
    text = re.sub(r"\.\.\.\s*;", "", text)  # struct { int x; ...; }
    text = re.sub(r"\[\s*\.\.\.\s*\]", "[]", text)  # int a[...]
    if header:
        text = _unwrap_extern_c(text)
        text = _drop_parenthesised(text, ("__attribute__", "__declspec", "__asm__", "__asm", "_Alignas", "__nonnull"))
        text = re.sub(r"\b(?:__inline__|__inline|inline|__extension__|__restrict__|__restrict|restrict|_Noreturn"
                      r"|__cdecl|__stdcall|__fastcall|_Nonnull|_Nullable|__nonnull)\b", "", text)
    return text


def _unwrap_extern_c(text: str) -> str:
    """`extern "C" { ... }` -> `...`: the braces go (the matching closing one found by
    counting), and a lone `extern "C"` in front of a declaration too."""
    opening = re.compile(r'extern\s+"C"\s*\{')
    while (match := opening.search(text)) is not None:
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        closing = text[end - 1:end] if depth == 0 else ""
        text = text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():end - 1] \
            + (" " if closing else text[end - 1:end]) + text[end:]
    return re.sub(r'extern\s+"C"', "", text)


def _drop_parenthesised(text: str, words: tuple[str, ...]) -> str:
    """`__attribute__((...))` and its kin removed, nested parentheses and all."""
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\s*\(")
    while (match := pattern.search(text)) is not None:
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        text = text[:match.start()] + "\n" * text.count("\n", match.start(), end) + text[end:]
    return text


_POSITION = re.compile(r"^[^:]*:(\d+):(\d+):\s*(.*)$", re.S)
_C_WORDS = frozenset("""void char short int long float double signed unsigned const volatile struct union enum
    static extern typedef register auto _Bool bool""".split())
_REPAIRS = 400  # unknown types and macros a header may need guessed before it is given up


def _parse(prefix: str, text: str, header: bool):
    """pycparser's tree of `prefix` + `text`; in a header, each unknown word in front of a
    declaration is read as a macro (`DLL_EXPORT int f(void);`: dropped) or, where it
    stands for a type (`png_structp f(void);`), as an opaque type, and parsing is tried
    again. Raises DeclarationError(message, line in `prefix` + `text`)."""
    extra: list[str] = []
    lines = text.split("\n")
    base = prefix.count("\n")
    for _ in range(_REPAIRS if header else 1):
        typedefs = "".join(f"typedef int {name};\n" for name in extra)
        try:
            return c_parser.CParser().parse(_PRELUDE + typedefs + prefix + "\n".join(lines)), len(extra)
        except Exception as exc:  # pycparser raises ParseError and a few plain errors
            match = _POSITION.match(str(exc))
            if match is None:  # pycparser 3 names no position for a few errors (an unknown parameter type)
                repaired = _repair(lines, 0, 0, extra, anywhere=True) if header else None
                if repaired is None:
                    raise DeclarationError(str(exc).lstrip(": ") or type(exc).__name__) from None
                lines, extra = repaired
                continue
            line = int(match.group(1)) - len(_PRELUDE_NAMES) - len(extra) - base
            message = match.group(3)
            if not header or not 1 <= line <= len(lines):
                raise DeclarationError(message, line if line >= 1 else None) from None
            repaired = _repair(lines, line - 1, int(match.group(2)), extra)
            if repaired is None:
                raise DeclarationError(message, line) from None
            lines, extra = repaired
    raise DeclarationError("too many unknown types and macros", None)


def _repair(lines: list[str], index: int, column: int, extra: list[str], anywhere: bool = False):
    """(lines, typedefs) with the word that stops the parse at `lines[index]` (or further
    in the same declaration, up to its `;`; `anywhere`: further on) dealt with; None if no
    word can be blamed."""
    text = "\n".join(lines)
    declared = set(re.findall(r"\b(\w+)\s*;", text)) & set(re.findall(r"typedef\b[^;]*?\b(\w+)\s*;", text))
    tagged = set(re.findall(r"\b(?:struct|union|enum)\s+(\w+)", text))
    known = set(_PRELUDE_NAMES) | set(extra) | _C_WORDS | declared | tagged
    last = index
    while last < len(lines) - 1 and (anywhere or (";" not in lines[last] and "{" not in lines[last])):
        last += 1
    for at in range(index, last + 1):
        words = list(re.finditer(r"[A-Za-z_]\w*", lines[at]))
        # the word the error names, else the first word of the line that C does not know
        candidates = ([w for w in words if w.start() >= column - 1] + words) if at == index else words
        for word in candidates:
            name = word.group(0)
            if name in known:
                continue
            rest = lines[at][word.end():].lstrip()
            following = re.match(r"[A-Za-z_]\w*", rest)
            after = rest[following.end():].lstrip() if following else ""
            # `DLL_EXPORT int f(void);`, `GLFWAPI GLFWwindow *f(void);`: a macro in front of
            # the declaration; but `HANDLE f(void);` is a type named in capitals.
            macro = following is not None and name.isupper() and (
                following.group(0) in known or not after.startswith("("))
            if macro:
                return lines[:at] + [lines[at][:word.start()] + " " * len(name) + lines[at][word.end():]] \
                    + lines[at + 1:], extra
            if following or rest.startswith("*"):
                return lines, extra + [name]  # a type declared elsewhere
    return None


def functions(declarations: str, context: str = "", header: bool = False) -> list[Function]:
    """The functions declared in a cdef string (or a header's text, `header`); a
    DeclarationError if pycparser cannot read it, whose line is in `declarations`.

    `context`: the declarations of earlier cdef calls, which cffi accumulates (a later
    cdef may use their types); its functions are not returned."""
    prefix = c_syntax(context) + "\n" if context else ""  # (read as cdefs: they parsed before)
    skip = prefix.count("\n")
    tree, extra = _parse(prefix, c_syntax(declarations, header), header)
    out = []
    for decl in tree.ext:
        if isinstance(decl, c_ast.Decl) and isinstance(decl.type, c_ast.FuncDecl):
            func = decl.type
            params = tuple(_pointee(getattr(p, "type", None)) for p in (func.args.params if func.args else []))
            line = (decl.coord.line if decl.coord else 1) - len(_PRELUDE_NAMES) - extra - skip
            if line >= 1:
                out.append(Function(decl.name, _pointee(func.type), params, line))
    return out


def family(type_name: str) -> str:
    name = re.sub(r"^(struct |const )+", "", type_name).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_") or "memory"


def creates(f: Function) -> bool:
    return bool(f.returns) and f.returns != "void" and (bool(CREATES.search(f.name)) or _named(f.name, _CREATOR_VERBS))


def destroyed(f: Function, untyped: bool = False) -> Optional[int]:
    """The argument a destroyer releases: its first typed pointer (or, `untyped`, its
    first `void *` when it has no typed one); None if not a destroyer."""
    if not DESTROYS.search(f.name) and not _named(f.name, _DESTROYER_VERBS):
        return None
    typed = next((i for i, p in enumerate(f.params) if p and p != "void"), None)
    return typed if typed is not None or not untyped else next((i for i, p in enumerate(f.params) if p), None)


@dataclass(frozen=True)
class Guess:
    """What lint-time inference takes from one declaration."""

    function: Function
    family: str
    releases: Optional[int]  # None: a creator (or, with `takes`, a function taking values over)
    declared: str  # "Stack *"
    takes: tuple[int, ...] = ()


# What a creator's verb is undone by, best first: a function is paired with the
# counterpart of its own verb that the library declares (`cpSpaceNew`/`cpSpaceFree` and
# `cpSpaceInit`/`cpSpaceDestroy` are two pairs, not one family).
COUNTERPARTS = {
    "create": ("destroy", "free", "release", "delete", "dispose"),
    "new": ("free", "delete", "destroy", "release", "dispose"),
    "open": ("close",),
    "alloc": ("free", "dealloc", "release"),
    "make": ("free", "destroy", "release"),
    "dup": ("free", "destroy", "release", "delete"),
    "copy": ("free", "destroy", "release", "delete"),
    "clone": ("free", "destroy", "release", "delete"),
}
_DESTROYER_VERBS = frozenset(v for verbs in COUNTERPARTS.values() for v in verbs)
# Words after a creator's verb that name a variant, not another type (`foo_new_from_file`).
_CREATOR_VERBS = tuple(COUNTERPARTS)


def _named(name: str, verbs) -> bool:
    return any(word in verbs for word in _words(name))


def _words(name: str) -> list[str]:
    """`cpSpaceNew` -> [cp, space, new]; `git_repository_open_ext` -> [git, repository, open, ext]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name))
    return [w.lower() for w in spaced.split("_") if w]


def _verb(name: str, verbs) -> Optional[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(verb, words before it, words after it) for the last of `verbs` in the name."""
    words = _words(name)
    for index in range(len(words) - 1, -1, -1):
        if words[index] in verbs:
            return words[index], tuple(words[:index]), tuple(words[index + 1:])
    return None


def _stems(before: tuple[str, ...], after: tuple[str, ...], variants: bool) -> list[tuple[str, ...]]:
    """What a verb applies to: the words around it (`SDL_CreateWindow`: sdl window), and
    for a creator the same without trailing variant words (`foo_new_from_file`: foo)."""
    stems = [before + after]
    if variants:
        stems += [before + after[:k] for k in range(len(after) - 1, -1, -1)]
    return [stem for stem in stems if stem]  # a bare verb (`free`) names no type: it pairs with nothing


def pairs(declared: list[Function]) -> dict[str, "Pairing"]:
    """function -> (family, its counterpart) for each creator and destroyer that names
    its counterpart among the declared functions: same words around the verb, the verb's
    counterpart (COUNTERPARTS), the same pointed-to type where both declare one. The
    family is named after the type (after the words, for `void *`), and after the verb
    too when one type has several pairs."""
    destroyers: dict[tuple, list[tuple[str, Function, int]]] = {}
    for f in declared:
        index = destroyed(f, untyped=True)
        found = _verb(f.name, _DESTROYER_VERBS)
        if index is not None and found is not None and found[1] + found[2]:
            verb, before, after = found
            destroyers.setdefault(before + after, []).append((verb, f, index))
    matched: list[tuple[Function, Function, int, str]] = []
    for f in declared:
        found = _verb(f.name, _CREATOR_VERBS) if f.returns else None
        if found is None:
            continue
        verb, before, after = found
        for stem in _stems(before, after, variants=True):
            candidates = [(v, d, i) for v, d, i in destroyers.get(stem, ())
                          if _same_type(f.returns, d.params[i])]
            best = min(candidates, key=lambda c: COUNTERPARTS[verb].index(c[0]) if c[0] in COUNTERPARTS[verb] else 99,
                       default=None)
            if best is not None and best[0] in COUNTERPARTS[verb]:
                matched.append((f, best[1], best[2], "_".join(stem)))
                break
    by_type: dict[str, set[str]] = {}
    for creator, destroyer, index, stem in matched:
        by_type.setdefault(_family_of(creator.returns, stem), set()).add(destroyer.name)
    out: dict[str, Pairing] = {}
    for creator, destroyer, index, stem in matched:
        base = _family_of(creator.returns, stem)
        name = base if len(by_type[base]) == 1 else \
            f"{base}_{'_'.join(w for w in _words(destroyer.name) if w in _DESTROYER_VERBS)}"
        out[creator.name] = Pairing(name, None, destroyer.name)
        out.setdefault(destroyer.name, Pairing(name, index, creator.name))
    return out


@dataclass(frozen=True)
class Pairing:
    family: str
    releases: Optional[int]  # None: the creator
    counterpart: str


def _same_type(made: str, released: str) -> bool:
    if made in ("", "void") or released in ("", "void"):
        return made in ("", "void") and released in ("", "void")  # two untyped pointers: the names decide
    return family(made) == family(released)


def _family_of(made: str, stem: str) -> str:
    return family(made) if made not in ("", "void") else family(stem)


def counts_references(f: Function) -> bool:
    """`foo_ref(foo *)`: one more reference to its argument (`*_unref` releases one)."""
    return bool(_COUNTS_REFERENCES.search(f.name)) and not DESTROYS.search(f.name) and any(f.params)


def counted(declared: list[Function]) -> set[str]:
    """The families whose types some function counts references of (`*_ref`)."""
    return {
        family(t) for f in declared if _COUNTS_REFERENCES.search(f.name) and not DESTROYS.search(f.name)
        for t in (f.returns, *f.params) if t and t != "void"
    } | {family("_".join(found[1])) for f in declared if _COUNTS_REFERENCES.search(f.name)
         and not DESTROYS.search(f.name) and (found := _verb(f.name, {"ref", "reference", "retain", "incref", "addref"}))}


def inferred(declared: list[Function]) -> dict[str, Guess]:
    """Creators and destroyers that pair with a declared counterpart (pairs), of types
    without reference counting."""
    paired = pairs(declared)
    excluded = counted(declared)
    by_name = {f.name: f for f in declared}
    out: dict[str, Guess] = {}
    for name, pairing in paired.items():
        f = by_name[name]
        index = pairing.releases
        typed = (f.returns if index is None else f.params[index]) or "void"
        if family(typed) in excluded or pairing.family in excluded:
            continue
        out[name] = Guess(f, pairing.family, index, f"{typed} *")
    types = {family(g.declared[:-2]): g.family for g in out.values() if g.declared != "void *"}
    for f in declared:
        if f.name not in out and f.name not in paired and TRANSFERS.search(f.name):
            takes = tuple(i for i, p in enumerate(f.params) if i > 0 and p and family(p) in types)
            if takes:
                out[f.name] = Guess(f, types[family(f.params[takes[0]])], None, f"{f.params[takes[0]]} *", takes)
    return dict(sorted(out.items()))
