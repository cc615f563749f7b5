"""Source text as Python reads it: bytes decoded by BOM, coding cookie, then UTF-8."""

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
