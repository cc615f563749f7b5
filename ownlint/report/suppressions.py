"""Read suppression comments and apply them: `# noqa[: CODES]`, `# ownlint: ignore[CODES]`, `# ownlint: skip-file`.

Comments are found with `tokenize`, so text inside strings never counts. Suppressions
of ownlint codes that suppress nothing become OWN900 findings.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from ..types import Finding, Span

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*ownlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_SKIP = re.compile(r"#\s*ownlint:\s*skip-file\b")

ALL = "*"


@dataclass(frozen=True)
class Suppression:
    line: int
    col: int  # 0-based column of the comment
    codes: tuple[str, ...]  # ALL for a bare noqa / ignore


@dataclass
class Suppressions:
    by_line: dict = field(default_factory=dict)  # line -> list[Suppression]
    skip_file: bool = False


def parse(source: str) -> Suppressions:
    result = Suppressions()
    lowered = source.lower()
    if "noqa" not in lowered and "ownlint" not in lowered:
        return result  # tokenizing costs a good part of a parse; most files have nothing to find
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return result  # the parser reports the file; a partial read is not worth guessing
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        text = token.string
        line, col = token.start
        if _SKIP.search(text):
            result.skip_file = True
        for pattern in (_NOQA, _IGNORE):
            match = pattern.search(text)
            if match is None:
                continue
            raw = match.group("codes")
            codes = tuple(c.upper() for c in re.split(r"[\s,]+", raw.strip()) if c) if raw else (ALL,)
            result.by_line.setdefault(line, []).append(Suppression(line, col + match.start(), codes))
    return result


def apply(findings: list[Finding], suppressions: Suppressions, path: str, report_unused: bool,
          enabled: frozenset[str]) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (kept, suppressed); add OWN900 for unused ownlint codes."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    used: set[tuple[int, str]] = set()
    for finding in findings:
        hit = False
        for suppression in suppressions.by_line.get(finding.span.line, ()):
            if ALL in suppression.codes or finding.code in suppression.codes:
                used.add((suppression.line, ALL if ALL in suppression.codes else finding.code))
                hit = True
        (suppressed if hit else kept).append(finding)
    if report_unused:
        for line, entries in sorted(suppressions.by_line.items()):
            for suppression in entries:
                stale = [
                    code for code in suppression.codes
                    if code != ALL and code.startswith("OWN") and code in enabled and (line, code) not in used
                ]
                if stale:
                    span = Span(line, suppression.col, line, suppression.col)
                    listed = ", ".join(stale)
                    kept.append(Finding("OWN900", path, span, f"unused suppression: {listed} reports nothing on this line"))
    return kept, suppressed
