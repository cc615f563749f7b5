"""Read the findings a fixture expects from its `# expect: CODE:COLUMN` comments, and lint it."""

from __future__ import annotations

import os
import re

from ownlint.contracts import packs
from ownlint.run import config, engine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STACK_PACK = os.path.join(ROOT, "examples", "stack", "stack.toml")
_EXPECT = re.compile(r"#\s*expect:\s*(.*)$")
_ITEM = re.compile(r"(OWN\d{3}):(\d+)")


def expected(source: str) -> set[tuple[int, int, str]]:
    """{(line, 1-based column, code)} from the expectation comments."""
    found = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            for code, column in _ITEM.findall(match.group(1)):
                found.add((number, int(column), code))
    return found


def actual(path: str, *, extra_packs=(STACK_PACK,), select=("ALL",), relative_to=None) -> set[tuple]:
    """{(line, 1-based column, code)} ownlint reports for `path`; with `relative_to`, a
    directory, each also names its file relative to that directory."""
    settings = config.build(None, select=list(select), packs=list(extra_packs))
    contracts = packs.load_contracts(settings.packs)
    result = engine.lint([path], settings, contracts)
    assert not result.errors, result.errors
    if relative_to is not None:
        return {(os.path.relpath(f.path, relative_to), f.span.line, f.span.col1, f.code) for f in result.findings}
    return {(f.span.line, f.span.col1, f.code) for f in result.findings}
