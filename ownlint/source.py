"""Source text as Python reads it: bytes decoded by BOM, coding cookie, then UTF-8; its lines."""

from __future__ import annotations

import codecs
import re

COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def decode(raw: bytes) -> str:
    """Decode Python source as the interpreter would: BOM, then a coding cookie, then UTF-8."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8")
    for line in raw.splitlines()[:2]:
        match = COOKIE.match(line)
        if match:
            return raw.decode(match.group(1).decode("ascii"))
    return raw.decode("utf-8")


def lines(text: str) -> list[str]:
    """The lines of `text` as Python numbers them, without their ends: line N is
    `lines(text)[N - 1]`. Only `\\n`, `\\r\\n` and `\\r` end a line (`str.splitlines` also
    breaks at form feeds, `\\x0b`, `\\x1c`-`\\x1e`, `\\x85`, `\\u2028` and `\\u2029`, which
    Python keeps inside a line)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return parts
