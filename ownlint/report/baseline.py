"""Baselines: record today's findings once, then report only new ones (adoption on old code).

The file is JSON that a reviewer can read: one entry per accepted finding, keyed by its
fingerprint (see fingerprints.py), with the rule, path, symbol and message for people.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from typing import Iterable

from ..types import ConfigError, Finding

FORMAT = 1


def target(path: str) -> str:
    """Where writing the baseline `path` goes: through symbolic links to their target, which
    must be a regular file or a new path in an existing directory (never a device, a pipe
    or a directory, which a rename would replace)."""
    real = os.path.realpath(path)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        if not os.path.isdir(os.path.dirname(real)):
            raise ConfigError(path, "cannot write the baseline: its directory does not exist",
                              key="--write-baseline") from None
        return real
    except OSError as exc:
        raise ConfigError(path, f"cannot write the baseline: {exc.strerror or exc}", key="--write-baseline") from None
    if not stat.S_ISREG(mode):
        raise ConfigError(path, "not a regular file (a directory, named pipe, socket or device); "
                                "give a regular file or a new path", key="--write-baseline")
    return real


def write(path: str, findings: Iterable[Finding]) -> int:
    """Write the baseline atomically (a temporary file beside the target, then a rename):
    a reader sees the old baseline or the new one. A file that exists keeps its mode."""
    entries = [
        {"fingerprint": f.fingerprint, "code": f.code, "path": f.path, "symbol": f.symbol, "message": f.message}
        for f in sorted(findings, key=Finding.sort_key)
    ]
    document = {"ownlint-baseline": FORMAT, "findings": entries}
    real = target(path)
    temporary = None
    try:
        try:
            mode = stat.S_IMODE(os.stat(real).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        descriptor, temporary = tempfile.mkstemp(prefix=os.path.basename(real) + ".", suffix=".tmp",
                                                 dir=os.path.dirname(real))
        with open(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), mode)
            json.dump(document, handle, indent=2)
            handle.write("\n")
        os.replace(temporary, real)
        temporary = None
    except OSError as exc:
        raise ConfigError(path, f"cannot write the baseline: {exc.strerror or exc}", key="--write-baseline") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return len(entries)


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


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
