"""`--format sarif`: SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs).

Results carry 1-based regions, the related locations, a code flow through them in
source order (acquired here → released here → used here), the rule metadata of every
rule that occurs, suppressed findings marked as suppressed (never dropped), and a
line-independent fingerprint.
"""

from __future__ import annotations

import json
import os
import pathlib
import urllib.parse
from typing import TextIO

from ... import HOMEPAGE, __version__, catalog
from .. import fingerprints, libraries, ruledocs
from ...types import INFERRED_NOTE, Finding, RunResult, Span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"


def _artifact(path: str) -> dict:
    if os.path.isabs(path):
        return {"uri": pathlib.Path(path).as_uri()}
    # Percent-encoded bytes: a name that is not valid UTF-8 keeps them (os.fsencode).
    return {"uri": urllib.parse.quote(os.fsencode(path.replace(os.sep, "/"))), "uriBaseId": ROOT}


def _region(span: Span) -> dict:
    return {"startLine": span.line, "startColumn": span.col1, "endLine": span.end_line, "endColumn": span.end_col1}


def _location(path: str, span: Span, message: str | None = None) -> dict:
    location: dict = {"physicalLocation": {"artifactLocation": _artifact(path), "region": _region(span)}}
    if message is not None:
        location["message"] = {"text": message}
    return location


def _rule(code: str) -> dict:
    rule = catalog.get(code)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what},
        "help": {"text": rule.fix, "markdown": ruledocs.render(rule)},
        "helpUri": ruledocs.help_uri(rule),
        "defaultConfiguration": {"level": rule.severity, "enabled": rule.default},
    }


def _result(finding: Finding, index: dict, suppressed: bool) -> dict:
    rule = catalog.get(finding.code)
    primary = _location(finding.path, finding.span)
    if finding.symbol:
        primary["logicalLocations"] = [{"fullyQualifiedName": finding.symbol}]
    result: dict = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": rule.severity,
        "message": {"text": finding.message},
        "locations": [primary],
        "partialFingerprints": {fingerprints.VERSION: finding.fingerprint},
    }
    if finding.message.endswith(INFERRED_NOTE):  # a guess from the binding's declarations, not a pack
        result["properties"] = {"inferredContract": True}
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, **_location(r.path, r.span, r.message)} for number, r in enumerate(finding.related, 1)
        ]
        # The path a reader follows: every location in source order, the finding's own among them.
        steps = sorted([(r.path, r.span, r.message) for r in finding.related]
                       + [(finding.path, finding.span, finding.message)], key=lambda s: (s[0], s[1]))
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": _location(path, span, message)} for path, span, message in steps
        ]}]}]
    if suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": "suppressed by a comment in the source"}]
    return result


def document(result: RunResult) -> dict:
    codes = sorted({f.code for f in result.findings} | {f.code for f in result.suppressed})
    index = {code: number for number, code in enumerate(codes)}
    shown = [(f, False) for f in result.findings] + [(f, True) for f in result.suppressed]
    shown.sort(key=lambda item: item[0].sort_key())
    notifications = [
        {"level": "error", "message": {"text": error.message},
         "locations": [{"physicalLocation": {"artifactLocation": _artifact(error.path)}}]}
        for error in result.errors
    ]
    run = {
        "tool": {"driver": {
            "name": "ownlint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": HOMEPAGE,
            "rules": [_rule(code) for code in codes],
        }},
        "originalUriBaseIds": {ROOT: {"uri": pathlib.Path(os.getcwd()).as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
        "results": [_result(finding, index, suppressed) for finding, suppressed in shown],
        "properties": {"ownlint": libraries.properties(result)},  # how much of the C side was checked
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def emit(result: RunResult, stream: TextIO, options) -> None:
    json.dump(document(result), stream, indent=2)
    stream.write("\n")
