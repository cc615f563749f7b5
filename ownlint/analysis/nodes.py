"""Fast child iteration over libcst nodes.

`CSTNode.children` runs a visitor over the node to collect them, which made it the single
most expensive call in ownlint's profiles. Nodes are dataclasses, so their children can
be read straight from their fields; the field names per node type are computed once.
Whitespace and punctuation fields are skipped: no analysis looks inside them.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Iterator

import libcst as cst

_SKIPPED = (
    "whitespace", "lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer",
    "comma", "semicolon", "colon", "equal", "lbracket", "rbracket", "lbrace", "rbrace",
    "asynchronous", "dot", "arrow", "operator", "trailing_whitespace",
)
# Node types whose dataclass fields are not in source order (checked against `.children`
# by tests/test_nodes.py).
_ORDER_BY_NAME = {
    "Arg": ("keyword", "value"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "ExceptHandler": ("type", "name", "body"),
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "IfExp": ("body", "test", "orelse"),
    "MatchCase": ("pattern", "guard", "body"),
    "Parameters": ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg"),
    "TypeAlias": ("name", "type_parameters", "value"),
}
_SOURCE_ORDER = {getattr(cst, name): order for name, order in _ORDER_BY_NAME.items() if hasattr(cst, name)}


@lru_cache(maxsize=None)
def _fields(kind: type) -> tuple[str, ...]:
    names = [
        f.name for f in dataclasses.fields(kind)
        if not any(f.name == s or f.name.startswith(s + "_") or f.name.endswith("_" + s) for s in _SKIPPED)
    ]
    order = [name for name in _SOURCE_ORDER.get(kind, ()) if name in names]
    return tuple(order + [name for name in names if name not in order])


# type -> whether it is a libcst node. `isinstance(x, cst.CSTNode)` goes through
# ABCMeta.__instancecheck__, which made this check the most frequent call in profiles.
_IS_NODE: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    known = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return known


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node's child nodes in source order, without whitespace and punctuation."""
    is_node = _IS_NODE.get
    for name in _fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is list or kind is tuple:
            for item in value:
                known = is_node(type(item))
                if known or (known is None and _is_node(type(item))):
                    yield item
            continue
        known = is_node(kind)
        if known or (known is None and _is_node(kind)):
            yield value


@lru_cache(maxsize=None)
def _handlers(visitor_type: type, kind: type):
    name = kind.__name__
    return getattr(visitor_type, f"visit_{name}", None), getattr(visitor_type, f"leave_{name}", None)


def walk(root: cst.CSTNode, visitor: object, enter=None) -> None:
    """Visit `root` and everything under it in source order, calling the visitor's
    `visit_<Type>(node)` before a node's children (returning False skips them) and
    `leave_<Type>(node)` after, as libcst's CSTVisitor does, and `enter(node)` first for
    every node. Unlike `CSTNode.visit`, it rebuilds nothing, which made the one facts
    traversal several times cheaper; and it uses its own stack, not Python's.
    """
    kind_of = type
    visitor_type = kind_of(visitor)
    stack: list = [(root, False)]
    pop, push = stack.pop, stack.append
    while stack:
        node, leaving = pop()
        visit, leave = _handlers(visitor_type, kind_of(node))
        if leaving:
            leave(visitor, node)
            continue
        if enter is not None:
            enter(node)
        if visit is not None and visit(visitor, node) is False:
            continue
        if leave is not None:
            push((node, True))
        for child in reversed(list(children(node))):
            push((child, False))
