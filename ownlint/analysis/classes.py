"""Class lifecycle checks (Python's `Drop`) from the summaries of a class's methods.

OWN401: `__del__` releases an attribute that another method (`close()`) releases
without clearing it, so the destructor frees it a second time after `close()`.
OWN105: an attribute that holds an `ffi.gc`-managed value is also released by hand.
OWN205: an attribute that holds an owned value is released by no method at all (of the
class, its bases or its subclasses in the module; a base outside the module may release
it, so such classes are skipped).
"""

from __future__ import annotations

from typing import Optional

from ..types import Finding, Summary, Related

DESTRUCTOR = "__del__"
_ROOTS = frozenset({"object", "builtins.object"})  # a base that releases nothing


def relatives(cls: str, bases: dict, by_class: dict) -> Optional[list]:
    """The method summaries of `cls`'s bases and subclasses in this module (any of them may
    release what `cls` stores); None when some base lies outside the module."""
    family, todo = {cls}, [cls]
    while todo:
        current = todo.pop()
        if any(b not in bases and b not in _ROOTS for b in bases.get(current, ())):
            return None
        linked = [b for b in bases.get(current, ()) if b in bases]
        linked += [sub for sub, theirs in sorted(bases.items()) if current in theirs]
        for other in linked:
            if other not in family:
                family.add(other)
                todo.append(other)
    return [by_class[other] for other in sorted(family - {cls}) if other in by_class]


def check(path: str, cls: str, methods: dict[str, Summary], relatives: Optional[list]) -> list[Finding]:
    findings: list[Finding] = []
    findings.extend(_unreleased(path, cls, methods, relatives))
    destructor = methods.get(DESTRUCTOR)
    if destructor is not None:
        for attr, span in destructor.release_sites:
            # Name `close()` when it is one of them: the method users call.
            closers = sorted((name for name, s in methods.items() if name != DESTRUCTOR and attr in s.releases),
                             key=lambda name: (name != "close", name))
            if not closers:
                continue
            closer = closers[0]
            where = [site for a, site in methods[closer].release_sites if a == attr]
            related = tuple(Related(path, site, f"`{closer}()` releases it here and keeps the pointer")
                            for site in where[:1])
            findings.append(Finding(
                "OWN401", path, span,
                f"`self.{attr}` is released in `{cls}.__del__`, but `{cls}.{closer}()` releases it "
                f"without clearing it: after `{closer}()` the destructor releases it again",
                related,
            ))
    managed = {attr: (span, call) for summary in methods.values() for attr, span, call in summary.managed}
    for name, summary in sorted(methods.items()):
        for attr, span in summary.release_sites:
            if attr in managed and attr not in summary.detached:  # detaching first makes it legal
                where, call = managed[attr]
                findings.append(Finding(
                    "OWN105", path, span,
                    f"`self.{attr}` is managed by the garbage collector (`{call}`); releasing it by hand in "
                    f"`{cls}.{name}()` frees it twice",
                    (Related(path, where, f"handed to `{call}` here"),),
                ))
    return findings


def _unreleased(path: str, cls: str, methods: dict[str, Summary], relatives: Optional[list]) -> list[Finding]:
    """OWN205. A base class may release what a subclass stores, and a subclass what its
    base stores: classes with a base outside the module (`relatives` None) are skipped."""
    if relatives is None:
        return []
    handled = set()
    for summary in [s for family in relatives for s in family.values()] + list(methods.values()):
        handled |= {attr for attr, _ in summary.release_sites}
        handled |= {attr for attr, _, _ in summary.managed}
        handled |= summary.escaped
    findings = []
    for _, summary in sorted(methods.items()):
        for attr, site, call in summary.acquired:
            if attr in handled:
                continue
            findings.append(Finding(
                "OWN205", path, site,
                f"`self.{attr}` holds the result of `{call}`, but no method of `{cls}` releases it "
                f"(no close(), __exit__, __del__, ffi.gc or weakref.finalize)",
            ))
    return findings
