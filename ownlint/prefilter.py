"""Decide from a file's bytes alone whether it can involve FFI code; files that cannot are not parsed.

A file can only produce findings if it mentions ctypes/cffi (or a loader such as
`CDLL`/`dlopen`), or a function name that a pack applies to any receiver. The scan is
a handful of `bytes.find` calls: far cheaper than parsing (SPEC §6).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .packs import Contracts
from .types import ReceiverKind

_ALWAYS = (b"ctypes", b"cffi", b"ffi", b"CDLL", b"LoadLibrary", b"dlopen", b"cdll", b"windll")


@lru_cache(maxsize=8)
def _pattern(contracts: Contracts) -> "re.Pattern[bytes]":
    # Whole words only: `ffi` must not match "efficient".
    return re.compile(rb"\b(?:" + b"|".join(re.escape(t) for t in tokens(contracts)) + rb")\b")


def tokens(contracts: Contracts) -> tuple[bytes, ...]:
    names = {
        name.encode()
        for table in contracts.tables
        if table.library.kind is ReceiverKind.ANY
        for name in table.functions
    }
    loaders = contracts.loaders
    for group in (loaders.library_calls, loaders.ffi_calls, loaders.library_attributes):
        names.update(q.rsplit(".", 1)[-1].encode() for q in group)
    return tuple(sorted(set(_ALWAYS) | names))


def may_involve_ffi(raw: bytes, contracts: Contracts) -> bool:
    return _pattern(contracts).search(raw) is not None
