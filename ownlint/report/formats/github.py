"""`--format github`: GitHub Actions workflow commands, shown as annotations on pull requests.

One `::error` or `::warning` line per finding (and per file that could not be analysed),
escaped as the workflow-command syntax requires: `%`, CR and LF everywhere, and `:` and
`,` inside property values as well.
"""

from __future__ import annotations

from typing import TextIO

from ... import catalog
from ...types import RunResult


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {props}::{escape_data(message)}"


def emit(result: RunResult, stream: TextIO, options) -> None:
    for finding in result.findings:
        rule = catalog.get(finding.code)
        span = finding.span
        stream.write(command(
            rule.severity, f"{finding.message} [{rule.name}]",
            file=finding.path, line=span.line, col=span.col1, endLine=span.end_line, endColumn=span.end_col1,
            title=f"ownlint ({finding.code})",
        ) + "\n")
    for error in result.errors:
        stream.write(command("error", error.message, file=error.path, title="ownlint") + "\n")
