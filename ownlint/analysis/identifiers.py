"""Identifiers as Python reads them: NFKC-normalised (PEP 3131), so `ſ` is `s`, fullwidth `ｈ` is `h`.

libcst keeps each name as written; every stage after the parse reads `cst.Name.value`.
So the names are normalised once, in the tree itself, before the facts are collected:
each `Name` whose value Python reads as another spelling gets that spelling. Positions
and code come from code generation over the tree, which must see the text as written
(`ﬁle` is one character longer as `file`: columns after it on that line would move), so
`as_written` puts the written spellings back while they are computed.

Cheap where there is nothing to do: an ASCII file costs one check, and a file whose
non-ASCII words are all in normal form already (most of them: accents, CJK) one scan.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from typing import Iterator

import libcst as cst

from . import nodes

# Words with a non-ASCII character, in code, strings or comments alike: a superset of the
# identifiers that may need normalising (combining marks are not \w, hence the class).
_WORD = re.compile(r"\w*[^\x00-\x7f][\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")

Renamed = list  # [(the Name node, its value as written)]


def normalise(module: cst.Module, text: str) -> Renamed:
    """Give every Name of `module` its NFKC value, in place; returns what was changed."""
    if text.isascii() or all(unicodedata.is_normalized("NFKC", word) for word in set(_WORD.findall(text))):
        return []
    collector = _Names()
    nodes.walk(module, collector)
    renamed = []
    for node in collector.found:
        value = unicodedata.normalize("NFKC", node.value)
        if value != node.value:
            renamed.append((node, node.value))
            object.__setattr__(node, "value", value)  # libcst nodes are frozen dataclasses
    return renamed


@contextlib.contextmanager
def as_written(renamed: Renamed) -> Iterator[None]:
    """The written spellings back in the tree for a while (positions, code as written)."""
    if not renamed:
        yield
        return
    normal = [(node, node.value) for node, _ in renamed]
    for node, written in renamed:
        object.__setattr__(node, "value", written)
    try:
        yield
    finally:
        for node, value in normal:
            object.__setattr__(node, "value", value)


class _Names:
    """Collects the Names whose value is not ASCII."""

    def __init__(self) -> None:
        self.found: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        if not node.value.isascii():
            self.found.append(node)
