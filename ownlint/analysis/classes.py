"""Class lifecycle checks (Python's `Drop`) from the summaries of a class's methods.

OWN401: `__del__` releases an attribute that another method (`close()`) releases
without clearing it, so the destructor frees it a second time after `close()`.
OWN105: an attribute that holds an `ffi.gc`-managed value is also released by hand.
OWN205: an attribute that holds an owned value is released by no method at all.
"""

from __future__ import annotations

from ..types import Finding, Summary, Related

DESTRUCTOR = "__del__"


def check(path: str, cls: str, methods: dict[str, Summary], has_bases: bool) -> list[Finding]:
    findings: list[Finding] = []
    findings.extend(_unreleased(path, cls, methods, has_bases))
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


def _unreleased(path: str, cls: str, methods: dict[str, Summary], has_bases: bool) -> list[Finding]:
    """OWN205. A base class may release what a subclass stores: classes with bases are skipped."""
    if has_bases:
        return []
    handled = set()
    for summary in methods.values():
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
