"""ctypes prototypes -> the functions they declare, as cdecls.Function (SPEC §3, "Inference").

`lib.f.restype = c_void_p`, `= POINTER(T)` or `= Handle` (a `c_void_p` subclass) says
that f returns a pointer; `lib.f.argtypes = [POINTER(T), c_int]` says which arguments are
pointers. The pointed-to type is the class's name (`T`, `Handle`), or "void" for a bare
`c_void_p`, so that cdecls.py pairs creators and destroyers exactly as for a cdef: by
type where the prototypes name one, by the words of the names where they say `void *`.
Only literal declarations count: what a table or a helper computes is not guessed at.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from .cdecls import Function

_VOID_P = frozenset({"c_void_p", "ctypes.c_void_p"})
_POINTER = frozenset({"POINTER", "ctypes.POINTER"})
_RECORDS = frozenset({"Structure", "Union", "ctypes.Structure", "ctypes.Union", "BigEndianStructure",
                      "LittleEndianStructure"})


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else ""
    return ""


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.handles: set[str] = set()  # `class Handle(c_void_p)`: a pointer by itself
        self.records: set[str] = set()  # `class Foo(Structure)`: a pointer through POINTER(Foo)
        self.restypes: dict[str, tuple[cst.BaseExpression, cst.CSTNode]] = {}
        self.argtypes: dict[str, cst.BaseExpression] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = {_dotted(b.value) for b in node.bases}
        if bases & _VOID_P:
            self.handles.add(node.name.value)
        elif bases & _RECORDS:
            self.records.add(node.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            target = target.target
            if isinstance(target, cst.Tuple) and isinstance(node.value, cst.Tuple) \
                    and len(target.elements) == len(node.value.elements):  # `f.argtypes, f.restype = [...], T`
                for left, right in zip(target.elements, node.value.elements):
                    self._declare(left.value, right.value)
            else:
                self._declare(target, node.value)

    def _declare(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Attribute):
            function = target.value.attr.value
            if target.attr.value == "restype":
                self.restypes.setdefault(function, (value, target))
            elif target.attr.value == "argtypes" and isinstance(value, (cst.List, cst.Tuple)):
                self.argtypes.setdefault(function, value)

    def pointee(self, node: cst.BaseExpression) -> str:
        """"void" for c_void_p, `T` for POINTER(T) or a c_void_p subclass T; "" otherwise."""
        name = _dotted(node)
        if name in _VOID_P:
            return "void"
        if name in self.handles:
            return name
        if isinstance(node, cst.Call) and _dotted(node.func) in _POINTER and node.args:
            inner = _dotted(node.args[0].value).rsplit(".", 1)[-1]
            return inner or "void"
        return ""


def declared(module: cst.Module, line_of) -> list[tuple[Function, cst.CSTNode]]:
    """(function, the `restype` target) for every function with a literal pointer restype
    or pointer argtypes; `line_of(node)` gives a node's 1-based line."""
    collector = _Collector()
    module.visit(collector)
    out = []
    for function in sorted(set(collector.restypes) | set(collector.argtypes)):
        value, where = collector.restypes.get(function, (None, None))
        returns = collector.pointee(value) if value is not None else ""
        listed = collector.argtypes.get(function)
        params = tuple(collector.pointee(e.value) for e in listed.elements) if listed is not None else ()
        if not returns and not any(params):
            continue
        anchor: Optional[cst.CSTNode] = where if where is not None else listed
        out.append((Function(function, returns, params, line_of(anchor)), anchor))
    return out
