"""Collect a module's binding facts in one traversal: imports, FFI library and ffi objects, scopes.

ownlint computes these few facts itself instead of using libcst's ScopeProvider and
QualifiedNameProvider, which cost several times the parse on binding code (SPEC §6).
Names are resolved flow-insensitively per module: `lib` means the same thing in
every function, which is how bindings are written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst

from . import nodes
from ..types import ASSERTS, FFIATTR, FUNCATTR, GLOBAL_KEYS, LIBATTR, PROTOTYPE, LibraryObject, Loaders, StringRestype

__all__ = ["Facts", "LibraryObject", "Scope", "collect", "dotted"]


@dataclass
class Scope:
    """A body to analyse: the module, a function, or a class body."""

    name: str
    kind: str  # module | function | class
    node: Union[cst.Module, cst.FunctionDef, cst.ClassDef]
    params: tuple[str, ...] = ()
    escaping: set = field(default_factory=set)  # names whose bindings outlive the scope
    cls: str = ""  # the class a method belongs to
    instances: dict = field(default_factory=dict)  # local name -> class of this module it holds
    names: set = field(default_factory=set)  # identifiers in this scope's own code (not nested scopes')
    self_attrs: set = field(default_factory=set)  # X in `self.X` in this scope's own code
    self_stores: set = field(default_factory=set)  # X in `self.X = ...` (and augmented, annotated, tuple targets)
    nested: list = field(default_factory=list)  # the scopes defined directly inside this one
    bound: dict = field(default_factory=dict)  # local name -> `getattr(...)` it was bound to (binders)


@dataclass
class Facts:
    imports: dict = field(default_factory=dict)  # local name -> qualified name
    star_modules: list = field(default_factory=list)
    libraries: dict = field(default_factory=dict)  # name -> LibraryObject
    attr_libraries: dict = field(default_factory=dict)  # attribute name (self.X) -> LibraryObject
    ffi_names: set = field(default_factory=set)
    attr_ffi: set = field(default_factory=set)
    function_aliases: dict = field(default_factory=dict)  # name -> (LibraryObject, function name)
    scopes: list = field(default_factory=list)
    nested_loads: set = field(default_factory=set)  # names loaded inside functions and classes
    classes: set = field(default_factory=set)  # classes defined in this module
    bases: dict = field(default_factory=dict)  # class -> the dotted names of its bases (None: not a name)
    prototypes: set = field(default_factory=set)  # names bound to CFUNCTYPE(...) and the like
    order: dict = field(default_factory=dict)  # id(node) -> its index in a pre-order traversal
    finalizers: dict = field(default_factory=dict)  # `f` / `self._f` -> the expression its finalizer releases
    restypes: list = field(default_factory=list)  # (library, function name, value, target) of `lib.f.restype = T`
    custom_restypes: set = field(default_factory=set)  # functions given a restype class of the program's own
    declared_restypes: set = field(default_factory=set)  # functions given any restype, on any receiver
    computed_restypes: bool = False  # a restype set on a function whose name is computed: OWN501 cannot tell
    callback_argtypes: dict = field(default_factory=dict)  # function -> {position: callback type} of its argtypes
    named_calls: list = field(default_factory=list)  # (receiver name, function, call node) of `x.f(...)`
    other_restypes: list = field(default_factory=list)  # (function, value) of `X.f.restype = T`, X no library
    errchecks: dict = field(default_factory=dict)  # function -> the module function given as its errcheck ("" if other)
    library_calls: list = field(default_factory=list)  # (library, function, call node) of `lib.f(...)`
    partials: dict = field(default_factory=dict)  # name -> module function of `name = functools.partial(f)`
    library_loaders: dict = field(default_factory=dict)  # function -> the libraries it returns (a tuple)
    library_groups: dict = field(default_factory=dict)  # name -> the libraries `name = loader()` holds
    cdefs: list = field(default_factory=list)  # (declarations, string node) of `ffi.cdef("...")`
    inferred: dict = field(default_factory=dict)  # function -> Contract inferred from a cdef (inference.py)
    inferred_sources: dict = field(default_factory=dict)  # function -> what its inferred contract comes from
    captured: dict = field(default_factory=dict)  # id(def node) -> names it and its nested scopes mention
    scope_by_node: dict = field(default_factory=dict)
    loaders: Loaders = field(default_factory=Loaders)
    loader_aliases: set = field(default_factory=set)  # `dll_loader = ctypes.CDLL`: names that load libraries
    method_loaders: dict = field(default_factory=dict)  # method name -> the library it returns (`finder.load()`)
    binders: dict = field(default_factory=dict)  # function -> (library, parameter index, prefix) of `return getattr(lib, name)`
    qualified_libraries: dict = field(default_factory=dict)  # `pkg.core.rt` -> the library another module loads
    loads: list = field(default_factory=list)  # (LibraryObject, node) where this module loads a library
    attribute_calls: list = field(default_factory=list)  # (receiver, function, call node) of every `x.f(...)`
    name_calls: list = field(default_factory=list)  # `f` of every `f(...)`
    module: str = ""  # this module's dotted name
    module_values: dict = field(default_factory=dict)  # module-level name -> the expression bound to it
    # Class attribute -> the library functions class bodies here bind to it
    # (`c_get_exception = library.MagickGetException`) ...
    class_functions: dict = field(default_factory=dict)
    # ... and those other modules' class bodies bind: attribute -> {(function, its
    # StringRestype or None, the binding module's path)}.
    attr_functions: dict = field(default_factory=dict)
    own_attrs: set = field(default_factory=set)  # attribute names this module stores libraries or ffi objects in
    qualified_prototypes: set = field(default_factory=set)  # `pkg.ffi.SEEK_CALLBACK`: CFUNCTYPE types of other modules
    # Assertion helpers (`def _check(ok): if not ok: raise ...`): module-level names, those
    # defined here, and the qualified names other modules export
    asserting: set = field(default_factory=set)
    own_asserting: set = field(default_factory=set)
    qualified_asserts: set = field(default_factory=set)

    def asserted(self, call: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """The condition `_check(cond)` checks, if the callee is an assertion helper."""
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in self.asserting \
                and call.args and call.args[0].keyword is None and not call.args[0].star:
            return call.args[0].value
        return None

    def names_in(self, node: cst.CSTNode) -> set:
        """Every identifier a function, class or lambda mentions, nested scopes included."""
        if not self.captured:  # first call: index the scopes by their nodes
            self.captured = {id(scope.node): None for scope in self.scopes}
            self.scope_by_node = {id(scope.node): scope for scope in self.scopes}
        known = self.captured.get(id(node))
        if known is None:
            scope = self.scope_by_node.get(id(node))
            known = all_names(scope) if scope is not None else _names_under(node)
            self.captured[id(node)] = known
        return known

    # --- resolution used by lowering ----------------------------------------------

    def qualname(self, expr: cst.BaseExpression) -> Optional[str]:
        """`ctypes.cast` for `ctypes.cast`, `C.cast` (import ctypes as C) or `cast` (from ctypes import cast)."""
        if isinstance(expr, cst.Name):
            return self.imports.get(expr.value)
        if isinstance(expr, cst.Attribute):
            base = self.qualname(expr.value)
            return f"{base}.{expr.attr.value}" if base else None
        return None

    def absolute(self, qual: Optional[str], module: str) -> Optional[str]:
        """`..api.make` imported in module `wand.drawing` is `wand.api.make`."""
        if not qual or not qual.startswith("."):
            return qual
        dots = len(qual) - len(qual.lstrip("."))
        package = module.split(".")[:-1]  # the package this module is in
        if dots - 1 > len(package):
            return None
        base = package[: len(package) - (dots - 1)]
        return ".".join(base + [qual[dots:]]) if base else qual[dots:]

    def resolve(self, expr: cst.BaseExpression, known) -> Optional[str]:
        """The qualified name of `expr`, also through `from module import *` when the
        result is one of `known` (star imports cannot be listed without importing)."""
        qual = self.qualname(expr)
        if qual is not None or not self.star_modules:
            return qual
        name = dotted(expr)
        if name is None or name.split(".")[0] in self.imports:
            return None
        for module in self.star_modules:
            if f"{module}.{name}" in known:
                return f"{module}.{name}"
        return None

    def library_of(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[LibraryObject]:
        """The FFI library `expr` stands for, in every form bindings use (README, "Which
        objects are C libraries"), or None."""
        if depth > 20:  # a pathological chain: give up rather than recurse without end
            return None
        if isinstance(expr, cst.Name):
            return self.libraries.get(expr.value)
        if isinstance(expr, cst.Attribute):
            attr = expr.attr.value
            base = expr.value
            if isinstance(base, cst.Name) and base.value in ("self", "cls"):
                return self.attr_libraries.get(attr)
            qual = self.qualname(expr)
            if qual is not None:
                if qual in self.loaders.library_objects:  # `ctypes.pythonapi`
                    return LibraryObject(qual, (attr,), ctypes=True)
                owner = qual.rsplit(".", 1)[0]
                if owner in self.loaders.library_attributes:  # `ctypes.windll.gdi32`, `ctypes.cdll.libc`
                    return LibraryObject(dotted(expr) or attr, (attr,), ctypes=True)
                found = self.qualified_libraries.get(self.absolute(qual, self.module))
                if found is not None and found.is_library:  # `core.rt`, where module core loads `rt`
                    return found
                module = self.absolute(owner, self.module) or owner
                if attr in self.loaders.imported_library_names and _compiled_module(module):
                    return LibraryObject(attr, (module,))  # `_native.lib` of `from . import _native`
            # `backend._lib`, `self._backend._lib`, `Binding().lib`: an attribute that holds a
            # library wherever the project stores one under that name.
            return self.attr_libraries.get(attr)
        if isinstance(expr, cst.Call):
            return self.loaded_by(expr, "", depth)
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name) and len(expr.slice) == 1:
            # `library = libraries[0]` or `libraries["c"]`, where `libraries = load()`
            # returns several libraries (a tuple or a dict).
            index = expr.slice[0].slice
            group = self.library_groups.get(expr.value.value)
            if group is not None and isinstance(index, cst.Index):
                key = index.value
                if isinstance(key, cst.Integer):
                    return group.get(int(key.value, 0))
                if isinstance(key, cst.SimpleString):
                    return group.get(key.evaluated_value)
        return None

    def constants(self, node: cst.CSTNode) -> tuple[str, ...]:
        """The string constants in a loader's argument, also through module names bound to
        an expression (`path = os.environ.get("X") or find_library("archive")`) and
        f-strings; `None` (the process itself) is `<process>`."""
        found: list[str] = []
        seen: set = set()
        stack = [node]
        while stack and len(seen) < 200:
            n = stack.pop()
            if isinstance(n, cst.SimpleString):
                value = n.evaluated_value
                if isinstance(value, str):
                    found.append(value)
                continue
            if isinstance(n, cst.FormattedStringText):
                found.append(n.value)
                continue
            if isinstance(n, cst.Name):
                if n.value == "None":
                    found.append("<process>")
                elif n.value in self.module_values and n.value not in seen:
                    seen.add(n.value)
                    stack.append(self.module_values[n.value])
                continue
            stack.extend(reversed(list(nodes.children(n))))
        return tuple(found)

    def bound_function(self, func: cst.BaseExpression):
        """(library, C function) when `func` names a library function bound to a Python name:
        `destroy` (`destroy = lib.stack_destroy`, `SDL_Init = _bind(...)`) or `ffi.read_new`
        (bound in module ffi); None otherwise."""
        if isinstance(func, cst.Name):
            return self.function_aliases.get(func.value)
        if isinstance(func, cst.Attribute) and self.qualified_libraries:
            found = self.qualified_libraries.get(self.absolute(self.qualname(func), self.module) or "")
            if found is not None and found.function:
                return dataclasses.replace(found, function=""), found.function
        return None

    def loaded_by(self, call: cst.Call, name: str, depth: int = 0) -> Optional[LibraryObject]:
        """The library a call returns: a loader (`CDLL(path)`, an alias of one, `ffi.dlopen`,
        `getattr(ctypes.cdll, name)`), a loader function or method of this module, or None."""
        func, loaders = call.func, self.loaders
        if isinstance(func, cst.Name):
            loaded = self.library_loaders.get(func.value)
            if loaded is not None and len(loaded) == 1 and 0 in loaded:  # `lib = load()`, `load_library("X11")`
                return self._from_loader(loaded[0], call, name)
            if func.value in self.loader_aliases:  # `dll_loader = ctypes.CDLL; dll_loader(path)`
                return LibraryObject(name or func.value, self.constants(call), ctypes=True, origin=_origin(call))
            if func.value == "getattr" and len(call.args) >= 2 and func.value not in self.imports:
                qual = self.qualname(call.args[0].value)
                if qual in loaders.library_attributes:  # `getattr(ctypes.cdll, name)`
                    return LibraryObject(name or "getattr", self.constants(call.args[1].value), ctypes=True,
                                         origin=_origin(call, 1))
        if self.resolve(func, loaders.library_calls) in loaders.library_calls:
            return LibraryObject(name or (dotted(func) or "CDLL"), self.constants(call), ctypes=True,
                                 origin=_origin(call))
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            receiver = func.value
            # `ffi.dlopen(path)`, also on a parameter (`def open_lib(ffi): return ffi.dlopen(name)`),
            # never on a module (`_ctypes.dlopen` returns a handle, not a library).
            if method in loaders.ffi_library_methods and (
                    self.is_ffi(receiver)
                    or (isinstance(receiver, cst.Name) and receiver.value not in self.imports)):
                return LibraryObject(name or "lib", self.constants(call), origin=_origin(call))
            if method in self.method_loaders and not (isinstance(receiver, cst.Name) and receiver.value in self.imports):
                return self._from_loader(self.method_loaders[method], call, name)  # `rt = finder.load()`
            found = self.qualified_libraries.get(self.absolute(self.qualname(func), self.module) or "")
            if found is not None and found.loader:  # `pyglet.lib.load_library("X11")`
                return self._from_loader(dataclasses.replace(found, loader=False), call, name)
        return None

    def _from_loader(self, library: LibraryObject, call: cst.Call, name: str) -> LibraryObject:
        """What a loader function returns, named by the constants of this call when it has
        any (`load_library("X11")`), else by what the loader itself loads."""
        constants = self.constants(call)
        if constants:
            library = dataclasses.replace(library, paths=constants, origin="")
        return _renamed(library, name or library.name)

    def is_ffi(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Name):
            return expr.value in self.ffi_names
        if isinstance(expr, cst.Attribute):
            if isinstance(expr.value, cst.Name) and expr.value.value not in ("self", "cls"):
                qual = self.qualname(expr)
                if qual is not None and expr.attr.value in self.loaders.imported_ffi_names:
                    return _compiled_module(self.absolute(qual.rsplit(".", 1)[0], self.module) or "")
            # `self._ffi`, `self._backend._ffi`: an attribute that holds an ffi object.
            return expr.attr.value in self.attr_ffi
        return False


_PARTIAL = frozenset({"functools.partial"})
_EMPTY_MODULE = cst.Module([])


def _renamed(library: LibraryObject, name: str) -> LibraryObject:
    """The same library, known here by another name (`library = libraries[0]`)."""
    return dataclasses.replace(library, name=name)


def _origin(call: cst.Call, position: int = 0) -> str:
    """What to call a library whose loader's argument has no constant: the argument."""
    args = [a for a in call.args if a.keyword is None]
    if len(args) <= position:
        return dotted(call.func) or "library"
    value = args[position].value
    # The argument as written (`paths[0]`, `name`): what a user recognises in the listing.
    text = " ".join(_EMPTY_MODULE.code_for_node(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def _compiled_module(module: str) -> bool:
    """Whether a module name is that of a compiled cffi module: private (`_native`,
    `_openssl`) or named after cffi (`_lib_cffi`). Their `lib` is a C library."""
    last = module.rsplit(".", 1)[-1]
    return last.startswith("_") or "cffi" in last


def dotted(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of names and attributes (what code generation would give), else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


class _Collector:
    """The one traversal (nodes.walk) that collects a module's facts."""

    def __init__(self, loaders: Loaders, facts: Facts, finalizer_factories: dict) -> None:
        self.loaders = loaders
        self.facts = facts
        self.finalizer_factories = finalizer_factories
        self.stack: list[Scope] = []
        self.class_names: list[str] = []
        self.order = facts.order
        self.library_classes: dict = {}  # class -> the library its instances stand for (they copy its functions)
        self.class_library: dict = {}  # class -> a library its methods store on self
        self.copying: set = set()  # classes that copy functions onto self (`setattr(self, ...)`, `__getattr__`)
        self.copying_classes: set = set()  # classes that do, themselves or through a base of the module
        self.bases: dict = facts.bases
        self.loaded_here: set = set()  # `lib`, `self.lib`: names this module binds to a library it loads
        self.loops: list = []  # (names a `for` binds, what it iterates), innermost last
        self.method_binders: dict = {}  # method -> (library, parameter index without self) of `return getattr(self._lib, name)`

    def enter(self, node: cst.CSTNode) -> None:
        # Every node's place in source order: a deterministic identity for its span.
        self.order[id(node)] = len(self.order)

    # --- what an expression is ------------------------------------------------------

    def _library_from(self, expr: cst.BaseExpression, name: str) -> Optional[LibraryObject]:
        facts = self.facts
        if isinstance(expr, cst.Call):
            found = facts.loaded_by(expr, name)
            if found is None and isinstance(expr.func, cst.Name) and expr.func.value in self.copying_classes:
                # `lgeos = LGEOS(dll)`: an instance that copies a library's functions onto itself
                # (the one it stores, or the one it is given) stands for that library.
                given = (facts.library_of(a.value) for a in expr.args)
                library = self.library_classes.get(expr.func.value) or next((g for g in given if g), None)
                found = _renamed(library, name) if library is not None else None
        else:
            found = facts.library_of(expr)
        if found is not None and isinstance(expr, cst.Call) and not self._known_before(expr):
            facts.loads.append((found, expr))
        return found

    def _known_before(self, call: cst.Call) -> bool:
        """Whether a call only hands on a library loaded elsewhere (`load()`, `finder.load()`)."""
        func = call.func
        return (isinstance(func, cst.Name) and (func.value in self.facts.library_loaders or func.value in self.copying_classes)) \
            or (isinstance(func, cst.Attribute) and func.attr.value in self.facts.method_loaders)

    def _libraries_loaded(self, expr: cst.BaseExpression):
        """The libraries `f()` returns, for a function of this module that returns several
        library objects (`return libwand, libmagick`, or a dict of them); None otherwise."""
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
            return self.facts.library_loaders.get(expr.func.value)
        return None

    def _is_ffi_value(self, expr: cst.BaseExpression) -> bool:
        if self.facts.is_ffi(expr):
            return True
        if isinstance(expr, cst.Call):
            return self.facts.resolve(expr.func, self.loaders.ffi_calls) in self.loaders.ffi_calls
        return False

    def _declared_through(self, target: cst.BaseExpression) -> None:
        """`getattr(lib, name).restype = T`, `f.restype = T` with `f = getattr(lib, name)`:
        the names the table or the helper's calls give are declared; a name ownlint cannot
        compute makes OWN501 silent for the module rather than guess."""
        if isinstance(target, cst.Name) and self.stack:
            target = self.stack[-1].bound.get(target.value, target)
        if not (isinstance(target, cst.Call) and isinstance(target.func, cst.Name) and target.func.value == "getattr"
                and len(target.args) >= 2):
            return
        named = target.args[1].value
        if isinstance(named, cst.SimpleString) and isinstance(named.evaluated_value, str):
            self.facts.declared_restypes.add(named.evaluated_value)
        elif isinstance(named, cst.Name) and (table := self._loop_table(named.value)) is not None:
            found, complete = table
            self.facts.declared_restypes.update(found)  # `for name, res, args in PROTOTYPES:`
            if not complete:  # a computed entry among them: those count, and OWN501 cannot tell the rest
                self.facts.computed_restypes = True
        elif not (isinstance(named, cst.Name) and self.stack and named.value in self.stack[-1].params):
            self.facts.computed_restypes = True  # (a helper's parameter: its calls name the functions)

    def _loop_table(self, name: str):
        """(the first string of each element of the literal table a `for` binds `name` from,
        whether every element has one), or None when `name` comes from no literal table."""
        for targets, iterated in reversed(self.loops):
            if name not in targets:
                continue
            if isinstance(iterated, cst.Name):
                iterated = self.facts.module_values.get(iterated.value, iterated)
            if isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Attribute) \
                    and iterated.func.attr.value == "items":
                iterated = iterated.func.value
                if isinstance(iterated, cst.Name):
                    iterated = self.facts.module_values.get(iterated.value, iterated)
            if isinstance(iterated, cst.Dict):
                elements = [e.key for e in iterated.elements if isinstance(e, cst.DictElement)]
            elif isinstance(iterated, (cst.List, cst.Tuple, cst.Set)):
                elements = [e.value for e in iterated.elements]
            else:
                return None
            found = self.constants_first(elements)
            return found, len(found) == len(elements)
        return None

    @staticmethod
    def constants_first(elements) -> list:
        found = []
        for element in elements:
            if isinstance(element, (cst.Tuple, cst.List)) and element.elements:
                element = element.elements[0].value
            if isinstance(element, cst.SimpleString) and isinstance(element.evaluated_value, str):
                found.append(element.evaluated_value)
        return found

    def visit_For(self, node: cst.For) -> None:
        self.loops.append((_names_under(node.target), node.iter))

    def leave_For(self, original_node: cst.For) -> None:
        self.loops.pop()

    def _record(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        facts = self.facts
        if isinstance(target, cst.Attribute) and target.attr.value == "restype":
            self._declared_through(target.value)
        self._finalizer(target, value)
        if isinstance(target, cst.Attribute) and target.attr.value == "errcheck" and isinstance(target.value, cst.Attribute):
            facts.errchecks[target.value.attr.value] = value.value if isinstance(value, cst.Name) else ""
        if isinstance(target, cst.Attribute) and target.attr.value == "argtypes" and isinstance(target.value, cst.Attribute) \
                and isinstance(value, (cst.List, cst.Tuple)):
            # `lib.f.argtypes = [c_void_p, CALLBACK]`: a Python function passed there is
            # wrapped by ctypes in a callback object that lives only during the call.
            callbacks = {i: dotted(e.value) or "CFUNCTYPE" for i, e in enumerate(value.elements)
                         if self._is_prototype_type(e.value)}
            if callbacks:
                facts.callback_argtypes[target.value.attr.value] = callbacks
        if isinstance(target, cst.Attribute) and target.attr.value == "restype" and isinstance(target.value, cst.Attribute):
            library = facts.library_of(target.value.value)
            function = target.value.attr.value
            if library is not None:
                facts.restypes.append((library, function, value, target))
            else:
                facts.other_restypes.append((function, value))
            facts.declared_restypes.add(function)
            if isinstance(value, cst.Name) and (
                value.value in facts.classes
                or (value.value in facts.imports and not facts.imports[value.value].startswith("ctypes."))
            ):
                # A class of the program's own, on any receiver (`def load(lib): lib.f.restype
                # = MyString`): the class owns the results. (Not a variable: `f.restype = restype`.)
                facts.custom_restypes.add(function)
        if isinstance(target, cst.Name):
            name = target.value
            if len(self.stack) == 1:
                facts.module_values[name] = value
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and self.stack:
                # `x = Cls(...)`: x holds an instance of Cls (resolved once classes are known).
                self.stack[-1].instances[name] = value.func.value
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "getattr" \
                    and self.stack and self.stack[-1].kind == "function":
                self.stack[-1].bound[name] = value
            library = self._library_from(value, name)
            in_class = self._in_class()
            if library is not None:
                facts.libraries[name] = library
                self.loaded_here.add(name)
                if in_class:  # a class attribute: `Binding.lib`, `self.lib`
                    facts.attr_libraries[name] = library
                    facts.own_attrs.add(name)
            elif self._is_ffi_value(value):
                facts.ffi_names.add(name)
                if in_class:
                    facts.attr_ffi.add(name)
                    facts.own_attrs.add(name)
            elif facts.resolve(value, self.loaders.library_calls) in self.loaders.library_calls:
                facts.loader_aliases.add(name)  # `dll_loader = ctypes.CDLL`
            elif (bound := self._bound_function(value)) is not None:
                facts.function_aliases[name] = bound  # `SDL_Init = _bind("SDL_Init", ...)`
            elif isinstance(value, cst.Attribute) and value.attr.value in self.method_binders:
                facts.binders[name] = self.method_binders[value.attr.value]  # `_bind = dll.bind_function`
            elif isinstance(value, cst.Attribute) and value.attr.value in facts.method_loaders and len(self.stack) == 1:
                facts.library_loaders[name] = {0: facts.method_loaders[value.attr.value]}  # `load_library = loader.load_library`
            elif isinstance(value, cst.Name) and value.value in facts.binders:
                facts.binders[name] = facts.binders[value.value]  # `_link_function = link_GL`
            elif (foreign := self._foreign_function(value)) is not None:
                facts.function_aliases[name] = foreign
            elif (partial := self._partial(value)) is not None:
                if isinstance(partial, tuple):
                    facts.function_aliases[name] = partial
                else:
                    facts.partials[name] = partial
            elif isinstance(value, cst.Call) and (
                facts.resolve(value.func, self.loaders.callback_prototypes) in self.loaders.callback_prototypes
            ):
                facts.prototypes.add(name)
            elif isinstance(value, cst.Attribute):
                owner = facts.library_of(value.value)
                if owner is not None:
                    facts.function_aliases[name] = (owner, value.attr.value)
                    if in_class and owner.ctypes:  # `c_get_exception = library.MagickGetException`
                        facts.class_functions.setdefault(name, set()).add(value.attr.value)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in ("self", "cls")
        ):
            attr = target.attr.value
            library = self._library_from(value, attr)
            if library is not None:
                facts.attr_libraries[attr] = library
                facts.own_attrs.add(attr)
                self.loaded_here.add(f"self.{attr}")
                if self.class_names:
                    self.class_library.setdefault(self.class_names[-1], library)
            elif self._is_ffi_value(value):
                facts.attr_ffi.add(attr)
                facts.own_attrs.add(attr)
            elif isinstance(value, cst.Attribute):
                owner = facts.library_of(value.value)
                if owner is not None:  # `self._destroy = lib.stack_destroy`: a bound alias
                    facts.function_aliases[f"self.{attr}"] = (owner, value.attr.value)
            elif isinstance(partial := self._partial(value), tuple):
                facts.function_aliases[f"self.{attr}"] = partial
        elif isinstance(target, cst.Attribute):
            # `binding.lib = ...`, `Binding.lib = ...`: the attribute holds a library.
            library = self._library_from(value, target.attr.value)
            if library is not None:
                facts.attr_libraries[target.attr.value] = library
                facts.own_attrs.add(target.attr.value)
            elif self._is_ffi_value(value):
                facts.attr_ffi.add(target.attr.value)
                facts.own_attrs.add(target.attr.value)

    def _bound_function(self, value: cst.BaseExpression):
        """`_bind("SDL_Init", [...], c_int)` or `dll.bind_function("SDL_Init")`, where the helper
        returns `getattr(library, name)`: (library, "SDL_Init"), or None."""
        if not isinstance(value, cst.Call):
            return None
        func = value.func
        binder = None
        if isinstance(func, cst.Name):
            binder = self.facts.binders.get(func.value)
        elif isinstance(func, cst.Attribute):
            binder = self.method_binders.get(func.attr.value)
        if binder is None:
            return None
        library, index, prefix = binder
        positional = [a for a in value.args if a.keyword is None and not a.star]
        if index >= len(positional):
            return None
        name = positional[index].value
        if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
            self.facts.declared_restypes.add(prefix + name.evaluated_value)  # the helper declares it
            return library, prefix + name.evaluated_value
        return None

    def visit_Expr(self, node: cst.Expr) -> None:
        """`ffi('read_new', [], c_archive_p)` as a module statement: a binder whose result is
        dropped registers the function under its Python name (`globals()[name] = f`)."""
        if len(self.stack) == 1 and isinstance(node.value, cst.Call):
            bound = self._bound_function(node.value)
            name = node.value.args[0].value if node.value.args else None
            if bound is not None and isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
                self.facts.function_aliases.setdefault(name.evaluated_value, bound)

    # --- visitors -------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.facts.imports[alias.asname.name.value] = full
            else:
                head = full.split(".")[0]
                self.facts.imports[head] = head

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted(node.module) if node.module is not None else ""
        module = "." * len(node.relative) + (module or "")
        if isinstance(node.names, cst.ImportStar):
            self.facts.star_modules.append(module)
            # `from .raw import *`: the libraries and bound C functions raw.py exports.
            prefix = f"{self.facts.absolute(module, self.facts.module)}."
            for qual, library in sorted(self.facts.qualified_libraries.items()):
                if qual.startswith(prefix) and "." not in qual[len(prefix):]:
                    self._imported_library(qual[len(prefix):], library)
            return
        imported = [a for a in node.names if isinstance(a.name, cst.Name)]
        plain = {a.name.value for a in imported}
        for alias in imported:
            local = alias.asname.name.value if alias.asname is not None else alias.name.value
            # (`from . import core` imports `.core`; `from .api import f`, `.api.f`)
            self.facts.imports[local] = f"{module}{alias.name.value}" if module.endswith(".") \
                else f"{module}.{alias.name.value}"
            if self.facts.absolute(self.facts.imports[local], self.facts.module) in self.facts.qualified_prototypes:
                self.facts.prototypes.add(local)  # `from .ffi import SEEK_CALLBACK`
            if self.facts.absolute(self.facts.imports[local], self.facts.module) in self.facts.qualified_asserts:
                self.facts.asserting.add(local)  # `from .utils import _check`
            known = self.facts.qualified_libraries.get(self.facts.absolute(self.facts.imports[local], self.facts.module))
            if known is not None:  # `from .api import library`, where api.py loads it
                self._imported_library(local, known)
                continue
            # `from _x_cffi import ffi, lib`: a compiled cffi module's objects.
            cffi_module = _compiled_module(module) or bool(plain & self.loaders.imported_ffi_names)
            if cffi_module and alias.name.value in self.loaders.imported_library_names:
                self.facts.libraries[local] = LibraryObject(local, (self.facts.absolute(module, self.facts.module) or module,))
                self.facts.loads.append((self.facts.libraries[local], node))  # importing it loads it
            if cffi_module and alias.name.value in self.loaders.imported_ffi_names:
                self.facts.ffi_names.add(local)

    def _loaded_here(self, receiver: cst.BaseExpression) -> bool:
        name = plain_or_self(receiver)
        if name is not None:
            return name in self.loaded_here
        # Inline: `ctypes.CDLL(None).f`, `ctypes.windll.gdi32.f`; not `backend._lib.f`.
        return isinstance(receiver, cst.Call) or (isinstance(receiver, cst.Attribute) and self.facts.qualname(receiver) is not None)

    def _imported_library(self, local: str, library: LibraryObject) -> None:
        if library.binds:  # `from .dll import _bind`: a helper that binds C functions by name
            index, prefix = library.binds
            self.facts.binders[local] = (dataclasses.replace(library, binds=()), index, prefix)
        elif library.loader:  # `from .loader import load`: `lib = load()` is the library
            self.facts.library_loaders[local] = {0: dataclasses.replace(library, loader=False)}
        elif library.function:  # a C function bound to a Python name in that module
            self.facts.function_aliases[local] = (dataclasses.replace(library, function=""), library.function)
        else:
            self.facts.libraries[local] = _renamed(library, local)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assign(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._self_stores(node.target)
        if node.value is not None:
            self._assign(node.target, node.value)

    def _foreign_function(self, value: cst.BaseExpression):
        """`PROTO(("malloc", libc))` or `CFUNCTYPE(c_void_p, c_size_t)(("malloc", libc))`: a
        prototype bound to a library function, which it declares. (library, name) or None."""
        if not (isinstance(value, cst.Call) and len(value.args) >= 1):
            return None
        func, spec = value.func, value.args[0].value
        prototypes = self.loaders.callback_prototypes
        is_prototype = (isinstance(func, cst.Name) and func.value in self.facts.prototypes) or (
            isinstance(func, cst.Call) and self.facts.resolve(func.func, prototypes) in prototypes)
        if not is_prototype or not isinstance(spec, cst.Tuple) or len(spec.elements) < 2:
            return None
        name, library = spec.elements[0].value, spec.elements[1].value
        owner = self.facts.library_of(library)
        if owner is None or not isinstance(name, cst.SimpleString) or not isinstance(name.evaluated_value, str):
            return None
        self.facts.declared_restypes.add(name.evaluated_value)  # the prototype declares its restype
        return owner, name.evaluated_value

    def _is_prototype_type(self, expr: cst.BaseExpression) -> bool:
        """`CALLBACK` (bound to `CFUNCTYPE(...)`) or `CFUNCTYPE(...)` itself."""
        if isinstance(expr, cst.Name) and expr.value in self.facts.prototypes:
            return True
        prototypes = self.loaders.callback_prototypes
        return isinstance(expr, cst.Call) and self.facts.resolve(expr.func, prototypes) in prototypes

    def _partial(self, value: cst.BaseExpression):
        """`functools.partial(lib.stack_destroy)`: the library function (library, name) or
        the module function's name it stands for. Only with no positional argument bound:
        one bound first would move every argument (and could be what the call releases)."""
        if not (isinstance(value, cst.Call) and value.args
                and self.facts.resolve(value.func, _PARTIAL) in _PARTIAL):
            return None
        first, rest = value.args[0], value.args[1:]
        if first.keyword is not None or first.star or any(a.keyword is None for a in rest):
            return None
        target = first.value
        if isinstance(target, cst.Attribute):
            owner = self.facts.library_of(target.value)
            return (owner, target.attr.value) if owner is not None else None
        if isinstance(target, cst.Name):
            return self.facts.function_aliases.get(target.value) or target.value
        return None

    def _finalizer(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """`f = weakref.finalize(obj, destroy, h)`: calling `f` or `f.detach()` acts on `h`."""
        if not (isinstance(value, cst.Call) and self.finalizer_factories):
            return
        index = self.finalizer_factories.get(self.facts.resolve(value.func, self.finalizer_factories))
        name = plain_or_self(target)
        if index is None or name is None or len(value.args) <= index or value.args[index].star:
            return
        self.facts.finalizers[name] = value.args[index].value

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            if len(target.elements) == len(value.elements):
                for t, v in zip(target.elements, value.elements):
                    self._record(t.value, v.value)
            return
        loaded = self._libraries_loaded(value)
        if loaded is not None:
            if isinstance(target, cst.Name) and (len(loaded) > 1 or 0 not in loaded):
                self.facts.library_groups[target.value] = loaded
            elif isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == len(loaded):
                for element, library in zip(target.elements, loaded.values()):  # `libwand, libmagick = load()`
                    if isinstance(element.value, cst.Name):
                        self.facts.libraries[element.value.value] = _renamed(library, element.value.value)
                return
        self._record(target, value)

    def visit_Return(self, node: cst.Return) -> None:
        """`return libwand, libmagick`, `return {"c": libc}` or `return ffi.dlopen(name)` in a
        function or method: it loads libraries. `return getattr(lib, name)`: it binds one."""
        scope = self.stack[-1] if self.stack else None
        if scope is None or scope.kind != "function" or node.value is None:
            return
        value, name = node.value, scope.node.name.value
        if isinstance(value, cst.Name):  # `f = getattr(lib, name); ...; return f`
            value = scope.bound.get(value.value, value)
        binder = self._binder(value, scope)
        if binder is not None:
            if scope.cls:
                self.method_binders[name] = binder
            elif len(self.stack) == 2:
                self.facts.binders[name] = binder
            return
        if isinstance(value, cst.Dict):
            parts = {e.key.evaluated_value: e.value for e in value.elements
                     if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)}
            if len(parts) != len(value.elements):
                return
        elif isinstance(value, cst.Tuple):
            parts = {i: e.value for i, e in enumerate(value.elements)}
        else:
            parts = {0: value}
        # Library names, or loader calls (`return ffi.dlopen(name)`).
        found = {key: self._library_from(p, name) for key, p in parts.items()}
        if not found or not all(found.values()):
            return
        if scope.cls:
            if len(found) == 1 and 0 in found:
                self.facts.method_loaders[name] = found[0]  # `rt = finder.load()`
        elif len(self.stack) == 2:
            self.facts.library_loaders[name] = found

    def _binder(self, value: cst.BaseExpression, scope: Scope):
        """(library, parameter index, prefix) when `value` is `getattr(LIB, param)` or
        `getattr(LIB, "prefix_" + param)` (LIB may be `self._lib` in a method)."""
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "getattr"
                and len(value.args) >= 2):
            return None
        named, prefix = value.args[1].value, ""
        if isinstance(named, cst.BinaryOperation) and isinstance(named.operator, cst.Add) \
                and isinstance(named.left, cst.SimpleString) and isinstance(named.left.evaluated_value, str):
            named, prefix = named.right, named.left.evaluated_value  # libarchive-c: 'archive_' + name
        if not isinstance(named, cst.Name):
            return None
        library = self.facts.library_of(value.args[0].value)
        param = named.value
        if library is None or param not in scope.params:
            return None
        index = scope.params.index(param) - (1 if scope.cls else 0)
        return (library, index, prefix) if index >= 0 else None

    def visit_With(self, node: cst.With) -> None:
        # `with Cls(...) as x`: x is the instance (when __enter__ returns self, as usual).
        for item in node.items:
            value, target = item.item, item.asname.name if item.asname is not None else None
            if isinstance(target, cst.Name) and isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                self.stack[-1].instances[target.value] = value.func.value

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if len(self.stack) == 1 and _raises_unless_first(node):
            self.facts.asserting.add(node.name.value)
            self.facts.own_asserting.add(node.name.value)
        if node.name.value == "__getattr__" and self._in_class():
            self.copying.add(self.class_names[-1])
        qual = ".".join(self.class_names[-1:] + [node.name.value]) if self._in_class() else node.name.value
        params = tuple(
            p.name.value
            for group in (node.params.posonly_params, node.params.params, node.params.kwonly_params)
            for p in group
        )
        extra = [p for p in (node.params.star_arg, node.params.star_kwarg) if isinstance(p, cst.Param)]
        cls = self.class_names[-1] if self._in_class() else ""
        scope = Scope(qual, "function", node, params + tuple(p.name.value for p in extra), cls=cls)
        self.stack[-1].nested.append(scope)
        self.facts.scopes.append(scope)
        self.stack.append(scope)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()

    def _in_class(self) -> bool:
        return bool(self.stack) and self.stack[-1].kind == "class"

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not _opaque_handle(node):  # `class Handle(c_void_p): pass` is a pointer type, not an owner
            self.facts.classes.add(node.name.value)
        scope = Scope(node.name.value, "class", node)
        self.stack[-1].nested.append(scope)
        self.facts.scopes.append(scope)
        self.stack.append(scope)
        self.class_names.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.stack.pop()
        name = self.class_names.pop()
        self.bases[name] = [dotted(b.value) for b in original_node.bases]
        # A wrapper whose instances stand for a library (`lgeos = LGEOS()`): it, or a base of
        # the module's, stores a library on self and copies the library's functions onto self.
        lineage, seen = [name], set()
        while lineage:
            current = lineage.pop()
            if current in seen:
                continue
            seen.add(current)
            lineage.extend(b for b in self.bases.get(current, ()) if b in self.bases)
        if seen & self.copying:
            self.copying_classes.add(name)
            library = next((self.class_library[c] for c in sorted(seen) if c in self.class_library), None)
            if library is not None:
                self.library_classes[name] = library

    def visit_Global(self, node: cst.Global) -> None:
        if len(self.stack) > 1:
            self.stack[-1].escaping.update(n.name.value for n in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        if len(self.stack) > 1:
            self.stack[-1].escaping.update(n.name.value for n in node.names)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "setattr" and len(node.args) >= 2 \
                and isinstance(node.args[1].value, cst.SimpleString) and node.args[1].value.evaluated_value == "restype":
            self._declared_through(node.args[0].value)  # `setattr(getattr(lib, name), "restype", T)`
        if isinstance(func, cst.Name) and func.value == "setattr" and node.args and self.class_names \
                and isinstance(node.args[0].value, cst.Name) and node.args[0].value.value == "self":
            self.copying.add(self.class_names[-1])
        if isinstance(func, cst.Name):
            self.facts.name_calls.append(func.value)
        if isinstance(func, cst.Attribute):
            self.facts.attribute_calls.append((func.value, func.attr.value, node))
            if isinstance(func.value, cst.Name):  # `x.f(...)`: x may be a library imported later
                self.facts.named_calls.append((func.value.value, func.attr.value, node))
            library = self.facts.library_of(func.value)
            # (OWN501 checks only libraries this module loads: another module declares the
            # restypes of the ones it hands on.)
            if library is not None and library.ctypes and self._loaded_here(func.value):
                self.facts.library_calls.append((library, func.attr.value, node))
            elif func.attr.value == "cdef" and node.args and self.facts.is_ffi(func.value):
                value = node.args[0].value
                if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                    text = value.evaluated_value
                    if isinstance(text, str):
                        self.facts.cdefs.append((text, value))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._self_stores(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._self_stores(node.target)

    def _self_stores(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._self_stores(element.value)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            self.stack[-1].self_stores.add(target.attr.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "self":
            self.stack[-1].self_attrs.add(node.attr.value)

    def visit_Name(self, node: cst.Name) -> None:
        self.stack[-1].names.add(node.value)
        if len(self.stack) > 1:  # inside a function or class, not at module level
            self.facts.nested_loads.add(node.value)


def collect(module: cst.Module, loaders: Loaders, finalizer_factories: Optional[dict] = None,
            name: str = "", external: Optional[dict] = None) -> Facts:
    """`finalizer_factories`: qualified name -> the argument its finalizer releases
    (`weakref.finalize` -> 2), from the packs. `name`: the module's dotted name;
    `external`: what other modules export (their libraries are known from the start)."""
    facts = Facts(loaders=loaders, module=name)
    for key, (origin, value) in (external or {}).items():
        if key.startswith(FUNCATTR):
            attr, function = key[len(FUNCATTR):].split("/", 1)
            declared = value if isinstance(value, StringRestype) else None
            facts.attr_functions.setdefault(attr, set()).add((function, declared, origin))
            continue
        if value == PROTOTYPE:
            facts.qualified_prototypes.add(key)
        if value == ASSERTS:
            facts.qualified_asserts.add(key)
        if not isinstance(value, LibraryObject):
            continue
        if key.startswith(LIBATTR):
            facts.attr_libraries.setdefault(key[len(LIBATTR):], value)
        elif key.startswith(FFIATTR):
            facts.attr_ffi.add(key[len(FFIATTR):])
        elif not key.startswith(GLOBAL_KEYS):
            facts.qualified_libraries[key] = value
    module_scope = Scope("<module>", "module", module)
    facts.scopes.append(module_scope)
    collector = _Collector(loaders, facts, finalizer_factories or {})
    collector.stack.append(module_scope)
    nodes.walk(module, collector, collector.enter)
    for scope in facts.scopes:
        scope.instances = {k: v for k, v in scope.instances.items() if v in facts.classes}
    return facts


def all_names(scope: Scope) -> set:
    """Identifiers in a scope and every scope nested in it (what a closure can capture)."""
    names = set(scope.names)
    for inner in scope.nested:
        names |= all_names(inner)
    return names


def _names_under(node: cst.CSTNode) -> set:
    names: set = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            names.add(current.value)
        stack.extend(nodes.children(current))
    return names


def plain_or_self(target: cst.BaseExpression) -> Optional[str]:
    """`f` or `self.f` as text; None for any other target."""
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
        return f"self.{target.attr.value}"
    return None


def _opaque_handle(node: cst.ClassDef) -> bool:
    """A `c_void_p` subclass with no methods: a name for a pointer type (an opaque handle),
    which owns nothing itself, unlike a restype class with a `__del__` or a `from_param`."""
    return any(dotted(b.value) in ("c_void_p", "ctypes.c_void_p") for b in node.bases) and not any(
        isinstance(s, cst.FunctionDef) for s in node.body.body)


def _raises_unless_first(node: cst.FunctionDef) -> bool:
    """`def _check(ok): if not ok: raise X` (or `assert ok`, `if ok is not True: raise X`,
    `if ok is False`, `if ok == False`) as the function's first statement: a call of it is
    a check of its first argument."""
    params = node.params.posonly_params + node.params.params
    if not params or not isinstance(node.body, cst.IndentedBlock):
        return False
    name = params[0].name.value
    statements = list(node.body.body)
    first = statements[0] if statements else None
    if _docstring(first) and len(statements) > 1:
        first = statements[1]
    if isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1 and isinstance(first.body[0], cst.Assert):
        test = first.body[0].test
        return isinstance(test, cst.Name) and test.value == name
    if not (isinstance(first, cst.If) and first.orelse is None and isinstance(first.body, cst.IndentedBlock)):
        return False
    last = first.body.body[-1] if first.body.body else None
    if not (isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Raise)):
        return False
    test = first.test
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return isinstance(test.expression, cst.Name) and test.expression.value == name
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name) \
            and test.left.value == name:
        target = test.comparisons[0]
        value = target.comparator.value if isinstance(target.comparator, cst.Name) else None
        return (isinstance(target.operator, (cst.Is, cst.Equal)) and value == "False") \
            or (isinstance(target.operator, (cst.IsNot, cst.NotEqual)) and value == "True")
    return False


def _docstring(statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 \
        and isinstance(statement.body[0], cst.Expr) \
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
