"""`--format text`: `path:line:col: CODE message`, a code frame with a caret, related locations, help.

File names that could be misread (a newline splitting a record, `a:12:3: OWN999 b.py`
passing for a location) are printed quoted (`display_path`); the caret is placed by the
columns a terminal gives each character (`width`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import TextIO

from ... import catalog
from ...source import lines as source_lines
from .. import libraries
from ...types import Finding, RunResult

_RESET = "\x1b[0m"
_STYLES = {"path": "\x1b[1m", "error": "\x1b[1;31m", "warning": "\x1b[1;33m", "gutter": "\x1b[34m", "help": "\x1b[36m"}


class _Paint:
    """ANSI styles when colour is on; the identity otherwise (the output is then plain text)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.enabled and text else text


# Characters that make a name ambiguous in `name:line:col:`: a quote (the quoted form's
# delimiter), a backslash (its escape; a separator on Windows), a colon (but a drive's).
_UNSAFE = re.compile(r'["\\:]' if os.sep == "/" else r'["]|(?<!^[A-Za-z]):')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_path(path: str) -> str:
    """`path` as the text format shows it: unchanged when it is printable and holds no
    quote, backslash or colon (a Windows drive's excepted); otherwise double-quoted, with
    `\\\\`, `\\"`, `\\n`, `\\r`, `\\t`, `\\xNN` (other control characters, and the bytes of a
    name that is not valid in the file system's encoding), `\\uNNNN` or `\\UNNNNNNNN` (other
    characters that are not printable) escapes, as in a Python string."""
    if path.isprintable() and not _UNSAFE.search(path):
        return path
    out = []
    for char in path:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def width(text: str) -> int:
    """The columns `text` takes in a terminal: East Asian wide and fullwidth characters
    (CJK, most emoji) two, combining marks and other zero-width characters none."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _frame(finding: Finding, source: str, paint: _Paint) -> list[str]:
    lines = source_lines(source)
    span = finding.span
    if not 1 <= span.line <= len(lines):
        return []
    rule = catalog.get(finding.code)
    text = lines[span.line - 1].expandtabs(1)
    digits = len(str(span.line))
    end = span.end_col if span.end_line == span.line and span.end_col > span.col else len(text.rstrip())
    carets = "^" * max(1, width(text[span.col:end]))
    gutter = paint("gutter", " " * digits + " |")
    return [
        gutter,
        f"{paint('gutter', f'{span.line} |')} {text}",
        f"{gutter} {' ' * width(text[:span.col])}{paint(rule.severity, f'{carets} {rule.name}')}",
        gutter,
    ]


def format_finding(finding: Finding, source: str | None, paint: _Paint = _Paint(False)) -> list[str]:
    span = finding.span
    rule = catalog.get(finding.code)
    where = paint("path", f"{display_path(finding.path)}:{span.line}:{span.col1}:")
    out = [f"{where} {paint(rule.severity, finding.code)} {finding.message}"]
    if source is not None:
        out.extend(_frame(finding, source, paint))
    for related in finding.related:
        out.append(f"  = {display_path(related.path)}:{related.span.line}:{related.span.col1}: {related.message}")
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
    # Never silent about what could not be checked: how much of the C side has contracts.
    summary += f"; {libraries.coverage(result)}"
    stream.write(summary + ("." if count else ").") + "\n")
