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

from ..source import lines
from ..types import ConfigError

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=""")
_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(?:\.|$)""")


def _split_dotted(text: str) -> tuple[str, ...]:
    return tuple(_unquoted(p) for p in _PART.findall(text))


def _unquoted(part: str) -> str:
    """A key as TOML reads it: a basic string's escapes decoded (`"\\\\"` is one backslash)."""
    if part.startswith('"') and "\\" in part:
        try:
            return tomllib.loads(f"k = {part}")["k"]
        except tomllib.TOMLDecodeError:
            pass
    return part.strip("\"'")


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
        for number, raw in enumerate(lines(self.text), start=1):
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

    def key_at(self, line: int) -> tuple[str, ...]:
        """The key path that the assignment on or last above `line` defines."""
        table: tuple[str, ...] = ()
        found: tuple[str, ...] = ()
        for number, raw in enumerate(lines(self.text)[:line], start=1):
            header = _HEADER.match(raw)
            if header:
                table = found = _split_dotted(header.group(1))
            else:
                key = _KEY.match(raw)
                if key:
                    found = table + _split_dotted(key.group(1))
        return found

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
    except RecursionError:
        doc = TomlDocument(path, text, {})
        line = _deepest_line(text)
        raise ConfigError(path, "invalid TOML: nested too deeply for Python's TOML reader", line,
                          ".".join(doc.key_at(line))) from None
    return TomlDocument(path, text, data)


def _deepest_line(text: str) -> int:
    """The line where brackets and braces first nest deepest (quotes and comments roughly
    skipped: this only points at the trouble)."""
    depth = deepest = 0
    line = where = 1
    quote = ""
    escaped = comment = False
    for char in text:
        if char == "\n":
            line += 1
            comment = False
            continue
        if comment:
            continue
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char == "#":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif char in "]}":
            depth -= 1
    return where
