"""Fingerprints that identify a finding across edits: the baseline, SARIF and GitLab use them.

A fingerprint hashes the rule, the file's path relative to the configuration root, the
enclosing function or class, and the flagged line's code with comments and whitespace
normalised away. Line numbers are not part of it, so inserting or moving lines above a
finding keeps its fingerprint. Identical findings in one symbol are told apart by their
order (the second `lib.free(p)` leak in `f` is occurrence 1).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import tokenize

from ..source import lines as source_lines
from ..types import Finding

VERSION = "ownlint/v1"  # the SARIF partialFingerprints key; bump when the recipe changes


def normalised_line(source: str | None, line: int) -> str:
    """The code on `line` without comments, every run of whitespace one space."""
    if source is None:
        return ""
    lines = source_lines(source)
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        parts = [t.string for t in tokens if t.type not in (
            tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)]
    except (tokenize.TokenError, SyntaxError, IndentationError):  # a line inside a multi-line string
        return " ".join(text.split())
    return " ".join(parts)


def relative_path(absolute: str, root: str) -> str:
    """The path the fingerprint uses: relative to the configuration root, `/`-separated."""
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        relative = absolute
    return relative.replace(os.sep, "/")


def assign(findings: list[Finding], source: str | None, path_key: str) -> list[Finding]:
    """The findings of one file, each with its fingerprint set."""
    seen: dict[tuple, int] = {}
    out = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = (finding.code, path_key, finding.symbol, normalised_line(source, finding.span.line))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        # surrogateescape: a file name that is not valid UTF-8 keeps its bytes
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        out.append(dataclasses.replace(finding, fingerprint=digest))
    return out
