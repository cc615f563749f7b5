"""The rule catalog: every rule, by code, and rule selection (select / ignore / prefixes)."""

from __future__ import annotations

from typing import Iterable

from ..types import Rule
from . import declarations, keepalive, leaks, lifecycle, lifetime, meta

RULES: dict[str, Rule] = {rule.code: rule for rule in (*lifetime.RULES, *leaks.RULES, *keepalive.RULES, *lifecycle.RULES, *declarations.RULES, *meta.RULES)}


def get(code: str) -> Rule:
    return RULES[code]


def matching(selector: str) -> list[str]:
    """Codes a selector names: a full code, a prefix (`OWN1`), or `ALL`."""
    selector = selector.strip().upper()
    if selector == "ALL":
        return sorted(RULES)
    return sorted(code for code in RULES if code.startswith(selector))


def is_valid_selector(selector: str) -> bool:
    return bool(matching(selector))


def select(selected: Iterable[str] | None, extend: Iterable[str], ignored: Iterable[str]) -> frozenset[str]:
    """The enabled codes: `select` replaces the defaults, `extend-select` adds, `ignore` removes."""
    if selected is None:
        enabled = {code for code, rule in RULES.items() if rule.default}
    else:
        enabled = {code for selector in selected for code in matching(selector)}
    enabled |= {code for selector in extend for code in matching(selector)}
    enabled -= {code for selector in ignored for code in matching(selector)}
    return frozenset(enabled)
