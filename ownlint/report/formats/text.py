"""`--format text`: `path:line:col: CODE message`, a code frame with a caret, related locations, help."""

from __future__ import annotations

from typing import TextIO

from ... import catalog
from ...source import lines as source_lines
from ...types import Finding, RunResult

_RESET = "\x1b[0m"
_STYLES = {"path": "\x1b[1m", "error": "\x1b[1;31m", "warning": "\x1b[1;33m", "gutter": "\x1b[34m", "help": "\x1b[36m"}


class _Paint:
    """ANSI styles when colour is on; the identity otherwise (the output is then plain text)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.enabled and text else text


def _frame(finding: Finding, source: str, paint: _Paint) -> list[str]:
    lines = source_lines(source)
    span = finding.span
    if not 1 <= span.line <= len(lines):
        return []
    rule = catalog.get(finding.code)
    text = lines[span.line - 1].expandtabs(1)
    width = len(str(span.line))
    end = span.end_col if span.end_line == span.line and span.end_col > span.col else len(text.rstrip())
    carets = "^" * max(1, end - span.col)
    gutter = paint("gutter", " " * width + " |")
    return [
        gutter,
        f"{paint('gutter', f'{span.line} |')} {text}",
        f"{gutter} {' ' * span.col}{paint(rule.severity, f'{carets} {rule.name}')}",
        gutter,
    ]


def format_finding(finding: Finding, source: str | None, paint: _Paint = _Paint(False)) -> list[str]:
    span = finding.span
    rule = catalog.get(finding.code)
    where = paint("path", f"{finding.path}:{span.line}:{span.col1}:")
    out = [f"{where} {paint(rule.severity, finding.code)} {finding.message}"]
    if source is not None:
        out.extend(_frame(finding, source, paint))
    for related in finding.related:
        out.append(f"  = {related.path}:{related.span.line}:{related.span.col1}: {related.message}")
    out.append(f"  = {paint('help', 'help:')} {rule.fix}")
    return out


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def emit(result: RunResult, stream: TextIO, options) -> None:
    paint = _Paint(options.color)
    for finding in result.findings:
        stream.write("\n".join(format_finding(finding, result.sources.get(finding.path), paint)) + "\n\n")
    if options.quiet:
        return
    count = len(result.findings)
    if count:
        files = len({f.path for f in result.findings})
        summary = f"Found {_plural(count, 'finding')} in {_plural(files, 'file')}"
    else:
        summary = f"All checks passed ({_plural(result.files, 'file')} checked"
    if result.baselined:
        summary += f"{';' if count else ','} {_plural(result.baselined, 'baselined finding')} not shown"
    stream.write(summary + ("." if count else ").") + "\n")
