"""Decide from a file's bytes alone whether it can involve FFI code; files that cannot are not parsed.

A file can only produce findings if it mentions ctypes/cffi (or a loader such as
`CDLL`/`dlopen`), or a function name that a pack applies to any receiver. The scan is
a handful of `bytes.find` calls: far cheaper than parsing (SPEC §6).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..contracts.packs import Contracts
from ..contracts.words import tokens


@lru_cache(maxsize=8)
def _pattern(contracts: Contracts) -> "re.Pattern[bytes]":
    # Whole words only: `ffi` must not match "efficient".
    return re.compile(rb"\b(?:" + b"|".join(re.escape(t) for t in tokens(contracts)) + rb")\b")


def may_involve_ffi(raw: bytes, contracts: Contracts) -> bool:
    return _pattern(contracts).search(raw) is not None
