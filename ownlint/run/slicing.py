"""Cut a file down to the code that can involve FFI before libcst parses it.

libcst's parse is most of ownlint's cost, and in most files the prefilter lets through
only a few functions touch ctypes or cffi (a test module with one ctypes test among
hundreds). CPython's own parser is several times faster, so the file is first parsed
with `ast`, and every top-level function, and every method, that cannot matter to the
analysis is blanked out (its lines emptied, so that every line and column of the rest
stays where it was) before libcst sees the text.

What is kept is a superset of what `analysis.module._touching_ffi` would choose on the whole
file, and of everything the facts of those scopes are built from:

- every top-level statement that is not a function or class (imports, loaders, module
  values: cheap, and they bind the names the rest is judged by);
- every function or method that mentions a word: a loader or pack name, or a name bound
  to FFI anywhere in the kept code, fixpoint over the file;
- the methods of a class that share `self` attributes with its kept methods (the rule
  of `_touching_ffi`, on the same facts taken from `ast`);
- the header and class-level statements of every class the kept code names, so that
  `restype = MyString` and `x = Cls()` still see a class of the module.

When in doubt, a unit is kept: keeping too much costs time, never a finding.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional, Union

from ..contracts.packs import Contracts
from ..contracts.words import names as pack_names
from ..types import GLOBAL_KEYS, Returns

_IDENT = re.compile(r"[A-Za-z_]\w*")
_SELF_ATTRIBUTE = re.compile(r"\bself\s*\.\s*([A-Za-z_]\w*)")
_SELF_STORE = re.compile(r"\bself\s*\.\s*([A-Za-z_]\w*)\s*(?:(?:[-+*/%&|^@]|//|>>|<<|\*\*)?=(?!=)|[:,)\]])")
_SELF_DELETE = re.compile(r"\bdel\s+self\s*\.\s*([A-Za-z_]\w*)")
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Words that declare what a library function returns or how it fails, on any receiver.
DECLARATIONS = frozenset({"restype", "argtypes", "errcheck"})
MIN_SIZE = 4096  # smaller files: the second parse costs more than it could save

_Def = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass(frozen=True)
class Vocabulary:
    """The words that can make code matter, known before the file is read."""

    words: frozenset  # loader, pack-module and declaration names; imported wrappers
    binders: frozenset  # callables whose result, assigned, names an FFI object (CDLL, dlopen, CFUNCTYPE, ...)
    star_words: tuple  # (pack module, the names `from module import *` brings in)


@dataclass
class _Unit:
    """A top-level function, a method, or a class's own statements (without its methods)."""

    node: ast.AST
    start: int  # first line (decorators included), 1-based
    end: int
    idents: frozenset
    name: str
    cls: Optional["_Class"] = None
    kept: bool = False
    self_attrs: Optional[set] = None  # computed on demand (only for classes with kept methods)
    self_stores: Optional[set] = None


@dataclass
class _Class:
    node: ast.ClassDef
    start: int
    end: int
    own: _Unit
    methods: list = field(default_factory=list)

    def used(self) -> bool:
        return self.own.kept or any(m.kept for m in self.methods)


def vocabulary(contracts: Contracts, external: Iterable[str] = ()) -> Vocabulary:
    """The words for a run's packs, and the qualified names of other modules' exports
    (`pkg.native.make`: `make`, and `native` for `native.make(...)`)."""
    base = _base_words(contracts)  # built once per run; a pack may list 100,000 functions
    more = {word for qual in external if not qual.startswith(GLOBAL_KEYS)  # declarations: the call sites
            for word in qual.rsplit(".", 2)[-2:]}  # mention the library
    words = base | more if more - base else base
    return Vocabulary(words, _binders(contracts), _star_words(contracts))


@lru_cache(maxsize=8)
def _base_words(contracts: Contracts) -> frozenset:
    loaders = contracts.loaders
    words = set(pack_names(contracts)) | DECLARATIONS
    words |= {qual.split(".")[0] for qual in contracts.module_functions}  # ctypes, weakref, ...
    words |= {"cffi"} | loaders.imported_library_names | loaders.imported_ffi_names
    return frozenset(words)


@lru_cache(maxsize=8)
def _binders(contracts: Contracts) -> frozenset:
    loaders = contracts.loaders
    calls = loaders.library_calls | loaders.ffi_calls | loaders.callback_prototypes | loaders.ffi_library_methods
    finalizers = {qual for qual, c in contracts.module_functions.items() if c.returns is Returns.FINALIZER}
    return frozenset(qual.rsplit(".", 1)[-1] for qual in calls | finalizers | {"functools.partial"})


@lru_cache(maxsize=8)
def _star_words(contracts: Contracts) -> tuple:
    modules: dict[str, set] = {}
    for qual in contracts.module_functions:
        module, name = qual.rsplit(".", 1)
        modules.setdefault(module, set()).add(name)
    return tuple(sorted((module, frozenset(names)) for module, names in modules.items()))


# A file that names FFI words this many times per function is a binding module, where
# nearly every function is kept: CPython's parse would cost more than libcst would save.
# Substring counts (a word inside a longer name counts too) cost little and err towards
# not slicing. Measured on the standard library and the FFI corpus of benchmarks/run.py:
# the files under 1.5 hold 93% of what slicing saves, for 61% of the bytes `ast` parses.
DENSE = 1.5
_COUNTED_WORDS = 256


def _dense(text: str, vocabulary: Vocabulary) -> bool:
    words = vocabulary.words
    if len(words) <= _COUNTED_WORDS:
        mentions = sum(text.count(word) for word in words)
    else:  # a large pack: count the identifiers that are words (a count per word costs time per word)
        mentions = sum(1 for ident in _IDENT.findall(text) if ident in words)
    return mentions >= DENSE * max(1, text.count("def "))


def reduce(text: str, vocabulary: Vocabulary) -> str:
    """`text` with the functions and methods that cannot involve FFI emptied, or `text`
    itself when CPython cannot parse it (libcst reports the error) or nothing is cut."""
    if len(text) < MIN_SIZE or _dense(text, vocabulary):
        return text
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for the linted code's escapes
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return text
    lines = _LINES.findall(text)
    return _Slicer(tree, lines, vocabulary).run() or text


class _Slicer:
    def __init__(self, tree: ast.Module, lines: list[str], vocabulary: Vocabulary) -> None:
        self.lines = lines
        self.bindings: dict[int, list] = {}  # id(node) -> its statements that can bind an FFI name
        self.bound: dict[int, set] = {}  # id(top-level statement) -> every name it binds
        self.idents: dict[int, frozenset] = {}  # id(import statement) -> its identifiers
        self.words = set(vocabulary.words)
        self.binders = set(vocabulary.binders)
        self.top: list[tuple[ast.stmt, frozenset]] = []  # kept whole, always; with their identifiers
        self.units: list[_Unit] = []
        self.classes: list[_Class] = []
        for statement in tree.body:
            if _is_def(statement):
                self.units.append(self._unit(statement, statement.name))
            elif isinstance(statement, ast.ClassDef):
                self._class(statement)
            else:
                self.top.append((statement, self._idents(*self._span(statement))))
                if isinstance(statement, ast.ImportFrom) and any(a.name == "*" for a in statement.names):
                    module = "." * statement.level + (statement.module or "")
                    for star, names in vocabulary.star_words:
                        if star == module:
                            self.words |= names

    # --- the file's parts -------------------------------------------------------------

    def _span(self, node: ast.AST) -> tuple[int, int]:
        decorators = getattr(node, "decorator_list", ())
        return min([node.lineno] + [d.lineno for d in decorators]), node.end_lineno

    def _idents(self, start: int, end: int) -> frozenset:
        return frozenset(_IDENT.findall("".join(self.lines[start - 1:end])))

    def _unit(self, node: _Def, name: str, cls: Optional[_Class] = None) -> _Unit:
        start, end = self._span(node)
        return _Unit(node, start, end, self._idents(start, end), name, cls)

    def _class(self, node: ast.ClassDef) -> None:
        start, end = self._span(node)
        methods = [s for s in node.body if _is_def(s)]
        own_lines = set(range(start, node.end_lineno + 1))
        for method in methods:
            m_start, m_end = self._span(method)
            own_lines -= set(range(m_start, m_end + 1))
        # Without its own name: that it is named (a word once a method is kept) says
        # nothing about its class-level code.
        idents = frozenset(_IDENT.findall("".join(self.lines[n - 1] for n in sorted(own_lines)))) - {node.name}
        cls = _Class(node, start, end, _Unit(node, start, end, idents, node.name))
        cls.own.cls = cls
        cls.methods = [self._unit(m, m.name, cls) for m in methods]
        self.classes.append(cls)
        self.units.append(cls.own)
        self.units.extend(cls.methods)

    # --- what is kept -----------------------------------------------------------------

    def run(self) -> Optional[str]:
        # A fixpoint: every name learned can make more code matter, and that code can bind
        # more names. Each round re-reads the kept code with everything learned so far.
        while True:
            before = (len(self.words), len(self.binders), sum(u.kept for u in self.units))
            for statement, idents in self.top:
                if idents & self.words:
                    self._learn_all(statement)
            for unit in self.units:
                if not unit.kept and unit.idents & self.words:
                    self._keep(unit)
            for cls in self.classes:
                self._share_attributes(cls)
            # The facts know FFI names bound anywhere (`P = CFUNCTYPE(...)` in a test
            # makes every function naming `P` analysed), so every unit that could bind one
            # is read, kept or not.
            for unit in self.units:
                if unit.kept or unit.idents & self.binders:
                    self._learn_from(unit)
            if (len(self.words), len(self.binders), sum(u.kept for u in self.units)) == before:
                break
        return self._blank()

    def _mentions(self, node: ast.AST) -> bool:
        idents = self.idents.get(id(node))
        if idents is None:
            idents = self.idents[id(node)] = self._idents(*self._span(node))
        return bool(idents & self.words)

    def _keep(self, unit: _Unit) -> None:
        unit.kept = True
        if unit.cls is None:
            self.words.add(unit.name)  # a function of the module: its callers may use its summary
            if unit.idents & self.binders:  # it may return a library it loads: `lib = load()`
                self.binders.add(unit.name)
        else:
            self.words.add(unit.cls.node.name)  # a class with summaries: code that uses it

    def _learn_from(self, unit: _Unit) -> None:
        if unit.cls is not None and unit is unit.cls.own:
            for statement in unit.node.body:
                if not _is_def(statement):
                    self._learn_bindings(statement)
        else:
            self._learn_bindings(unit.node)

    def _learn(self, names: Iterable[str]) -> None:
        self.words.update(names)

    def _learn_all(self, statement: ast.AST) -> None:
        """Module level: every name a statement that mentions a word binds (a
        module value loaded in any function escapes there; a library, an ffi object).
        Functions and classes defined inside it count as functions: only their FFI names."""
        names = self.bound.get(id(statement))
        if names is None:
            start, end = self._span(statement)
            names = self.bound[id(statement)] = _bound_names(statement, "".join(self.lines[start - 1:end]))
        self._learn(names)
        self._learn_bindings(statement)

    def _learn_bindings(self, node: ast.AST) -> None:
        """In a function: the names it binds to FFI objects (libraries, ffi objects,
        aliases of library functions, prototypes, finalizers, imports of pack modules),
        which the facts know by name in the whole module, and its `global` names."""
        found = self.bindings.get(id(node))
        if found is None:  # one walk over the statements per node; the answers change per round
            found = self.bindings[id(node)] = [s for s in _statements(node) if isinstance(s, _BINDING)]
        for statement in found:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                self._assignment(statement)
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                self._import(statement)
            else:
                self._learn(statement.names)

    def _import(self, node: Union[ast.Import, ast.ImportFrom]) -> None:
        """`from ctypes import cast`, `import ctypes as C`, `from ._ffi import lib`: names of
        pack modules' functions and of FFI objects (a plain import binds no tracked value)."""
        if self._mentions(node):
            self._learn(a.asname or a.name.split(".")[0] for a in node.names)

    def _assignment(self, node: Union[ast.Assign, ast.AnnAssign]) -> None:
        """`lib`, `lib.f`, `self._lib` (aliases), `CDLL(...)`, `ffi.dlopen(...)`,
        `PROTO(...)`, `CFUNCTYPE(...)(...)`: values whose name the facts remember. The
        name of a library, prototype or ffi object is itself a binder: `PROTO(("f", lib))`."""
        value = node.value
        if value is None:
            return
        targets = _target_names(node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(value, (ast.Name, ast.Attribute)):
            if _chain(value) & self.words:
                self._learn(targets)
        elif isinstance(value, ast.Call):
            func = value.func
            last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if isinstance(func, ast.Call) or last in self.binders:
                self._learn(targets)
                self.binders |= targets

    def _share_attributes(self, cls: _Class) -> None:
        """`_touching_ffi`'s rule for the methods of a class with analysed methods. The
        class-level code of a class in use counts as analysed: methods defined in it
        (`if sys.platform == ...: def m(self)`) are never cut, and may be analysed."""
        kept = [m for m in cls.methods if m.kept]
        if not kept and not cls.own.kept:
            return
        stored, touched, names = set(), set(), {m.name for m in kept}
        for method in kept + [cls.own]:
            self._attributes(method)
            stored |= method.self_stores
            touched |= method.self_attrs
        names |= {n.name for s in cls.own.node.body if not _is_def(s) for n in ast.walk(s) if _is_def(n)}
        for method in cls.methods:
            if method.kept:
                continue
            self._attributes(method)
            if (method.self_attrs & (stored | names) or method.self_stores & touched
                    or method.name in touched):
                self._keep(method)

    def _attributes(self, unit: _Unit) -> None:
        """`self.X` it mentions, and those it may store (a superset: `self.X` before `=`,
        an augmented `+=`, `:`, or `,` `)` `]` as in a tuple target, `del self.X`)."""
        if unit.self_attrs is not None:
            return
        if unit.cls is not None and unit is unit.cls.own:
            spans = [self._span(s) for s in unit.node.body if not _is_def(s)]
        else:
            spans = [(unit.start, unit.end)]
        text = "".join("".join(self.lines[start - 1:end]) for start, end in spans)
        unit.self_attrs = set(_SELF_ATTRIBUTE.findall(text))
        unit.self_stores = set(_SELF_STORE.findall(text)) | set(_SELF_DELETE.findall(text))

    # --- the text libcst parses -------------------------------------------------------

    def _blank(self) -> Optional[str]:
        named = set()
        for unit in self.units:
            if unit.kept:
                named |= unit.idents
        for _statement, idents in self.top:
            named |= idents
        cut: list[tuple[int, int, Optional[int]]] = []  # (first, last line, line for `pass` or None)
        for unit in self.units:
            if unit.cls is None and not unit.kept:
                cut.append((unit.start, unit.end, None))
        for cls in self.classes:
            if not cls.used() and cls.node.name not in named:
                cut.append((cls.start, cls.end, None))
                continue
            dropped = [m for m in cls.methods if not m.kept]
            empty = len(dropped) == len(cls.node.body)  # only methods, none kept: needs a `pass`
            for position, method in enumerate(dropped):
                cut.append((method.start, method.end, method.start if empty and position == 0 else None))
        if not cut:
            return None
        lines = list(self.lines)
        for first, last, filler in cut:
            for number in range(first, last + 1):
                lines[number - 1] = _emptied(lines[number - 1], number == filler)
        return "".join(lines)


_BINDING = (ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(node: ast.AST):
    """`node` and every statement in its bodies, nested functions and classes included
    (expressions are not entered: the facts record bindings by statements only)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for name in _BODIES:
            children = getattr(current, name, None)
            if isinstance(children, list):
                stack.extend(children)


def _bound_names(statement: ast.AST, text: str) -> set:
    """Every name a module-level statement binds, and the names of the functions and
    classes it defines (not what those bind inside). `text`: the statement's source."""
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and ":=" not in text:
        return _target_names(statement.targets if isinstance(statement, ast.Assign) else [statement.target])
    if isinstance(statement, ast.Expr) and ":=" not in text:
        return set()
    names = set()
    stack = [statement]
    while stack:
        node = stack.pop()
        if node is not statement and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _is_def(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))


def _emptied(line: str, filler: bool) -> str:
    ending = line[len(line.rstrip("\r\n")):]
    if filler:
        indent = line[: len(line) - len(line.lstrip(" \t\f"))]
        return f"{indent}pass{ending}"
    return ending


def _chain(node: ast.AST) -> set:
    names = set()
    while isinstance(node, ast.Attribute):
        names.add(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.add(node.id)
    return names


def _target_names(targets: Iterable[ast.AST]) -> set:
    """`x` and `self.x` (as `x`), also inside tuple targets; not `a[i]` or `self` itself."""
    names = set()
    stack = list(targets)
    while stack:
        target = stack.pop()
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, (ast.Tuple, ast.List)):
            stack.extend(target.elts)
        elif isinstance(target, ast.Starred):
            stack.append(target.value)
    return names
