"""`--format gitlab`: a GitLab Code Quality report (a JSON array of Code Climate issues).

GitLab matches issues between the base and the head of a merge request by `fingerprint`,
so it is the finding's line-independent fingerprint (fingerprints.py).
"""

from __future__ import annotations

import json
from typing import TextIO

from ... import catalog
from ...types import RunResult

SEVERITY = {"error": "critical", "warning": "major"}


def emit(result: RunResult, stream: TextIO, options) -> None:
    issues = []
    for finding in result.findings:
        rule = catalog.get(finding.code)
        span = finding.span
        issues.append({
            "type": "issue",
            "check_name": finding.code,
            "description": f"{finding.code} {finding.message}",
            "content": {"body": rule.fix},
            "categories": ["Bug Risk"],
            "severity": SEVERITY[rule.severity],
            "fingerprint": finding.fingerprint,
            "location": {
                "path": finding.path,
                "positions": {
                    "begin": {"line": span.line, "column": span.col1},
                    "end": {"line": span.end_line, "column": span.end_col1},
                },
            },
        })
    json.dump(issues, stream, indent=2)
    stream.write("\n")
