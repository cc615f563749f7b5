"""Lower CFG steps (libcst statements and expressions) to ownership events.

This is where syntax meets the contracts: a call is resolved to a pack's contract (or
to "a known library function": its arguments are used, or to "unknown": its
arguments escape), and each argument gets the event its position calls for.
Expressions whose result ownlint does not model let temporaries escape rather than
guess (README, "Known problems").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import libcst as cst

from . import events as E, nodes
from .cfg import Graph, Step
from .facts import Facts, Scope, dotted, plain_or_self
from ..contracts import inference
from ..contracts.packs import Contracts, matches_library as _matches_library
from ..types import Contract, MayFail, Summary, NOWHERE, ReceiverKind, Returns, Span
from .typestate import State

_ACQUIRED_STATE = {
    Returns.OWNED: State.OWNED,
    Returns.BORROWED: State.BORROWED,
    Returns.ELEMENT: State.ELEMENT,
    Returns.STATIC: State.STATIC,
    Returns.SINGLETON: State.SINGLETON,
    Returns.PYTHON: State.PYOWNED,
    Returns.CALLBACK: State.CALLBACK,
    Returns.HANDLE: State.HANDLE,
}

# What a helper's summary says it returns (flow.py's `_parameters`): the caller's value.
_RETURNED = {"owned": State.OWNED, "maybe": State.MAYBE, "managed": State.MANAGED, "static": State.STATIC,
             "singleton": State.SINGLETON, "python-owned": State.PYOWNED, "borrowed": State.BORROWED}

# The methods Python calls implicitly, by the builtin or the statement that calls them
# (`test` is `if obj:` / `while obj:`, `iter` is `for x in obj`), in the order it tries them.
_IMPLICIT = {"len": ("__len__",), "iter": ("__iter__", "__getitem__"), "bool": ("__bool__", "__len__"),
             "test": ("__bool__", "__len__"), "repr": ("__repr__",), "str": ("__str__", "__repr__"),
             "indexed": ("__getitem__",), "with": ("__enter__",)}

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
_IMPORTS = {"Import", "ImportFrom", "LazyImport", "LazyImportFrom"}


@dataclass(frozen=True)
class Callee:
    """What a call resolves to: a contract, a known library function with none, or unknown."""

    text: str
    contract: Optional[Contract] = None
    library: bool = False  # a function of a recognised FFI library (or pack module): arguments are used
    method: Optional[Summary] = None  # a method of a class of this module, by its summary
    function: Optional[Summary] = None  # a function of this or another linted module, by its summary
    origin: str = ""  # the file that defines `function`, when it is another one


@dataclass
class LoweredBlock:
    events: list
    edges: list  # (target, [events on the edge], implicit)


def _affects(contract: Contract, index: int) -> bool:
    """Whether a contract does more to argument `index` than use it."""
    return index in (contract.releases, contract.manages, contract.refs, contract.reallocates, contract.fills,
                     contract.empties) \
        or index in contract.takes or index in contract.takes_on_success or index in contract.keeps \
        or index in contract.out or index in contract.stores


def _dereferences(contract: Contract) -> bool:
    """Whether a NULL argument crashes the call: not for Python builtins (print, len),
    nor for casts, which only re-type the pointer."""
    return contract.pack != "python" and contract.returns is not Returns.ALIAS


class Lowerer:
    def __init__(
        self,
        facts: Facts,
        contracts: Contracts,
        scope: Scope,
        span_of: Callable[[cst.CSTNode], Span],
        code_of: Callable[[cst.CSTNode], str],
        summaries: Optional[dict] = None,
        module: str = "",
        external: Optional[dict] = None,
        substitutes: Optional[dict] = None,
    ) -> None:
        self.summaries = summaries or {}  # (class, method) -> Summary; ("", function) for functions
        # A decorator's wrapper analysed for one decorated function: the enclosing
        # decorator's parameter (`func`) -> (that function's name, its Summary).
        self.substitutes = substitutes or {}
        self.module = module  # this file's dotted module name, for relative imports
        self.external = external or {}  # qualified name -> (path, Summary) of other modules' functions
        self.facts = facts
        self.contracts = contracts
        self._retyping_packs = {t.pack for t in contracts.tables
                                if t.library.kind in (ReceiverKind.MODULE, ReceiverKind.FFI_OBJECT)}
        self.scope = scope
        self.span_of = span_of
        self.code_of = code_of
        self.module_functions = contracts.module_functions
        self.callees: dict = {}  # id(func node) -> Callee: may_raise and lowering ask about the same calls
        self.out: list = []
        self.temps: list[str] = []
        self.counter = 0
        self.renames: list[dict[str, str]] = []  # comprehension-local names
        self.key_of_node: dict[int, str] = {}  # call results, for conditions on edges
        self.released_names: Optional[set] = None  # names this scope's calls release (`_released_here`)

    # --- keys -----------------------------------------------------------------------

    def _temp(self) -> str:
        self.counter += 1
        key = f"${self.counter}"
        self.temps.append(key)
        return key

    def key(self, expr: cst.BaseExpression) -> Optional[str]:
        """The storage key an expression names, if it is a trackable location."""
        if isinstance(expr, cst.Name):
            if expr.value in ("None", "True", "False"):
                return None
            for renames in reversed(self.renames):
                if expr.value in renames:
                    return renames[expr.value]
            return expr.value
        if isinstance(expr, cst.Attribute):
            base = self.key(expr.value)
            return f"{base}.{expr.attr.value}" if base else None
        if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
            index = expr.slice[0].slice
            if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
                base = self.key(expr.value)
                return f"{base}[{index.value.value}]" if base else None
        return None

    def _escapes(self, name: str) -> bool:
        if self.scope.kind == "class":
            return True
        return name in self.scope.escaping

    # --- calls ----------------------------------------------------------------------

    def resolve(self, func: cst.BaseExpression) -> Callee:
        known = self.callees.get(id(func))
        if known is None:
            known = self.callees[id(func)] = self._resolve(func)
        return known

    def _resolve(self, func: cst.BaseExpression) -> Callee:
        facts, contracts = self.facts, self.contracts
        text = dotted(func) or self.code_of(func)  # code generation only for unusual callees
        if isinstance(func, cst.Attribute) and (bound := facts.bound_function(func)) is not None:
            library, name = bound  # `ffi.read_new(...)`: a C function bound in module ffi
            return Callee(text, contracts.lookup(ReceiverKind.FFI_LIBRARY, name, _matches_library(library)), True)
        if isinstance(func, cst.Attribute):
            library = facts.library_of(func.value)
            name = func.attr.value
            if library is not None:
                if name in library.wrapped:  # its restype class owns the result
                    return Callee(text, None, True)
                contract = contracts.on_library(name, library)
                if contract is None and name in facts.inferred \
                        and inference.applies(facts.inferred_sources[name], library.ctypes):
                    contract = facts.inferred[name]  # its cdef, ctypes prototype or header may say
                return Callee(text, contract, True)
            if facts.is_ffi(func.value):
                contract = contracts.lookup(ReceiverKind.FFI_OBJECT, name)
                return Callee(text, contract, contract is not None)
            if isinstance(func.value, cst.Name):
                receiver = func.value.value
                alias = facts.function_aliases.get(f"self.{name}") if receiver == "self" else None
                if alias is not None:
                    contract = contracts.lookup(ReceiverKind.FFI_LIBRARY, alias[1], _matches_library(alias[0]))
                    return Callee(text, contract, True)
                cls = self.scope.cls if receiver == "self" else self.scope.instances.get(receiver)
                summary = self.summaries.get((cls, name)) if cls else None
                if summary is not None:
                    return Callee(text, method=summary)
        elif isinstance(func, cst.Name):
            if func.value in self.substitutes and func.value not in self.scope.params:
                decorated, summary = self.substitutes[func.value]
                return Callee(decorated, function=summary)
            alias = facts.function_aliases.get(func.value)
            if alias is not None:
                library, name = alias
                contract = contracts.lookup(ReceiverKind.FFI_LIBRARY, name, _matches_library(library))
                return Callee(text, contract, True)
            target = facts.partials.get(func.value, func.value)  # `destroy = partial(close)`
            summary = self.summaries.get(("", target))
            if summary is not None and func.value not in self.scope.params:
                return Callee(text, function=summary)
        if self.external:
            found = self.external.get(facts.absolute(facts.qualname(func), self.module))
            if found is not None and isinstance(found[1], Summary):
                return Callee(text, function=found[1], origin=found[0])
        qual = facts.resolve(func, self.module_functions)
        if qual is None and isinstance(func, cst.Name) and not (
            func.value in self.scope.params or func.value in facts.libraries
        ):
            qual = f"builtins.{func.value}"  # not imported, not a parameter: a builtin
        if qual is not None and qual in self.module_functions:
            return Callee(text, self.module_functions[qual], True)
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if last is not None:
            contract = contracts.lookup(ReceiverKind.ANY, last)
            if contract is not None:
                return Callee(text, contract, True)
        return Callee(text)

    def may_raise(self, node: cst.CSTNode) -> bool:
        """Whether a statement can raise: it calls Python code. C functions called through
        ctypes/cffi and the packs' own module functions do not raise."""
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if isinstance(node, cst.Call) and not self.resolve(node.func).library:
            return True
        return any(self.may_raise(child) for child in nodes.children(node))

    def _is_prototype(self, func: cst.BaseExpression) -> bool:
        """`PROTO` where PROTO = CFUNCTYPE(...), or `CFUNCTYPE(...)` itself: calling it makes a callback."""
        if isinstance(func, cst.Name) and func.value in self.facts.prototypes:
            return True
        if isinstance(func, cst.Call):
            prototypes = self.contracts.loaders.callback_prototypes
            return self.facts.resolve(func.func, prototypes) in prototypes
        return False

    def _null_pointer(self, expr: cst.BaseExpression) -> bool:
        """`0`, `None` or `ffi.NULL`: what a NULL callback is made of."""
        if _is_none(expr) or (isinstance(expr, cst.Integer) and expr.value == "0"):
            return True
        return isinstance(expr, cst.Attribute) and expr.attr.value == "NULL" and self.facts.is_ffi(expr.value)

    def _finalizer_call(self, node: cst.Call) -> bool:
        """`f()` releases what the finalizer `f` manages (once, legally); `f.detach()` hands it
        back to the program. Whether the call was one of these."""
        func = node.func
        detach = isinstance(func, cst.Attribute) and func.attr.value == "detach"
        target = func.value if detach else func
        name = plain_or_self(target)
        managed = self.facts.finalizers.get(name) if name is not None else None
        if managed is None or (not detach and node.args):
            return False
        key = self.key(managed)
        if key is not None:
            span = self.span_of(node)
            text = self.code_of(func)
            self.out.append(E.Manage(key, span, text, True) if detach else E.Release(key, span, f"{text}()", "python", True))
        return True

    def _call(self, node: cst.Call) -> Optional[str]:
        if self._is_prototype(node.func) and len(node.args) == 1 and self._null_pointer(node.args[0].value):
            return None  # PROTO(0), PROTO(None): a NULL function pointer (clears a registration)
        if self._is_prototype(node.func) and len(node.args) == 1 and not isinstance(node.args[0].value, cst.SimpleString):
            # PROTO(python_function) wraps a Python callable for C (PROTO(("name", lib)) is a prototype).
            for arg in node.args:
                self._escape_expr(arg.value)
            target = self._temp()
            self.out.append(E.Acquire(target, self.span_of(node), State.CALLBACK, "", self.code_of(node.func)))
            return target
        if self._finalizer_call(node):
            return None
        callee = self.resolve(node.func)
        func_key = self.ev(node.func) if not callee.library else None
        span = self.span_of(node)
        contract = callee.contract
        positional: list[tuple[int, cst.Arg, Optional[str]]] = []
        keyword: list[tuple[cst.Arg, Optional[str]]] = []
        stored: list[str] = []
        for arg in node.args:
            index = len(positional)
            if contract is not None and index in contract.stores and not arg.keyword and not arg.star \
                    and isinstance(arg.value, (cst.List, cst.Tuple)):
                # An initializer: the new memory points to each element, it does not keep them.
                stored += [k for k in (self.ev(e.value) for e in arg.value.elements) if k is not None]
                key = None
            else:
                key = self.ev(arg.value)
                if contract is not None and index in contract.stores and key is not None:
                    stored.append(key)
            if arg.keyword is not None or arg.star:
                keyword.append((arg, key))
            else:
                positional.append((len(positional), arg, key))
        if isinstance(node.func, cst.Name) and node.func.value in _IMPLICIT and len(positional) == 1:
            self._implicit(positional[0][1].value, node.func.value, span)
        summary = callee.function or callee.method
        if summary is not None:
            return self._summarised_call(node, callee, summary, positional, keyword, span)
        if not callee.library:
            # An unknown callee may keep or release what it is given: let it escape.
            along = self._along(node, positional, keyword)
            for _, arg, key in positional:
                if key is not None:
                    self.out.append(E.Use(key, self.span_of(arg.value), f"passed to `{callee.text}`", passed=True))
                    self.out.append(E.Escape(key, span, call=callee.text, along=along))
            for arg, key in keyword:
                if key is not None:
                    self.out.append(E.Use(key, self.span_of(arg.value), f"passed to `{callee.text}`", passed=True))
                    self.out.append(E.Escape(key, span, call=callee.text, along=along))
            if callee.method is not None:
                self._method_effects(node, callee, span)
            elif func_key is not None and isinstance(node.func, cst.Attribute):
                receiver = self.key(node.func.value)
                if receiver is not None:
                    self.out.append(E.Escape(receiver, span))
            return None
        to_c = contract is None or _dereferences(contract)
        for arg, key in keyword:
            if key is not None:
                self.out.append(E.Use(key, self.span_of(arg.value), f"passed to `{callee.text}`", passed=True, to_c=to_c))
        if contract is None:
            for _, arg, key in positional:
                if key is not None:
                    self.out.append(E.Use(key, self.span_of(arg.value), f"passed to `{callee.text}`", passed=True, to_c=True))
            return None
        if contract.keeps and isinstance(node.func, cst.Attribute):
            positional = self._implicit_callbacks(node.func.attr.value, contract, positional)
        result = self._apply_contract(node, callee, contract, positional, span)
        if result is not None:
            for key in stored:
                self.out.append(E.Pin(result, key, span))
        return result

    def _frees(self, destructor: cst.BaseExpression) -> bool:
        """Whether a destructor is known to release its argument (a pack or inferred
        contract with `releases = 0`)."""
        contract = self.resolve(destructor).contract
        return contract is not None and contract.releases == 0

    def _is_ffi_release(self, expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Attribute) and expr.attr.value == "release" and self.facts.is_ffi(expr.value)

    def _implicit_callbacks(self, function: str, contract: Contract, positional: list) -> list:
        """`lib.f.argtypes = [CALLBACK]` and then `lib.f(py_function)`: ctypes wraps the
        function in a callback object of its own, which nothing keeps once the call returns
        (what `lib.f(CALLBACK(py_function))` does explicitly)."""
        declared = self.facts.callback_argtypes.get(function)
        if not declared:
            return positional
        out = []
        for index, arg, key in positional:
            if index in declared and index in contract.keeps and self._is_function(arg.value):
                if key is not None:
                    self.out.append(E.Escape(key, self.span_of(arg.value)))
                key = self._temp()
                self.out.append(E.Acquire(key, self.span_of(arg.value), State.CALLBACK, "", declared[index]))
            out.append((index, arg, key))
        return out

    def _is_function(self, expr: cst.BaseExpression) -> bool:
        """A Python function or method, not a callback object: a lambda, a `def` of the
        module, or `self.m` for a method of the class."""
        if isinstance(expr, cst.Lambda):
            return True
        if isinstance(expr, cst.Name):
            return any(s.kind == "function" and not s.cls and s.node.name.value == expr.value for s in self.facts.scopes)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self":
            return any(s.kind == "function" and s.cls == self.scope.cls and s.node.name.value == expr.attr.value
                       for s in self.facts.scopes if self.scope.cls)
        return False

    def _summarised_call(self, node: cst.Call, callee: Callee, summary: Summary, positional, keyword,
                         span: Span) -> Optional[str]:
        """A call of a function or method of this module, through its summary: what it
        releases, uses or keeps of each argument, and whether it returns an owned value."""
        offset = 1 if callee.method is not None else 0  # `self` is the receiver
        params = summary.params
        releases = {i: (where, call, family) for i, where, call, family in summary.param_releases}
        bound = [(offset + i, arg, key) for i, arg, key in positional]
        for arg, key in keyword:
            name = arg.keyword.value if arg.keyword is not None else None
            bound.append((params.index(name) if name in params else -1, arg, key))
        along = self._along(node, positional, keyword)
        for index, arg, key in bound:
            if key is None:
                continue
            if arg.star or index < 0 or index >= len(params) or index in summary.param_escapes:
                self.out.append(E.Use(key, self.span_of(arg.value), f"passed to `{callee.text}`", passed=True))
                self.out.append(E.Escape(key, span, call=callee.text, along=along))
            elif index in releases:
                where, call, family = releases[index]
                self.out.append(E.Release(key, span, callee.text, family, inside=(callee.origin, where, call)))
            else:
                self.out.append(E.Use(key, self.span_of(arg.value), f"passed to `{callee.text}`", passed=True))
        if callee.method is not None:
            self._method_effects(node, callee, span)
        if not summary.returns:
            return None
        state, family, call, where = summary.returns
        target = self._temp()
        self.out.append(E.Acquire(target, span, _RETURNED.get(state, State.MAYBE), family,
                                  callee.text, inside=(callee.origin, where, call)))
        return target

    def _along(self, node: cst.Call, positional, keyword) -> tuple:
        """The keys a Python call receives together (its arguments and its receiver): an
        object built from a borrowed pointer can keep the pointer's owner through them."""
        keys = [key for _, _, key in positional] + [key for _, key in keyword]
        if isinstance(node.func, cst.Attribute):
            keys.append(self.key(node.func.value))
        return tuple(sorted({key for key in keys if key is not None}))

    def _method_effects(self, node: cst.Call, callee: Callee, span: Span) -> None:
        self._summary_effects(self.key(node.func.value), callee.method, f"{callee.text}()", span)

    def _discarded_object(self, call: cst.Call, span: Span) -> None:
        """`Cls(...)` thrown away, where `__init__` had C keep a callback that only the new
        object keeps alive: it dies here while C holds it. A class with a destructor (which
        may unregister) or whose `__init__` hands `self` on is left alone."""
        cls = call.func.value if isinstance(call.func, cst.Name) and call.func.value in self.facts.classes else None
        init = self.summaries.get((cls, "__init__")) if cls else None
        if init is None or not init.kept or 0 in init.param_escapes or (cls, "__del__") in self.summaries \
                or any(s.managed for (c, _), s in self.summaries.items() if c == cls):
            return
        _attr, kept_by, handle = init.kept[0]
        target = self._temp()
        self.out.append(E.Acquire(target, span, State.HANDLE if handle else State.CALLBACK, "", self.code_of(call.func)))
        self.out.append(E.Keep(target, span, kept_by, None))
        self.out.append(E.Kill(target, span))

    def _implicit(self, expr: cst.BaseExpression, how: str, span: Span) -> None:
        """Python calls a method of `expr`'s object for it (`len(obj)`, `for x in obj`):
        the first of `_IMPLICIT[how]` its class defines acts through its summary."""
        cls = self.scope.instances.get(expr.value) if isinstance(expr, cst.Name) else None
        for method in _IMPLICIT[how] if cls else ():
            if (summary := self.summaries.get((cls, method))) is not None:
                self._summary_effects(self.key(expr), summary, f"{cls}.{method}()", span)
                return

    def _summary_effects(self, receiver: str, summary: Summary, text: str, span: Span) -> None:
        """What a method does to the receiver's attributes, from its summary."""
        for attr in sorted(summary.uses - summary.releases):
            inside = tuple(site for name, site in summary.use_sites if name == attr)
            self.out.append(E.Use(f"{receiver}.{attr}", span, f"used by `{text}`", text, inside))
        for attr in sorted(summary.releases):
            self.out.append(E.Release(f"{receiver}.{attr}", span, text, ""))

    def _apply_contract(self, node, callee: Callee, contract: Contract, positional, span: Span) -> Optional[str]:
        keys = {index: key for index, _, key in positional}
        args = {index: arg for index, arg, _ in positional}
        for index, arg, key in positional:
            if key is None:
                continue
            where = self.span_of(arg.value)
            if index == contract.releases:
                python = contract.family == "python"
                self.out.append(E.Release(key, span, callee.text, contract.family, python,
                                          elements=contract.elements))
            elif index == contract.empties:
                self.out.append(E.Release(key, span, callee.text, contract.family, contents=True))
            elif index in contract.takes:
                self.out.append(E.Transfer(key, span, callee.text))
            elif index == contract.refs:
                self.out.append(E.Use(key, where, f"passed to `{callee.text}`", passed=True, to_c=True))
                self.out.append(E.Ref(key, span, callee.text, contract.family, contract.floating))
            elif index in contract.takes_on_success:
                # Ownership that moves only when the call succeeds: no longer followed
                # (escape is silence).
                self.out.append(E.Escape(key, span))
            elif index == contract.manages:
                destructor = args.get(contract.destructor) if contract.destructor is not None else None
                detach = destructor is not None and _is_none(destructor.value)
                if destructor is not None and self._is_ffi_release(destructor.value):
                    # `ffi.gc(p, ffi.release)`: cffi's own early release, legal for any cdata
                    # (ffi.new memory included); ownership stays as it was.
                    self.out.append(E.Use(key, where, f"passed to `{callee.text}`", passed=True))
                    continue
                frees = destructor is None or detach or self._frees(destructor.value)
                self.out.append(E.Manage(key, span, callee.text, detach, frees))
            elif index in contract.out or index == contract.reallocates or index == contract.fills:
                continue
            elif index == contract.alias_of and contract.pack in self._retyping_packs:
                # ctypes' or cffi's own casts, `byref`, `pointer`, `addressof` read nothing
                # through the pointer (`cast(p, c_void_p).value` of a released `p`, a
                # registry key): using the alias is what uses the value. A C function that
                # returns its argument (`cpSpaceAddBody`) does use it.
                continue
            else:
                self.out.append(E.Use(key, where, f"passed to `{callee.text}`", passed=True,
                                      to_c=_dereferences(contract)))
        holder = keys.get(contract.holder) if contract.holder is not None else None
        for index in contract.keeps if not contract.held_by_result else ():
            # Also for untracked arguments (None): registering again lets the old ones go.
            self.out.append(E.Keep(keys.get(index), span, callee.text, holder))
        returns = contract.returns
        if contract.out or contract.fills is not None:
            return self._out_parameters(callee, contract, args, keys, span)
        if contract.refs is not None and returns is Returns.NOTHING:
            return keys.get(contract.refs)  # `g_object_ref` returns the object it was given
        if returns is Returns.ALIAS:
            source = keys.get(contract.alias_of)
            if contract.weak and source is not None:
                target = self._temp()
                self.out.append(E.View(target, source, span, callee.text))
                return target
            return source
        state = _ACQUIRED_STATE.get(returns)
        if state is None:
            return None
        checked = self._errcheck(callee, contract, state, span)
        if checked != "":
            return checked
        if state is State.OWNED and contract.may_fail is MayFail.NULL and contract.name not in self.facts.errchecks:
            state = State.MAYBE  # (an `errcheck` raises on the failure instead of returning NULL)
        target = self._temp()
        self.out.append(
            E.Acquire(
                target, span, state, contract.family, callee.text,
                owner=keys.get(contract.owner if contract.owner is not None else contract.parent)
                if contract.owner is not None or contract.parent is not None else None,
                realloc_of=keys.get(contract.reallocates) if contract.reallocates is not None else None,
            )
        )
        for index in contract.keeps if contract.held_by_result else ():
            # Kept until the new object is released (or it turns out NULL).
            self.out.append(E.Keep(keys.get(index), span, callee.text, target))
        return target

    def _errcheck(self, callee: Callee, contract: Contract, state: State, span: Span):
        """What an `errcheck` of this module does with an owned result, from its summary
        (it receives the result as its first argument): frees it (the call returns what it
        made of it: untracked, None), hands it back (owned, never NULL: ""), or converts it
        and drops the pointer (every call leaks: the result is acquired and thrown away
        here, None). "" when there is no errcheck to follow."""
        function = self.facts.errchecks.get(contract.name)
        summary = self.summaries.get(("", function)) if function else None
        if summary is None or state is not State.OWNED or not summary.params:
            return ""
        if any(index == 0 for index, *_ in summary.param_releases):
            return None  # `s = string_at(p); free(p); return s`
        if 0 in summary.param_escapes or summary.returns:
            return ""  # `if not p: raise ...; return p`
        target = self._temp()
        self.out.append(E.Acquire(target, span, State.OWNED, contract.family, callee.text))
        self.out.append(E.Discard(target, span, f"converted by its errcheck `{function}`, which drops the pointer"))
        return None

    def _out_parameters(self, callee: Callee, contract: Contract, args, keys, span: Span) -> Optional[str]:
        """Each out-parameter acquires its value; one status (the result) says whether all did.
        A filled struct (`fills`) holds its new contents under its own key: releasing them
        goes through the same pointer."""
        if contract.fills is not None:
            targets = [(0, self._fill_target(args[contract.fills].value))] if contract.fills in args else []
        else:
            targets = [(position, self._out_target(args[index].value))
                       for position, index in enumerate(contract.out) if index in args]
        targets = [(position, target) for position, target in targets if target is not None]
        if not targets:
            return None
        status = self._temp()
        may_fail = contract.may_fail is MayFail.STATUS
        borrowed = contract.owner is not None  # out values borrowed from an argument (`git_config_next`)
        owner = keys.get(contract.owner) if borrowed else None
        parent = keys.get(contract.parent) if contract.parent is not None else None
        for position, target in targets:
            # Each value its own acquisition site: the call, or with several, each argument.
            site = span if len(contract.out) <= 1 else self.span_of(args[contract.out[position]].value)
            root = target.split(".")[0].split("[")[0]
            # Filled into an attribute, a global or the caller's object (a parameter): stored
            # there as by an assignment, not left to this function to release.
            stored = "." in target or root in self.scope.params or self._escapes(root)
            into = self._temp() if stored else target
            if borrowed:
                self.out.append(E.Acquire(into, site, State.BORROWED, "", callee.text, owner=owner,
                                          out_borrowed=owner is not None))
            else:
                self.out.append(
                    E.Acquire(
                        into, site, State.MAYBE if may_fail else State.OWNED,
                        contract.family_of_out(position), callee.text,
                        status=status if may_fail else None, success=contract.success,
                        filled=contract.fills is not None, owner=parent,
                    )
                )
            if stored:
                self.out.append(E.Bind(target, into, site, escapes=True))
        return status

    def _fill_target(self, expr: cst.BaseExpression) -> Optional[str]:
        """The struct a call fills: `byref(arr)` / `pointer(arr)` fill `arr`; a cffi `T *`
        named `arr` is the struct's own pointer."""
        if isinstance(expr, cst.Call):
            return self._aliased(expr)
        return self.key(expr)

    def _out_target(self, expr: cst.BaseExpression) -> Optional[str]:
        """`byref(db)` / `pointer(db)` fill `db`; a cffi `T **` named `pp` fills `pp[0]`."""
        if isinstance(expr, cst.Call):
            return self._aliased(expr)
        base = self.key(expr)
        return f"{base}[0]" if base else None

    def _holder_address(self, expr: cst.BaseExpression) -> bool:
        """Whether `expr` re-types the address of a Python object that holds a pointer
        (`cast(pointer(p), POINTER(c_ulong))`): reading through it reads the holder's
        value, the pointer itself, which stays readable after what it points to is freed."""
        while isinstance(expr, cst.Call) and expr.args:
            contract = self.resolve(expr.func).contract
            if contract is None or contract.returns is not Returns.ALIAS:
                return False
            if contract.address:
                return True
            expr = expr.args[contract.alias_of or 0].value
        return False

    def _aliased(self, call: cst.Call) -> Optional[str]:
        """The key of the argument a casting call (`byref(x)`, `pointer(x)`) stands for."""
        contract = self.resolve(call.func).contract
        if contract is not None and contract.returns is Returns.ALIAS and call.args:
            return self.key(call.args[contract.alias_of or 0].value)
        return None

    # --- expressions ----------------------------------------------------------------

    def ev(self, expr: cst.BaseExpression) -> Optional[str]:
        """Emit the events of evaluating `expr`; return the key holding its value, if tracked."""
        if isinstance(expr, cst.Name):
            return self.key(expr)
        if isinstance(expr, cst.Attribute):
            base = self.ev(expr.value)
            if base is not None and not base.startswith("$") and not self._holder_address(expr.value):
                self.out.append(E.Use(base, self.span_of(expr.value), f"dereferenced (`.{expr.attr.value}`)"))
            return self.key(expr)
        if isinstance(expr, cst.Subscript):
            base = self.ev(expr.value)
            for element in expr.slice:
                self._escape_temps_of(element)
            if base is not None and not self._holder_address(expr.value):
                self.out.append(E.Use(base, self.span_of(expr.value), "indexed"))
            self._implicit(expr.value, "indexed", self.span_of(expr))
            return self.key(expr)
        if isinstance(expr, cst.Call):
            key = self._call(expr)
            if key is not None:
                self.key_of_node[id(expr)] = key
            return key
        if isinstance(expr, cst.NamedExpr):
            source = self.ev(expr.value)
            self._bind(expr.target, source, self.span_of(expr))
            return self.key(expr.target)
        if isinstance(expr, cst.Lambda):
            self._capture(expr, self.span_of(expr))
            return None
        if isinstance(expr, _COMPREHENSIONS):
            self._comprehension(expr)
            return None
        if isinstance(expr, cst.Await):
            self._escape_expr(expr.expression)
            return None
        if isinstance(expr, cst.Yield):
            value = expr.value.item if isinstance(expr.value, cst.From) else expr.value
            key = self.ev(value) if value is not None else None
            if key is not None:
                # A value the generator releases itself later is only lent to the consumer
                # (it stays the generator's); any other yielded value is handed out.
                lent = isinstance(value, cst.Name) and value.value in self._released_here()
                self.out.append(E.Escape(key, self.span_of(value), yielded=not isinstance(expr.value, cst.From),
                                         lent=lent))
            return None
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            for element in expr.elements:
                self._escape_expr(element.value)
            return None
        if isinstance(expr, cst.Dict):
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    self._escape_expr(element.key)
                self._escape_expr(element.value)
            return None
        if isinstance(expr, (cst.IfExp, cst.BooleanOperation)):
            for child in _expressions(expr):
                self._escape_expr(child)
            return None
        for child in _expressions(expr):
            self.ev(child)
        return None

    def _lender(self, item) -> Optional[Callee]:
        """The callee of a `with` item `f(...)` that lends the value it yields (Summary.lends)."""
        if not isinstance(item, cst.Call):
            return None
        callee = self.resolve(item.func)
        return callee if callee.function is not None and callee.function.lends else None

    def _released_here(self) -> set:
        """The plain names this scope passes to a release (a contract's, or a helper's that
        releases that parameter), by position, found once per scope."""
        if self.released_names is None:
            self.released_names = set()
            stack = list(nodes.children(self.scope.node))
            while stack:
                node = stack.pop()
                if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                    continue
                stack.extend(nodes.children(node))
                if not isinstance(node, cst.Call):
                    continue
                callee = self.resolve(node.func)
                released = {callee.contract.releases} if callee.contract is not None else set()
                if callee.function is not None:
                    released |= {index for index, *_ in callee.function.param_releases}
                for index, arg in enumerate(node.args):
                    if index in released and not arg.keyword and not arg.star and isinstance(arg.value, cst.Name):
                        self.released_names.add(arg.value.value)
        return self.released_names

    def _escape_expr(self, expr: cst.BaseExpression) -> None:
        key = self.ev(expr)
        if key is not None:
            self.out.append(E.Escape(key, self.span_of(expr)))

    def _escape_temps_of(self, node: cst.CSTNode) -> None:
        for child in _expressions(node):
            self._escape_temps_of_expr(child)

    def _capture(self, node: cst.CSTNode, span: Span) -> None:
        """A closure keeps every outer name it mentions alive: those values escape. Only
        names that this scope's own code mentions can hold this scope's values. In a
        module or class body every such name already escapes when it is bound
        (`_escapes`), so only functions need this."""
        if self.scope.kind != "function":
            return
        helper = isinstance(node, cst.FunctionDef) and self._only_called(node.name.value)
        for name in sorted(self.facts.names_in(node) & self.scope.names):
            if helper and self._only_used_by_c(node, name):
                continue  # a local helper that only passes it to C functions that use it
            self.out.append(E.Escape(self.key(cst.Name(name)) or name, span))

    def _only_called(self, name: str) -> bool:
        """Whether this scope mentions the nested function `name` only to call it."""
        calls = mentions = 0
        stack = list(nodes.children(self.scope.node.body))
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Call) and isinstance(current.func, cst.Name) and current.func.value == name:
                calls += 1
            elif isinstance(current, cst.Name) and current.value == name:
                mentions += 1
            if isinstance(current, cst.FunctionDef) and current.name.value == name:
                stack.extend(nodes.children(current.body))  # (its own name is the definition)
                continue
            stack.extend(nodes.children(current))
        return calls > 0 and mentions == calls  # each call's func is also a mention

    def _only_used_by_c(self, function: cst.FunctionDef, name: str) -> bool:
        """Whether every mention of `name` in `function` is an argument of a C function
        whose contract only uses it there (weasyprint's `add_attr` closure)."""
        harmless: set = set()
        mentions = 0
        stack = list(nodes.children(function.body))
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Name) and current.value == name:
                mentions += 1
            if isinstance(current, cst.Call):
                callee = self.resolve(current.func)
                contract = callee.contract
                for index, arg in enumerate(current.args):
                    if isinstance(arg.value, cst.Name) and arg.value.value == name and callee.library \
                            and arg.keyword is None and not arg.star and (contract is None or not _affects(contract, index)):
                        harmless.add(id(arg.value))
            stack.extend(nodes.children(current))
        return mentions > 0 and mentions == len(harmless)

    def _comprehension(self, expr) -> None:
        renames: dict[str, str] = {}
        self.renames.append(renames)
        clause = expr.for_in
        first = True
        while clause is not None:
            if first:
                # The first iterable is evaluated in the enclosing scope.
                self.renames.pop()
                self._escape_temps_of_expr(clause.iter)
                self.renames.append(renames)
                first = False
            else:
                self._escape_temps_of_expr(clause.iter)
            for name in _target_names(clause.target):
                self.counter += 1
                renames[name] = f"{name}@{self.counter}"
            for condition in clause.ifs:
                self.ev(condition.test)
            clause = clause.inner_for_in
        if isinstance(expr, cst.DictComp):
            self._escape_expr(expr.key)
            self._escape_expr(expr.value)
        else:
            self._escape_expr(expr.elt)
        self.renames.pop()
        for name in sorted(renames.values()):
            self.out.append(E.Kill(name, self.span_of(expr)))

    def _escape_temps_of_expr(self, expr: cst.BaseExpression) -> None:
        """Evaluate `expr`; a call result it produces flows somewhere unmodelled: it escapes."""
        key = self.ev(expr)
        if key is not None and key.startswith("$"):
            self.out.append(E.Escape(key, self.span_of(expr)))

    # --- targets --------------------------------------------------------------------

    def _bind(self, target: cst.BaseExpression, source: Optional[str], span: Span) -> None:
        if isinstance(target, cst.Name):
            key = self.key(target)
            self.out.append(E.Bind(key, source, span, escapes=self._escapes(target.value)))
        elif isinstance(target, (cst.Attribute, cst.Subscript)):
            if isinstance(target, cst.Subscript):
                for element in target.slice:
                    self._escape_temps_of(element)
            base = self.key(target.value) if not isinstance(target.value, cst.Call) else self.ev(target.value)
            if base is not None:
                self.out.append(E.Use(base, self.span_of(target.value), "written through"))
            key = self.key(target)
            if key is None:
                if source is not None:
                    self.out.append(E.Escape(source, span))
            else:
                self.out.append(E.Bind(key, source, span, escapes=True, into=base))
        elif isinstance(target, (cst.Tuple, cst.List)):
            if source is not None:
                self.out.append(E.Escape(source, span))
            for element in target.elements:
                self._bind(element.value, None, span)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, None, span)

    # --- statements -----------------------------------------------------------------

    def lower_step(self, step: Step) -> list:
        self.out = []
        node = step.node
        if step.kind == "expr":
            key = self.ev(node)
            if step.extra in _IMPLICIT:
                self._implicit(node, step.extra, self.span_of(node))
            if step.extra in ("decorator", "with") and key is not None:
                self.out.append(E.Escape(key, self.span_of(node)))
        elif step.kind == "bind":
            lender = self._lender(step.extra)
            if lender is not None and isinstance(node, cst.Name):
                # `with opened() as s:` of a @contextmanager that releases what it yields: the
                # block borrows the value (it is the generator's to release), until the exit.
                family, call, where = lender.function.lends
                self.out.append(E.Acquire(node.value, self.span_of(step.extra), State.ESCAPED, family,
                                          lender.text, inside=(lender.origin, where, call)))
            else:
                self._bind(node, None, self.span_of(node))
        elif step.kind == "def":
            self._capture(node, self.span_of(node.name))
            self.out.append(E.Bind(node.name.value, None, self.span_of(node.name), self._escapes(node.name.value)))
        elif step.kind == "with-exit":
            name = node.value if isinstance(node, cst.Name) else None
            lender = self._lender(step.extra)
            if lender is not None and name is not None:
                self.out.append(E.Release(name, self.span_of(step.extra), f"with {lender.text}(...)",
                                          lender.function.lends[0]))
            cls = self.scope.instances.get(name) if name else None
            summary = self.summaries.get((cls, "__exit__")) if cls else None
            if summary is not None:
                self._summary_effects(name, summary, f"{cls}.__exit__()", self.span_of(step.extra))
        elif step.kind == "exit":
            kind, span = step.extra
            if self.scope.kind == "module":
                for name in sorted(self.scope.escaping):
                    self.out.append(E.Escape(name, span))
            self.out.append(E.ScopeExit(kind, span, self.scope.name))
        else:
            self._statement(node)
        return self.out

    def _statement(self, node: cst.CSTNode) -> None:
        span = self.span_of(node)
        if isinstance(node, cst.Expr):
            key = self.ev(node.value)
            if key is not None and key.startswith("$"):
                self.out.append(E.Discard(key, span))
            elif key is None and isinstance(node.value, cst.Call):
                self._discarded_object(node.value, span)
        elif isinstance(node, cst.Assign):
            self._assign([t.target for t in node.targets], node.value, span)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self._assign([node.target], node.value, span)
        elif isinstance(node, cst.AugAssign):
            self.ev(node.value)
            key = self.key(node.target)
            if key is not None:
                self.out.append(E.Escape(key, span))
                self.out.append(E.Bind(key, None, span))
        elif isinstance(node, cst.Return):
            if node.value is not None:
                key = self.ev(node.value)
                if key is not None:
                    self.out.append(E.Escape(key, self.span_of(node.value), returned=True))
        elif isinstance(node, cst.Raise):
            if node.exc is not None:
                self._escape_expr(node.exc)
            if node.cause is not None:
                self._escape_expr(node.cause)
        elif isinstance(node, cst.Del):
            for element in _del_targets(node.target):
                key = self.key(element)
                if key is not None:
                    self.out.append(E.Kill(key, span))
        elif type(node).__name__ in _IMPORTS:
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    local = alias.asname.name if alias.asname is not None else alias.name
                    if isinstance(local, cst.Name):
                        self.out.append(E.Bind(local.value, None, span))
        elif isinstance(node, (cst.Global, cst.Nonlocal, cst.Pass)):
            pass
        else:
            # Anything else: every name it mentions escapes (never a false alarm).
            self._capture(node, span)

    def _assign(self, targets: list, value: cst.BaseExpression, span: Span) -> None:
        if (
            len(targets) == 1
            and isinstance(targets[0], (cst.Tuple, cst.List))
            and isinstance(value, (cst.Tuple, cst.List))
            and len(targets[0].elements) == len(value.elements)
            and not any(isinstance(e, cst.StarredElement) for e in targets[0].elements)
        ):
            # Parallel assignment: evaluate every source, then bind each target.
            sources = [self.ev(e.value) for e in value.elements]
            held = []
            for index, source in enumerate(sources):
                if source is not None and not source.startswith("$"):
                    # Hold the value while targets are rebound (`a, b = b, a`).
                    hold = self._temp()
                    self.out.append(E.Bind(hold, source, span))
                    held.append(hold)
                    sources[index] = hold
            for element, source in zip(targets[0].elements, sources):
                self._bind(element.value, source, span)
            for hold in held:
                self.out.append(E.Kill(hold, span))
            return
        source = self.ev(value)
        for target in targets:
            self._bind(target, source, span)

    # --- conditions on edges ----------------------------------------------------------

    def assumptions(self, test: cst.BaseExpression, truth: bool) -> list:
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self.assumptions(test.expression, not truth)
        if isinstance(test, cst.BooleanOperation):
            both = isinstance(test.operator, cst.And) == truth
            if both:
                return self.assumptions(test.left, truth) + self.assumptions(test.right, truth)
            return []
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            return self._comparison(test.left, test.comparisons[0], truth)
        if isinstance(test, cst.NamedExpr):
            key = self.key(test.target)
            return [E.Assume(key, "truthy" if truth else "falsy")] if key else []
        if isinstance(test, cst.Call) and self.code_of(test.func) == "bool" and len(test.args) == 1:
            return self.assumptions(test.args[0].value, truth)
        key = self.key_of_node.get(id(test)) or self.key(test)
        return [E.Assume(key, "truthy" if truth else "falsy")] if key else []

    def _comparison(self, left, comparison: cst.ComparisonTarget, truth: bool) -> list:
        right = comparison.comparator
        op = comparison.operator
        if isinstance(op, (cst.Is, cst.Equal)):
            positive = True
        elif isinstance(op, (cst.IsNot, cst.NotEqual)):
            positive = False
        elif type(op) in _ORDER:  # `rc < 0`, `n >= 1`: a status test
            if isinstance(left, cst.NamedExpr):
                left = left.target
            key = self.key_of_node.get(id(left)) or self.key(left)
            const = _constant(right)
            if key is None or not isinstance(const, int) or isinstance(const, bool):
                return []
            test = _ORDER[type(op)]
            return [E.Assume(key, test if truth else _NEGATED[test], const)]
        else:
            return []
        if self._is_null(left) and not self._is_null(right):
            left, right = right, left
        if isinstance(left, cst.NamedExpr):
            left = left.target
        key = self.key_of_node.get(id(left)) or self.key(left)
        if key is None:
            return []
        equal = positive == truth
        if self._is_null(right):
            return [E.Assume(key, "falsy" if equal else "truthy")]
        const = _constant(right)
        if const is None:
            return []
        return [E.Assume(key, "eq" if equal else "ne", const)]

    def _is_null(self, expr: cst.BaseExpression) -> bool:
        if _is_none(expr):
            return True
        if isinstance(expr, cst.Integer) and expr.value == "0":
            return True
        return isinstance(expr, cst.Attribute) and expr.attr.value == "NULL" and self.facts.is_ffi(expr.value)


_ORDER = {cst.LessThan: "lt", cst.LessThanEqual: "le", cst.GreaterThan: "gt", cst.GreaterThanEqual: "ge"}
_NEGATED = {"lt": "ge", "ge": "lt", "le": "gt", "gt": "le"}


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _constant(expr: cst.BaseExpression) -> object:
    if isinstance(expr, cst.Integer):
        return int(expr.value, 0)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = _constant(expr.expression)
        return -inner if isinstance(inner, int) else None
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return None


def _expressions(node: cst.CSTNode):
    """The direct sub-expressions of a node, looking through non-expression wrappers."""
    for child in nodes.children(node):
        if isinstance(child, cst.BaseExpression):
            yield child
        elif not isinstance(child, (cst.BaseSuite, cst.BaseStatement)):
            yield from _expressions(child)


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _del_targets(target: cst.BaseExpression):
    if isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _del_targets(element.value)
    else:
        yield target


def lower(graph: Graph, lowerer: Lowerer) -> list[LoweredBlock]:
    """Lower every block; temporaries die at the end of their statement, or on the
    outgoing edges when the block ends with a test whose edges still need them."""
    blocks: list[LoweredBlock] = []
    for block in graph.blocks:
        produced: list = []
        edge_kills: list = []
        conditional = any(edge.condition is not None for edge in block.edges)
        for position, step in enumerate(block.steps):
            lowerer.temps = []
            produced.extend(lowerer.lower_step(step))
            where = lowerer.span_of(step.node) if step.node is not None else NOWHERE
            # Temporaries die newest first, as Python drops them: a container before its items.
            kills = [E.Kill(t, where) for t in reversed(lowerer.temps)]
            last = position == len(block.steps) - 1
            if last and step.kind == "expr" and conditional:
                edge_kills = kills
            else:
                produced.extend(kills)
        edges = []
        for edge in block.edges:
            extra = lowerer.assumptions(*edge.condition) if edge.condition is not None else []
            if edge.excused:
                extra = extra + [E.Excuse()]
            edges.append((edge.target, extra + edge_kills, edge.implicit))
        blocks.append(LoweredBlock(produced, edges))
    return blocks

