"""Read TOML files for configuration and rule packs, and point errors at the line of a key.

tomllib (tomli before Python 3.11) parses; it does not keep positions, so `line_of`
finds the line that defines a key path by scanning table headers and `key =` lines.
It only locates; it never interprets values.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older interpreters only
    import tomli as tomllib

from ..types import ConfigError

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=""")
_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(?:\.|$)""")


def _split_dotted(text: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _PART.findall(text))


@dataclass(frozen=True)
class TomlDocument:
    path: str
    text: str
    data: dict

    def line_of(self, *keys: str) -> Optional[int]:
        """The 1-based line that defines `keys` (a table header or an assignment)."""
        target = tuple(keys)
        table: tuple[str, ...] = ()
        nearest: Optional[int] = None  # the line of the longest enclosing key seen
        nearest_len = 0
        for number, raw in enumerate(self.text.splitlines(), start=1):
            header = _HEADER.match(raw)
            if header:
                table = _split_dotted(header.group(1))
                defined = table
            else:
                key = _KEY.match(raw)
                if not key:
                    continue
                defined = table + _split_dotted(key.group(1))
            if defined == target:
                return number
            if target[: len(defined)] == defined and len(defined) > nearest_len:
                nearest, nearest_len = number, len(defined)
        return nearest

    def error(self, message: str, *keys: str) -> ConfigError:
        return ConfigError(self.path, message, self.line_of(*keys), ".".join(keys))


def load(path: str) -> TomlDocument:
    """Read and parse a TOML file; any failure becomes a ConfigError naming the file."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ConfigError(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        if match:
            line = int(match.group(1))
            message = message[: match.start()].strip()
        raise ConfigError(path, f"invalid TOML: {message}", line) from None
    return TomlDocument(path, text, data)
