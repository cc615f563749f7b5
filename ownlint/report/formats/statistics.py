"""`--statistics`: how many findings each rule has, most frequent first, instead of the findings."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from ... import catalog
from ...types import RunResult


def _rows(result: RunResult) -> list[tuple[int, str, str]]:
    counts = Counter(f.code for f in result.findings)
    return sorted(((n, code, catalog.get(code).name) for code, n in counts.items()), key=lambda r: (-r[0], r[1]))


def emit_text(result: RunResult, stream: TextIO, options) -> None:
    rows = _rows(result)
    width = max((len(str(n)) for n, _, _ in rows), default=1)
    for count, code, name in rows:
        stream.write(f"{count:>{width}}  {code}  {name}\n")
    if not options.quiet:
        total = sum(n for n, _, _ in rows)
        stream.write(f"Found {total} finding{'s' if total != 1 else ''}.\n" if total else "All checks passed.\n")


def emit_json(result: RunResult, stream: TextIO, options) -> None:
    rows = [{"code": code, "name": name, "count": count} for count, code, name in _rows(result)]
    json.dump(rows, stream, indent=2)
    stream.write("\n")
