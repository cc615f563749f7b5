"""`--format json`: one array of findings sorted by (path, line, column, code); a public interface."""

from __future__ import annotations

import json
from typing import TextIO

from ... import catalog
from ...types import Finding, RunResult


def as_dict(finding: Finding) -> dict:
    rule = catalog.get(finding.code)
    return {
        "code": finding.code,
        "name": rule.name,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.col1,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_col1,
        "message": finding.message,
        "help": rule.fix,
        "related": [
            {"path": r.path, "line": r.span.line, "column": r.span.col1, "message": r.message}
            for r in finding.related
        ],
    }


def emit(result: RunResult, stream: TextIO, options) -> None:
    json.dump([as_dict(f) for f in result.findings], stream, indent=2)
    stream.write("\n")
