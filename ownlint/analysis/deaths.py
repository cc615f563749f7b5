"""Turn the deaths the flow engine recorded into findings: one per acquisition site.

A leak (an owned value that died) is reported once, at the call that acquired it, with
the exit it took as a related location: OWN201 when nothing ever released the value,
OWN202 when some path did, OWN203 when only an exception leaks it. A kept callback or
handle that died is OWN301/OWN302, at the call that registered it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types import Finding, Related, Span
from .typestate import State


@dataclass(frozen=True)
class Site:
    """What ownlint knows about the values acquired at one place."""

    span: Span
    call: str
    family: str
    state: State
    inside: tuple = ()  # (path or "" for this file, where, call) when a factory function acquired it


@dataclass
class Deaths:
    """What the flow engine's reporting pass saw die, and what it saw handled."""

    path: str
    scope: str
    sites: dict = field(default_factory=dict)  # site id -> Site
    labels: dict = field(default_factory=dict)  # site id -> the first variable bound to it
    leaks: dict = field(default_factory=dict)  # site id -> [(kind, span)]
    handled: set = field(default_factory=set)  # site ids released/escaped on some path
    dangling: dict = field(default_factory=dict)  # site id -> [(kind, span, holders)]

    def findings(self) -> list[Finding]:
        return self._leaks() + self._dangling()

    def _name(self, site_id, default: str) -> str:
        label = self.labels.get(site_id)
        return f"`{label}`" if label else default

    def _leaks(self) -> list[Finding]:
        found = []
        for site_id, deaths in sorted(self.leaks.items(), key=lambda item: (self.sites[item[0]].span, repr(item[0]))):
            site = self.sites[site_id]
            name = self._name(site_id, f"the result of `{site.call}`")
            if site.state is State.PENDING:
                kind, span = min(deaths)
                message = (f"if `{site.call}` fails it returns NULL and {name} is still owned, "
                           f"but it is lost {exit_words(kind, span, self.scope)}")
                found.append(Finding("OWN202", self.path, site.span, message,
                                     (Related(self.path, span, exit_note(kind, self.scope)),)))
                continue
            explicit = sorted(d for d in deaths if d[0] != "implicit")
            if explicit:
                kind, span = explicit[0]
                if site_id in self.handled:
                    code = "OWN202"
                    message = f"{name} acquired by `{site.call}` is not released {exit_words(kind, span, self.scope)}"
                else:
                    code = "OWN201"
                    acquired = "" if name.startswith("the result") else f" acquired by `{site.call}`"
                    message = f"{name}{acquired} is never released"
                related = (Related(self.path, span, exit_note(kind, self.scope)),)
            else:
                kind, span = sorted(deaths)[0]
                code = "OWN203"
                message = f"{name} acquired by `{site.call}` leaks if an exception is raised at line {span.line}"
                related = (Related(self.path, span, "an exception here leaks it"),)
            if site.inside:
                origin, where, call = site.inside
                related += (Related(origin or self.path, where, f"`{call}` acquires it inside `{site.call}`"),)
            found.append(Finding(code, self.path, site.span, message, related))
        return found

    def _dangling(self) -> list[Finding]:
        found = []
        for site_id, deaths in sorted(self.dangling.items()):
            site = self.sites[site_id]
            if site.state is State.PYOWNED:  # Python memory (a buffer view: OWN304)
                code = "OWN304" if site.family == "buffer" else "OWN303"
                what = "buffer" if code == "OWN304" else "memory"
            else:
                code = "OWN302" if site.state is State.HANDLE else "OWN301"
                what = "handle" if code == "OWN302" else "callback"
            kind, span, holders = sorted(deaths, key=lambda d: (d[1], d[0]))[0]
            registered = sorted((s, call) for _, call, s in holders)
            if not registered:
                continue
            where, call = registered[0]
            if kind in ("rebind", "del"):
                primary, tail = span, "is collected here, when its last reference goes"
            elif kind == "temp":
                primary, tail = where, "is collected right after this call"
            else:
                primary, tail = where, f"is collected {exit_words(kind, span, self.scope)}"
            name = self._name(site_id, f"the {what} `{site.call}(...)`")
            harm = "C calls into freed memory" if what in ("callback", "handle") else "C reads freed memory"
            message = f"{name} is kept by `{call}` but nothing keeps it alive: it {tail}, and {harm}"
            related = [Related(self.path, where, f"`{call}` keeps it")] if primary != where else []
            related.append(Related(self.path, site.span, f"{what} created here"))
            found.append(Finding(code, self.path, primary, message, tuple(related)))
        return found


def exit_words(kind: str, span: Span, scope: str) -> str:
    """How a value left reach, for messages: "when `f` returns at line 9"."""
    return {
        "return": f"when `{scope}` returns at line {span.line}",
        "raise": f"when the exception at line {span.line} is raised",
        "rebind": f"before it is overwritten at line {span.line}",
        "del": f"before `del` at line {span.line}",
        "temp": f"after the statement at line {span.line}",
    }.get(kind, f"at line {span.line}")


def exit_note(kind: str, scope: str) -> str:
    """The related-location text for the exit a leak took."""
    return {
        "return": f"`{scope}` returns here",
        "raise": "raised here",
        "rebind": "overwritten here",
        "del": "deleted here",
        "temp": "last used here",
    }.get(kind, "leaks here")
