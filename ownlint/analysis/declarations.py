"""What ctypes declarations say about pointers: `lib.f.restype = ...` (OWN501, OWN502).

A function whose contract returns an owned `char *` must keep the pointer to release
it; declaring `restype = c_char_p` makes ctypes copy the string into `bytes` and drop
the pointer, so the string leaks on every call (OWN502). A function whose contract
returns a pointer, called through ctypes with no `restype` at all, returns a C int:
the upper half of a 64-bit pointer is cut off (OWN501).
"""

from __future__ import annotations

from .facts import Facts
from ..contracts.packs import Contracts

from ..types import Finding, Related, Returns, StringRestype, concrete

STRING_TYPES = frozenset({"ctypes.c_char_p", "ctypes.c_wchar_p"})
POINTERS = frozenset({Returns.OWNED, Returns.BORROWED, Returns.STATIC, Returns.SINGLETON, Returns.ELEMENT})


def check(path: str, facts: Facts, contracts: Contracts, span_of, elsewhere: dict) -> list[Finding]:
    """`elsewhere`: function -> StringRestype declared on a receiver that is not a library
    of the module that declares it (another module's, or this one's `def load(lib)`)."""
    return (_char_p(path, facts, contracts, span_of) + _char_p_calls(path, facts, contracts, span_of, elsewhere)
            + _missing_restype(path, facts, contracts, span_of))


def string_restypes(facts: Facts, contracts: Contracts, span_of, libraries: bool = False) -> dict[str, StringRestype]:
    """This module's `X.f.restype = c_char_p` for functions a pack says return an owned
    string: where X is not one of its libraries (`def load(lib)`), or with `libraries`, where
    it is. Calls elsewhere (or here, for the former) are where the strings leak."""
    found = {}
    declared = [(name, value) for _library, name, value, _target in facts.restypes] if libraries \
        else facts.other_restypes
    for function, value in declared:
        kind = facts.resolve(value, STRING_TYPES)
        if kind in STRING_TYPES and function not in found and _owned(contracts, function):
            found[function] = StringRestype(function, kind.rsplit(".", 1)[1], "", concrete(span_of(value)))
    return found


def _owned(contracts: Contracts, function: str) -> bool:
    contract = contracts.on_library(function)
    return contract is not None and contract.returns is Returns.OWNED


def _char_p_calls(path: str, facts: Facts, contracts: Contracts, span_of, elsewhere: dict) -> list[Finding]:
    """OWN502 at each call of a function declared `c_char_p` where no library of the
    calling module is in sight of the declaration (declared on a library of this module,
    it is reported at the declaration instead)."""
    local = {name for _library, name, _value, _target in facts.restypes}
    findings = []
    for receiver, name, node in facts.named_calls:
        declaration = elsewhere.get(name)
        library = facts.libraries.get(receiver)  # also one imported from another module
        if declaration is None or name in local or library is None or not library.ctypes:
            continue
        contract = contracts.on_library(name, library)
        if contract is None or contract.returns is not Returns.OWNED:
            continue
        where = declaration.path or path
        findings.append(Finding(
            "OWN502", path, span_of(node),
            f"`{library.name}.{name}` returns a string the caller must release, but its `restype = "
            f"{declaration.kind}` makes ctypes convert it to `bytes` and drop the pointer: this call leaks the string",
            (Related(where, declaration.span, f"`{name}.restype = {declaration.kind}` is declared here"),),
        ))
    return findings


def _missing_restype(path: str, facts: Facts, contracts: Contracts, span_of) -> list[Finding]:
    """OWN501, at the first call of each function. Only libraries this module loads
    itself are checked: their declarations are expected here (a restype set on any
    receiver, anywhere in the module, counts)."""
    findings = []
    reported = set()
    if facts.computed_restypes:  # declared from names ownlint cannot compute: it cannot tell
        return findings
    for library, name, node in facts.library_calls:
        if name in facts.declared_restypes or name in library.wrapped or (library.name, name) in reported:
            continue
        if facts.libraries.get(library.name) is None:
            continue
        contract = contracts.on_library(name, library)
        if contract is None or contract.returns not in POINTERS:
            continue
        reported.add((library.name, name))
        findings.append(Finding(
            "OWN501", path, span_of(node),
            f"`{library.name}.{name}` returns a pointer, but no `{library.name}.{name}.restype` is declared: "
            f"ctypes returns a C int, which cuts a 64-bit pointer in half",
        ))
    return findings


def _char_p(path: str, facts: Facts, contracts: Contracts, span_of) -> list[Finding]:
    findings = []
    for library, name, value, _target in facts.restypes:
        declared = facts.resolve(value, STRING_TYPES)
        if declared not in STRING_TYPES:
            continue
        contract = contracts.on_library(name, library)
        if contract is None or contract.returns is not Returns.OWNED:
            continue
        kind = declared.rsplit(".", 1)[1]
        findings.append(Finding(
            "OWN502", path, span_of(value),
            f"`{library.name}.{name}` returns a string the caller must release, but `restype = {kind}` makes "
            f"ctypes convert it to `bytes` and drop the pointer: every call leaks the string",
        ))
    return findings
