"""The words whose presence can make a file involve FFI code: ctypes and cffi, loaders, and
the functions a pack applies to any receiver (the prefilter and the scope choice share them).

They are computed once per set of contracts (a pack can list 100,000 functions), not per file.
"""

from __future__ import annotations

from functools import lru_cache

from .packs import Contracts
from ..types import ReceiverKind

_ALWAYS = (b"ctypes", b"cffi", b"ffi", b"CDLL", b"LoadLibrary", b"dlopen", b"cdll", b"windll")


@lru_cache(maxsize=8)
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


@lru_cache(maxsize=8)
def names(contracts: Contracts) -> frozenset[str]:
    """The same words, as text."""
    return frozenset(token.decode() for token in tokens(contracts))
