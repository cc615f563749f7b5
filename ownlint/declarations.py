"""What ctypes declarations say about ownership: `lib.f.restype = ...` (OWN502).

A function whose contract returns an owned `char *` must keep the pointer to release
it; declaring `restype = c_char_p` makes ctypes copy the string into `bytes` and drop
the pointer, so the string leaks on every call.
"""

from __future__ import annotations

from .facts import Facts
from .lowering import _matches_library
from .packs import Contracts
from .types import Finding, ReceiverKind, Returns

STRING_TYPES = frozenset({"ctypes.c_char_p", "ctypes.c_wchar_p"})


def check(path: str, facts: Facts, contracts: Contracts, span_of) -> list[Finding]:
    findings = []
    for library, name, value, _target in facts.restypes:
        declared = facts.resolve(value, STRING_TYPES)
        if declared not in STRING_TYPES:
            continue
        contract = contracts.lookup(ReceiverKind.FFI_LIBRARY, name, _matches_library(library)) or \
            contracts.lookup(ReceiverKind.ANY, name)
        if contract is None or contract.returns is not Returns.OWNED:
            continue
        kind = declared.rsplit(".", 1)[1]
        findings.append(Finding(
            "OWN502", path, span_of(value),
            f"`{library.name}.{name}` returns a string the caller must release, but `restype = {kind}` makes "
            f"ctypes convert it to `bytes` and drop the pointer: every call leaks the string",
        ))
    return findings
