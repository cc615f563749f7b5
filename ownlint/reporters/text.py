"""`--format text`: `path:line:col: CODE message`, a code frame with a caret, related locations, help."""

from __future__ import annotations

from typing import TextIO

from .. import catalog
from ..engine import RunResult
from ..types import Finding


def _frame(finding: Finding, source: str) -> list[str]:
    lines = source.splitlines()
    span = finding.span
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1].expandtabs(1)
    width = len(str(span.line))
    end = span.end_col if span.end_line == span.line and span.end_col > span.col else len(text.rstrip())
    carets = "^" * max(1, end - span.col)
    gutter = " " * width
    return [
        f"{gutter} |",
        f"{span.line} | {text}",
        f"{gutter} | {' ' * span.col}{carets} {catalog.get(finding.code).name}",
        f"{gutter} |",
    ]


def format_finding(finding: Finding, source: str | None) -> list[str]:
    span = finding.span
    out = [f"{finding.path}:{span.line}:{span.col1}: {finding.code} {finding.message}"]
    if source is not None:
        out.extend(_frame(finding, source))
    for related in finding.related:
        out.append(f"  = {related.path}:{related.span.line}:{related.span.col1}: {related.message}")
    out.append(f"  = help: {catalog.get(finding.code).fix}")
    return out


def emit(result: RunResult, stream: TextIO) -> None:
    for finding in result.findings:
        stream.write("\n".join(format_finding(finding, result.sources.get(finding.path))) + "\n\n")
    count = len(result.findings)
    if count:
        files = len({f.path for f in result.findings})
        plural = "s" if count != 1 else ""
        stream.write(f"Found {count} finding{plural} in {files} file{'s' if files != 1 else ''}.\n")
    else:
        stream.write(f"All checks passed ({result.files} file{'s' if result.files != 1 else ''} checked).\n")
