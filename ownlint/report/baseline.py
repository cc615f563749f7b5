"""Baselines: record today's findings once, then report only new ones (adoption on old code).

The file is JSON that a reviewer can read: one entry per accepted finding, keyed by its
fingerprint (see fingerprints.py), with the rule, path, symbol and message for people.
"""

from __future__ import annotations

import json
import os
from typing import Iterable

from ..types import ConfigError, Finding

FORMAT = 1


def write(path: str, findings: Iterable[Finding]) -> int:
    entries = [
        {"fingerprint": f.fingerprint, "code": f.code, "path": f.path, "symbol": f.symbol, "message": f.message}
        for f in sorted(findings, key=Finding.sort_key)
    ]
    document = {"ownlint-baseline": FORMAT, "findings": entries}
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        os.replace(temporary, path)  # atomic: a reader sees the old baseline or the new one
    except OSError as exc:
        raise ConfigError(path, f"cannot write the baseline: {exc.strerror or exc}", key="--write-baseline") from None
    return len(entries)


def load(path: str) -> frozenset[str]:
    """The fingerprints a baseline accepts."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, "baseline file not found; create it with --write-baseline", key="--baseline") from None
    except OSError as exc:
        raise ConfigError(path, f"cannot read the baseline: {exc.strerror or exc}", key="--baseline") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"not a baseline written by ownlint (invalid JSON: {exc})", key="--baseline") from None
    if not isinstance(document, dict) or document.get("ownlint-baseline") != FORMAT:
        raise ConfigError(path, f"not an ownlint baseline (expected `\"ownlint-baseline\": {FORMAT}`); "
                          "write a new one with --write-baseline", key="--baseline")
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise ConfigError(path, "`findings` must be a list of objects with a `fingerprint` string", key="--baseline")
    return frozenset(e["fingerprint"] for e in entries)
