"""Which exceptions the module's own code raises on purpose, and which handlers catch them.

By the oracle's convention an exception that *any* Python call could raise is not a path
a leak is reported on, but one the program raises itself (`raise StackError(...)`, in the
function or in a function of the module it calls, or in the `errcheck` of a C function)
and catches is. This module finds, without running anything:

- `raised`: per function of the module (`("", name)`, or `(class, method)`), the names of
  the exception classes an explicit `raise` in it, or in what it calls, lets out;
- `caught`: per function, those of its exceptions that a `try` around one of its calls
  catches (so its own paths out by them are real);
- `catches(handler type, name)`: whether an `except` clause catches a class, through the
  bases of the module's classes and the builtin hierarchy (True, False, or None when it
  cannot tell: a base imported from elsewhere).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from . import nodes

_BUILTIN = {name: value for name, value in vars(builtins).items()
            if isinstance(value, type) and issubclass(value, BaseException)}
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_ROUNDS = 6  # calls followed this deep (a deeper chain lets out what was found by then)


def _last_name(expr: Optional[cst.BaseExpression]) -> Optional[str]:
    """`E` for `E`, `E(...)`, `errors.E` and `errors.E(...)`."""
    if isinstance(expr, cst.Call):
        expr = expr.func
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return None


def _own_nodes(root: cst.CSTNode):
    """The nodes of a scope's own code (not of the functions, classes, lambdas inside it)."""
    stack = list(nodes.children(root))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(nodes.children(node))


@dataclass
class Raises:
    bases: dict = field(default_factory=dict)  # class of the module -> its base names
    raised: dict = field(default_factory=dict)  # (class, function) -> frozenset of exception names
    caught: dict = field(default_factory=dict)  # (class, function) -> names caught around its calls
    errchecks: dict = field(default_factory=dict)  # C function -> the module function checking it

    # --- the hierarchy ------------------------------------------------------------------

    def subclass(self, name: str, base: str, seen: frozenset = frozenset()) -> Optional[bool]:
        if name == base:
            return True
        if name in self.bases and name not in seen:
            verdicts = [self.subclass(b, base, seen | {name}) for b in self.bases[name]]
            if True in verdicts:
                return True
            return False if verdicts and None not in verdicts else None
        if name in _BUILTIN and base in _BUILTIN:
            return issubclass(_BUILTIN[name], _BUILTIN[base])
        return None

    def catches(self, kind: Optional[cst.BaseExpression], name: str) -> Optional[bool]:
        """Whether `except kind:` catches exception class `name` ("" when unknown)."""
        if kind is None:
            return True
        items = [e.value for e in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
        verdicts = []
        for item in items:
            base = _last_name(item) if not isinstance(item, cst.Call) else None
            if base in ("BaseException", "Exception"):
                verdicts.append(True if base == "BaseException" or name != "GeneratorExit" else False)
            elif base is None or not name:
                verdicts.append(None)
            else:
                verdicts.append(self.subclass(name, base))
        if True in verdicts:
            return True
        return False if None not in verdicts else None

    # --- calls --------------------------------------------------------------------------

    def callee(self, call: cst.Call, cls: str) -> Optional[tuple]:
        """The function of the module a call runs: `f()`, `self.m()`, `Cls()` (its `__init__`),
        or the errcheck of `lib.f()`."""
        func = call.func
        if isinstance(func, cst.Name):
            if func.value in self.bases:
                return (func.value, "__init__")
            return ("", func.value)
        if isinstance(func, cst.Attribute):
            if isinstance(func.value, cst.Name) and func.value.value == "self" and cls:
                return (cls, func.attr.value)
            checker = self.errchecks.get(func.attr.value)
            if checker:
                return ("", checker)
        return None

    def of_call(self, node: cst.CSTNode, cls: str) -> frozenset:
        """The exceptions the calls in a statement or expression raise on purpose."""
        found: set = set()
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, _SCOPES):
                continue
            if isinstance(current, cst.Call):
                found |= self.raised.get(self.callee(current, cls), frozenset())
            stack.extend(nodes.children(current))
        return frozenset(found)


def collect(module: cst.Module, errchecks: dict) -> Raises:
    found = Raises(errchecks={c: f for c, f in errchecks.items() if f})
    functions: dict = {}  # (class, name) -> FunctionDef
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            found.bases[statement.name.value] = [b for b in (_last_name(a.value) for a in statement.bases) if b]
            for member in statement.body.body:
                if isinstance(member, cst.FunctionDef):
                    functions[(statement.name.value, member.name.value)] = member
        elif isinstance(statement, cst.FunctionDef):
            functions[("", statement.name.value)] = statement
    # What each function lets out: its own raises and its callees', unless a `try` of it
    # surely catches them; to a fixpoint over the calls (bounded).
    for _ in range(_ROUNDS):
        current = {key: _lets_out(node, key[0], found) for key, node in functions.items()}
        if current == found.raised:
            break
        found.raised = current
    for (cls, _name), node in functions.items():
        for child in _own_nodes(node):
            if isinstance(child, (cst.Try, cst.TryStar)) and child.handlers:
                for call in (n for n in _own_nodes(child.body) if isinstance(n, cst.Call)):
                    target = found.callee(call, cls)
                    for name in found.raised.get(target, ()):
                        if any(found.catches(h.type, name) for h in child.handlers):
                            found.caught.setdefault(target, set()).add(name)
    return found


def _lets_out(function: cst.FunctionDef, cls: str, found: Raises) -> frozenset:
    out: set = set()

    def visit(body, handlers: tuple) -> None:
        for node in _children_statements(body):
            if isinstance(node, (cst.Try, cst.TryStar)):
                visit(node.body, handlers + (tuple(h.type for h in node.handlers),))
                for part in [*node.handlers, node.orelse, node.finalbody]:
                    if part is not None:
                        visit(part.body, handlers)
                continue
            if isinstance(node, _SCOPES):
                continue
            names = set()
            if isinstance(node, cst.Raise):
                name = _last_name(node.exc)
                if name:
                    names.add(name)
            names |= found.of_call(node, cls) if not _compound(node) else found.of_call(_header(node), cls)
            for name in names:
                if not any(any(found.catches(kind, name) for kind in level) for level in handlers):
                    out.add(name)
            if _compound(node):
                for inner in _bodies(node):
                    visit(inner, handlers)

    visit(function.body, ())
    return frozenset(out)


def _compound(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.BaseCompoundStatement)


def _header(node: cst.BaseCompoundStatement) -> cst.CSTNode:
    """The expressions a compound statement evaluates itself (a test, an iterable, items)."""
    for name in ("test", "iter", "subject"):
        if hasattr(node, name):
            return getattr(node, name)
    if isinstance(node, cst.With):
        return cst.Tuple([cst.Element(item.item) for item in node.items])
    return cst.Pass()


def _bodies(node: cst.BaseCompoundStatement) -> list:
    if isinstance(node, cst.Match):
        return [case.body for case in node.cases]
    found = [node.body]
    orelse = getattr(node, "orelse", None)
    while isinstance(orelse, cst.If):
        found.append(orelse.body)
        orelse = orelse.orelse
    if orelse is not None:
        found.append(orelse.body)
    return found


def _children_statements(body):
    """The statements of a suite, simple statements' parts one by one."""
    statements = body.body if isinstance(body, cst.BaseSuite) else body
    if isinstance(body, cst.SimpleStatementSuite):
        yield from body.body
        return
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        else:
            yield statement
