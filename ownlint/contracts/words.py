"""The words whose presence can make a file involve FFI code: ctypes and cffi, loaders, and
the functions a pack applies to any receiver (the prefilter and the scope choice share them)."""

from __future__ import annotations

from .packs import Contracts
from ..types import ReceiverKind

_ALWAYS = (b"ctypes", b"cffi", b"ffi", b"CDLL", b"LoadLibrary", b"dlopen", b"cdll", b"windll")


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
