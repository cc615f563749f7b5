"""Run the typestate analysis over one lowered CFG and turn problems into findings.

The store maps keys to sets of value ids and value ids to sets of states (typestate.py).
Blocks are iterated to a fixpoint (stores only grow at joins, and value ids are bounded
by acquisition sites, so it terminates); then one last pass over every reachable block
reports what the events see. Leaks are collected per acquisition site and reported
once, at the site, with the exit that leaks as a related location.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from . import events as E
from .deaths import Deaths, Site
from .typestate import DANGLING, LEAK, Ev, State, apply
from ..types import Finding, Summary, NOWHERE, Related, Span

Vid = tuple  # (site span or ("param", key), generation 0 | 1)

_OWNING = frozenset({State.OWNED, State.MAYBE, State.PENDING})
# Values whose fields are C memory: storing a pointer there keeps nothing alive.
_C_MEMORY = frozenset({State.OWNED, State.MAYBE, State.PYOWNED, State.BORROWED, State.ESCAPED, State.KEPT_MEMORY,
                       State.ELEMENT})
_HANDLED = frozenset({State.RELEASED, State.ESCAPED, State.TRANSFERRED, State.MANAGED})
_STATE_OF_RETURN = {
    State.BORROWED: "is borrowed from {owner}",
    State.STATIC: "points to static storage",
    State.SINGLETON: "is a process-lifetime singleton",
    State.PYOWNED: "is memory owned by Python",
}


@dataclass(frozen=True)
class VState:
    states: frozenset
    released: frozenset = frozenset()  # spans of the releases that reached here
    owners: frozenset = frozenset()  # value ids this borrowed value points into (or, owned, depends on)
    realloc_of: frozenset = frozenset()  # value ids realloc may have released
    holders: frozenset = frozenset()  # (holder value id or None, call, span) that keep this value
    pinned: frozenset = frozenset()  # (value id, span, field): C memory that stores a raw pointer to this
    dangling: frozenset = frozenset()  # (field, store span, owner site, kind, death span): freed memory it points to
    refs: int = 0  # references taken on it here (`g_object_ref`) beyond the one it was acquired with

    def join(self, other: "VState") -> "VState":
        """The join of both; `self` itself when `other` adds nothing (so that an unchanged
        store is recognised by identity, without comparing it). Paths that took different
        numbers of references (a loop, a branch) cannot be counted: the value escapes."""
        if other is self or (
            other.states <= self.states and other.released <= self.released and other.owners <= self.owners
            and other.realloc_of <= self.realloc_of and other.holders <= self.holders
            and other.pinned <= self.pinned and other.dangling <= self.dangling and other.refs == self.refs
        ):
            return self
        if other.refs != self.refs:
            return VState(frozenset({State.ESCAPED}), self.released | other.released, self.owners | other.owners)
        return VState(
            self.states | other.states,
            self.released | other.released,
            self.owners | other.owners,
            self.realloc_of | other.realloc_of,
            self.holders | other.holders,
            self.pinned | other.pinned,
            self.dangling | other.dangling,
            self.refs,
        )


_UNSEEN = VState(frozenset())  # what a key holds when nothing tracked is there
_MAX_REFS = 3  # references counted on one value; past this it escapes

# States in which a value's death is a problem (a leak, a kept callback collected): read
# from the transition table. Only values in one of them need looking at when a scope exits.
_MORTAL = frozenset(state for state in State if apply(frozenset({state}), Ev.DIES)[1])


class _Values(dict):
    """Value id -> VState, with the ids of the values that need a look on some events, so
    that those events do not scan every value: `mortal` (a state whose death is a
    problem), `linked` (owners, realloc_of or holders name other values), `held` (holders),
    `pinning` (pinned). Each index is a dict used as an ordered set (deterministic order)."""

    __slots__ = ("mortal", "linked", "held", "pinning")

    def __init__(self, *args) -> None:
        super().__init__()
        self.mortal: dict = {}
        self.linked: dict = {}
        self.held: dict = {}
        self.pinning: dict = {}
        for vid, vstate in dict(*args).items():
            self[vid] = vstate

    def copy(self) -> "_Values":
        other = _Values.__new__(_Values)
        dict.update(other, self)
        other.mortal, other.linked = dict(self.mortal), dict(self.linked)
        other.held, other.pinning = dict(self.held), dict(self.pinning)
        return other

    def __setitem__(self, vid, vstate: VState) -> None:
        dict.__setitem__(self, vid, vstate)
        for index, wanted in ((self.mortal, vstate.states & _MORTAL),
                              (self.linked, vstate.owners or vstate.realloc_of or vstate.holders),
                              (self.held, vstate.holders), (self.pinning, vstate.pinned)):
            if wanted:
                index[vid] = None
            else:
                index.pop(vid, None)

    def pop(self, vid, *default):
        for index in (self.mortal, self.linked, self.held, self.pinning):
            index.pop(vid, None)
        return dict.pop(self, vid, *default)

    def __delitem__(self, vid) -> None:
        self.pop(vid)


def _prefixes(key: str) -> list:
    """The keys `key` is a part of: `a` and `a.b` for `a.b[0]`."""
    if "." not in key and "[" not in key:
        return []
    return [key[:i] for i, char in enumerate(key) if char in ".[" and i]


class Store:
    """What holds at one point: key -> value ids, value id -> VState, key -> status links.

    Keys change only through `bind` and `unbind`, which keep two indexes: the keys that
    hold each value (`holders_of`, so that "is it still referenced?" costs nothing), and
    how many keys lie under each prefix (`parts`, so that "the parts of `a`" is only
    searched for when there are some)."""

    __slots__ = ("env", "vals", "status", "holders_of", "parts")

    def __init__(self) -> None:
        self.env: dict = {}  # key -> frozenset[Vid]
        self.vals: _Values = _Values()  # Vid -> VState
        self.status: dict = {}  # key -> frozenset[(Vid, success)]
        self.holders_of: dict = {}  # Vid -> frozenset of the keys that hold it
        self.parts: dict = {}  # prefix -> number of keys under it

    def copy(self) -> "Store":
        other = Store.__new__(Store)
        other.env, other.vals, other.status = dict(self.env), self.vals.copy(), dict(self.status)
        other.holders_of, other.parts = dict(self.holders_of), dict(self.parts)
        return other

    def bind(self, key: str, vids: frozenset) -> None:
        """`key` now holds `vids` (replacing what it held)."""
        old = self.env.get(key)
        if old is None:
            for prefix in _prefixes(key):
                self.parts[prefix] = self.parts.get(prefix, 0) + 1
        elif old is vids:
            return
        else:
            for vid in old - vids:
                self._drop_holder(vid, key)
        self.env[key] = vids
        holders_of = self.holders_of
        for vid in vids if old is None else vids - old:
            holders_of[vid] = holders_of.get(vid, frozenset()) | {key}

    def unbind(self, key: str) -> frozenset:
        """Remove `key`; returns the values it held."""
        old = self.env.pop(key, None)
        if old is None:
            return frozenset()
        for prefix in _prefixes(key):
            left = self.parts[prefix] - 1
            if left:
                self.parts[prefix] = left
            else:
                del self.parts[prefix]
        for vid in old:
            self._drop_holder(vid, key)
        return old

    def _drop_holder(self, vid, key: str) -> None:
        keys = self.holders_of[vid] - {key}
        if keys:
            self.holders_of[vid] = keys
        else:
            del self.holders_of[vid]

    def referenced(self, vid) -> bool:
        return vid in self.holders_of

    def under(self, root: str) -> list:
        """The keys for parts of `root`: `root.x`, `root[0]`."""
        if root not in self.parts:
            return []
        prefixes = (root + ".", root + "[")
        return [k for k in self.env if k.startswith(prefixes)]

    def clear(self) -> None:
        self.env, self.vals, self.status, self.holders_of, self.parts = {}, _Values(), {}, {}, {}

    def join(self, other: "Store") -> "Store":
        """The join of both stores; `self` itself when `other` adds nothing."""
        out = None
        env = self.env
        for key, vids in other.env.items():
            mine = env.get(key)
            if mine is vids or (mine is not None and vids <= mine):
                continue
            out = out or self.copy()
            out.bind(key, vids if mine is None else mine | vids)
        vals = self.vals
        for vid, vstate in other.vals.items():
            mine = vals.get(vid)
            if mine is vstate:
                continue
            joined = vstate if mine is None else mine.join(vstate)
            if joined is not mine:
                out = out or self.copy()
                out.vals[vid] = joined
        for key, links in other.status.items():
            mine = self.status.get(key)
            if mine is links or (mine is not None and links <= mine):
                continue
            out = out or self.copy()
            out.status[key] = links if mine is None else mine | links
        return self if out is None else out


def _self_attr(key: str) -> str:
    """`_h` for the key `self._h`; empty for anything else."""
    if key.startswith("self.") and "." not in key[5:] and "[" not in key[5:]:
        return key[5:]
    return ""


def _entry_attr(vid: Vid) -> str:
    """`_h` for the value `self._h` held when the scope was entered; empty otherwise."""
    origin = vid[0]
    if isinstance(origin, tuple) and origin[0] == "param":
        return _self_attr(origin[1])
    return ""


def _entry_param(vid: Vid) -> str:
    """`s` for the value parameter `s` held when the function was entered; empty otherwise."""
    origin = vid[0]
    if isinstance(origin, tuple) and origin[0] == "param" and "." not in origin[1] and vid[1] == 0:
        return origin[1]
    return ""


def _ordered(values) -> "Iterable":
    """Values in a deterministic order (sorting one value, the usual case, is skipped)."""
    return values if len(values) < 2 else sorted(values, key=repr)


_HANDLERS: dict = {}  # event type -> the Interpreter method that runs it


def _describe(key: str, site: Optional[Site]) -> str:
    if key.startswith("$") and site is not None:
        return f"the result of `{site.call}`"
    return f"`{key.split('@')[0]}`"


class Interpreter:
    def __init__(self, path: str, scope: str, params: tuple[str, ...] = ()) -> None:
        self.path = path
        self.scope = scope
        self.params = params
        # What the function does to its parameters and returns (its callers' view).
        self.param_release: dict = {}  # name -> (where, call, family) of its first release
        self.param_always_released: dict = {}  # name -> released at every return so far
        self.param_used: dict = {}  # name -> where it is first used (passed to a call, read through)
        self.param_escaped: set = set()
        self.returned: list = []  # (site, states) of each value a return statement hands back
        self.deaths = Deaths(path, scope)  # sites, labels, and what died: reported at the end
        self.reporting = False
        self.findings: dict = {}  # (code, span) -> Finding
        self.realloc_site: dict = {}  # value id -> the realloc that may have failed to release it
        # What this scope does to `self.X` (a method's summary, for its callers and class checks).
        self.attr_releases: set = set()
        self.attr_uses: set = set()
        self.attr_use_sites: set = set()
        self.attr_release_sites: set = set()
        self.attr_managed: set = set()
        self.attr_escaped: set = set()
        self.attr_acquired: set = set()
        self.managed_at: dict = {}  # value id -> (span, call) of the ffi.gc / weakref.finalize that manages it
        self.attr_detached: set = set()  # attributes whose finalizer this scope detaches
        self.infeasible = False
        self.release_inside: dict = {}  # call site -> (where, call) of the release inside the callee
        self.null_reported: set = set()  # acquisition sites already reported as OWN503
        self.out_borrowed: dict = {}  # site of a borrowed out-parameter -> the key of its owner
        # Python memory that escaped on some path (stored, handed to unknown code): something
        # else may keep it alive, so C keeping it is not followed (escape is silence).
        self.memory_escaped: set = set()

    # --- helpers ----------------------------------------------------------------------

    def _site(self, vid: Vid) -> Optional[Site]:
        return self.deaths.sites.get(vid[0])

    def _report(self, code: str, span: Span, message: str, related=()) -> None:
        if not self.reporting:
            return
        key = (code, span)
        if key not in self.findings:
            rel = tuple(Related(self.path, *note) if len(note) == 2 else Related(*note) for note in related)
            self.findings[key] = Finding(code, self.path, span, message, rel)

    def _acquired_note(self, vid: Vid) -> list:
        site = self._site(vid)
        if site is None:
            return []
        note = [(site.span, f"acquired here by `{site.call}`")]
        if site.inside:
            origin, where, call = site.inside
            note.append((origin or self.path, where, f"`{call}` acquires it inside `{site.call}`"))
        return note

    def _released_note(self, vstate: VState) -> tuple[str, list]:
        if not vstate.released:
            return "", []
        first = min(vstate.released)
        notes = [(first, "released here")]
        if first in self.release_inside:
            origin, where, call = self.release_inside[first]
            notes.append((origin or self.path, where, f"released inside the callee by `{call}`"))
        return f" (line {first.line})", notes

    def _lazy(self, store: Store, key: str) -> frozenset:
        """Values of a key not acquired here (a parameter, a global): tracked from first release."""
        vids = store.env.get(key)
        if vids:
            return vids
        if key.startswith("$"):
            return frozenset()
        vid = (("param", key), 0)
        if vid in store.vals and store.referenced(vid):
            self._rename(store, vid)
        store.vals[vid] = VState(frozenset({State.UNKNOWN}))
        store.bind(key, frozenset({vid}))
        return store.env[key]

    def _rename(self, store: Store, vid: Vid) -> None:
        """Fold a still-live older instance of a site into its summary id (generation 1)."""
        old = (vid[0], 1)
        moved = store.vals.pop(vid)
        store.vals[old] = store.vals[old].join(moved) if old in store.vals else moved

        def swap(vids: frozenset) -> frozenset:
            return frozenset(old if v == vid else v for v in vids)

        for key in sorted(store.holders_of.get(vid, ())):
            store.bind(key, swap(store.env[key]))
        for other in list(store.vals.linked):
            vstate = store.vals[other]
            if vid in vstate.owners or vid in vstate.realloc_of or any(h[0] == vid for h in vstate.holders):
                holders = frozenset((old if h == vid else h, c, s) for h, c, s in vstate.holders)
                store.vals[other] = replace(
                    vstate, owners=swap(vstate.owners), realloc_of=swap(vstate.realloc_of), holders=holders
                )
        for key, links in list(store.status.items()):
            store.status[key] = frozenset((old if v == vid else v, s) for v, s in links)

    def _step(self, store: Store, vid: Vid, event: Ev, span: Span, release_span: Optional[Span] = None):
        """Apply one table event to a value; returns {state: problem} for the caller to word."""
        vstate = store.vals.get(vid)
        if vstate is None:
            return {}
        states, problems = apply(vstate.states, event)
        if event is Ev.ESCAPE and State.PYOWNED in vstate.states:
            self.memory_escaped.add(vid[0])
        if not states:
            self.infeasible = True
        if states != vstate.states or (release_span is not None and release_span not in vstate.released):
            released = vstate.released | ({release_span} if release_span is not None else frozenset())
            store.vals[vid] = replace(vstate, states=states, released=released)
        if self.reporting and vid[0] in self.deaths.sites and vstate.states & _OWNING and states & _HANDLED:
            self.deaths.handled.add(vid[0])
        return problems

    # --- deaths -----------------------------------------------------------------------

    def _unbind(self, store: Store, key: str, kind: str, span: Span, rooted: bool = True) -> None:
        dropped = store.unbind(key)
        store.status.pop(key, None)
        if rooted and key in store.parts:
            dropped = set(dropped)
            for k in store.under(key):
                dropped |= store.unbind(k)
                store.status.pop(k, None)
        for vid in _ordered(dropped):
            if not store.referenced(vid):
                self._dies(store, vid, kind, span)

    def _dies(self, store: Store, vid: Vid, kind: str, span: Span) -> None:
        vstate = store.vals.pop(vid, None)
        if vstate is None:
            return
        if vstate.pinned and kind in ("temp", "rebind", "del") and vstate.states & {State.PYOWNED, State.KEPT_MEMORY}:
            self._dropped_owner(store, vid, vstate, kind, span)
        _, problems = apply(vstate.states, Ev.DIES)
        if not self.reporting:
            return
        if DANGLING in problems.values() and vid[0] in self.deaths.sites and not self.scope == "<module>":
            # Module globals live as long as the process: only locals and temporaries dangle.
            self.deaths.dangling.setdefault(vid[0], []).append((kind, span, vstate.holders))
        elif problems.get(State.PENDING) == LEAK and vid in self.realloc_site:
            self.deaths.leaks.setdefault(self.realloc_site[vid], []).append((kind, span))
        elif LEAK in problems.values() and vid[0] in self.deaths.sites:
            self.deaths.leaks.setdefault(vid[0], []).append((kind, span))

    def _dropped_owner(self, store: Store, vid: Vid, vstate: VState, kind: str, span: Span) -> None:
        """Python-owned memory died while C memory (or a raw pointer) that points to it lives
        on: that holder now dangles. It is reported when the holder is next handed to a call
        or escapes (OWN303/OWN304), not if the field is overwritten first or it dies unused."""
        for holder, where, slot in _ordered(vstate.pinned):
            if holder not in store.vals or not store.referenced(holder):
                continue
            hstate = store.vals[holder]
            store.vals[holder] = replace(hstate, dangling=hstate.dangling | {(slot, where, vid[0], kind, span)})

    def _report_dangling(self, store: Store, holder: Vid, used: Span) -> None:
        hstate = store.vals.get(holder)
        if hstate is None or not hstate.dangling:
            return
        for _field, where, site_key, kind, span in _ordered(hstate.dangling):
            site = self.deaths.sites.get(site_key)
            code = "OWN304" if site is not None and site.family == "buffer" else "OWN303"
            what = f"the memory from `{site.call}`" if site else "the memory"
            when = "right after this statement" if kind == "temp" else f"when its last reference goes (line {span.line})"
            related = [] if kind == "temp" else [(span, "its last reference goes here")]
            acquired = [(site.span, f"acquired here by `{site.call}`")] if site is not None else []
            self._report(
                code, where,
                f"{what} is stored here only as a raw pointer; nothing keeps it alive, so it is freed "
                f"{when} and the pointer dangles",
                related + [(used, "the dangling pointer is used here")] + acquired,
            )
        store.vals[holder] = replace(hstate, dangling=frozenset())

    def _is_c_memory(self, store: Store, key: Optional[str]) -> frozenset:
        vids = store.env.get(key, frozenset()) if key else frozenset()
        return frozenset(v for v in vids if v in store.vals and store.vals[v].states & _C_MEMORY)

    def _pin_into(self, store: Store, holders: frozenset, vids: frozenset, span: Span,
                  field: Optional[str] = None) -> frozenset:
        """Record that `holders` point to the Python-owned `vids`; returns the vids pinned.

        A store into a field replaces what that field pointed to before."""
        if field is not None and holders:
            for other in list(store.vals.pinning):
                ostate = store.vals[other]
                stale = frozenset(p for p in ostate.pinned if p[2] == field and p[0] in holders)
                if stale:
                    store.vals[other] = replace(ostate, pinned=ostate.pinned - stale)
            for holder in holders:  # the field no longer points to freed memory
                hstate = store.vals[holder]
                if any(d[0] == field for d in hstate.dangling):
                    store.vals[holder] = replace(hstate, dangling=frozenset(d for d in hstate.dangling if d[0] != field))
        pinned = set()
        for vid in vids:
            vstate = store.vals.get(vid)
            if holders and vstate is not None and State.PYOWNED in vstate.states:
                store.vals[vid] = replace(vstate, pinned=vstate.pinned | {(h, span, field) for h in holders})
                pinned.add(vid)
        return frozenset(pinned)

    # --- events -----------------------------------------------------------------------

    def run(self, store: Store, event) -> None:
        kind = type(event)
        handler = _HANDLERS.get(kind)
        if handler is None:
            handler = _HANDLERS[kind] = getattr(Interpreter, "_" + kind.__name__.lower())
        handler(self, store, event)

    def _view(self, store: Store, ev: E.View) -> None:
        """A raw pointer into Python-owned memory is a new, borrowed value that the memory
        is pinned into (its death while the view lives is OWN303/OWN304); any other value
        is simply aliased."""
        sources = store.env.get(ev.source, frozenset())
        python = frozenset(v for v in sources if v in store.vals and State.PYOWNED in store.vals[v].states)
        targets = set(sources - python)
        if python:
            vid = (ev.span, 0)
            if vid in store.vals and store.referenced(vid):
                self._rename(store, vid)
            store.vals[vid] = VState(frozenset({State.BORROWED}), owners=python)
            for owner in _ordered(python):
                ostate = store.vals[owner]
                store.vals[owner] = replace(ostate, pinned=ostate.pinned | {(vid, ev.span, None)})
            targets.add(vid)
        self._unbind(store, ev.target, "rebind", ev.span)
        store.bind(ev.target, frozenset(targets))

    def _acquire(self, store: Store, ev: E.Acquire) -> None:
        vid = (ev.site, 0)
        self.deaths.sites.setdefault(ev.site, Site(ev.site, ev.call, ev.family, ev.state, ev.inside))
        if vid in store.vals and store.referenced(vid):
            self._rename(store, vid)
        owners = store.env.get(ev.owner, frozenset()) if ev.owner else frozenset()
        if ev.owner and not owners:
            owners = self._lazy(store, ev.owner)
        realloc_of = frozenset()
        if ev.realloc_of:
            realloc_of = self._lazy(store, ev.realloc_of)
            for old in _ordered(realloc_of):
                problems = self._step(store, old, Ev.REALLOC, ev.site)
                self._word(store, old, problems, ev.realloc_of, ev.site, ev.call)
                # If the old block dies while realloc may have failed, the leak is here.
                pending = ("realloc", ev.site)
                self.deaths.sites.setdefault(pending, Site(ev.site, ev.call, ev.family, State.PENDING))
                self.deaths.labels.setdefault(pending, ev.realloc_of)
                self.realloc_site[old] = pending
        state = ev.state
        if ev.filled and not all(store.vals.get(struct, _UNSEEN).states == {State.PYOWNED}
                                 for struct in store.env.get(ev.target) or {None}):
            state = State.ESCAPED  # a struct made elsewhere (a parameter, a context manager's)
        store.vals[vid] = VState(frozenset({state}), owners=owners, realloc_of=realloc_of)
        if ev.out_borrowed and ev.owner:
            self.out_borrowed[ev.site] = ev.owner
        self._unbind(store, ev.target, "rebind", ev.site)
        store.bind(ev.target, frozenset({vid}))
        if ev.status:  # (several out-parameters of one call share its status)
            store.status[ev.status] = store.status.get(ev.status, frozenset()) | {(vid, ev.success)}

    def _use(self, store: Store, ev: E.Use) -> None:
        if self.reporting and _self_attr(ev.key):
            self.attr_uses.add(_self_attr(ev.key))
            for site in ev.inside or (ev.span,):
                self.attr_use_sites.add((_self_attr(ev.key), site))
        for vid in _ordered(store.env.get(ev.key, frozenset())):
            vstate = store.vals.get(vid)
            if vstate is None:
                continue
            if ev.passed:
                self._report_dangling(store, vid, ev.span)
            if self.reporting and _entry_param(vid) in self.params and (ev.to_c or not ev.passed):
                # Passed to C or read through (`arr.count`): a reader, for other modules.
                self.param_used.setdefault(_entry_param(vid), ev.span)
            event = Ev.METHOD_USE if ev.method else Ev.C_USE if ev.to_c else Ev.USE
            problems = self._step(store, vid, event, ev.span)
            self._word(store, vid, problems, ev.key, ev.span, ev.method, how=ev.how, inside=ev.inside)
            if vstate.owners:  # borrowed from, or depending on, a released value
                for owner in _ordered(vstate.owners):
                    ostate = store.vals.get(owner)
                    if ostate is not None and State.RELEASED in ostate.states:
                        when, notes = self._released_note(ostate)
                        self._report(
                            "OWN106", ev.span,
                            f"{_describe(ev.key, self._site(vid))} is {ev.how} after its owner was released{when}",
                            notes + self._acquired_note(vid),
                        )

    def _release(self, store: Store, ev: E.Release) -> None:
        for vid in _ordered(self._lazy(store, ev.key)):
            # Releasing the value an attribute held on entry (also through an alias `h`).
            attr = _entry_attr(vid)
            if self.reporting and attr and not ev.python:
                self.attr_release_sites.add((attr, ev.span))
            param = _entry_param(vid)
            if self.reporting and param in self.params and not ev.python:
                self.param_release.setdefault(param, (ev.span, ev.call, ev.family))
            if ev.inside:
                self.release_inside.setdefault(ev.span, ev.inside)
            vstate = store.vals.get(vid)
            if vstate is None:
                continue
            if vstate.refs:  # gives back a reference taken here; the object still lives
                store.vals[vid] = replace(vstate, refs=vstate.refs - 1)
                continue
            if vstate.owners and vstate.states & (_OWNING | {State.ELEMENT}):
                self._after_parent(store, vid, vstate, ev)
            if ev.contents and State.PYOWNED in vstate.states:
                # Emptying a struct of Python's memory that was not filled here (a helper that
                # disposes what its caller's call filled): nothing this scope owns.
                if vstate.states == {State.PYOWNED}:
                    continue
                vstate = replace(vstate, states=vstate.states - {State.PYOWNED})
                store.vals[vid] = vstate
            site = self._site(vid)
            if (
                not ev.python and site is not None and site.family and ev.family
                and site.family != ev.family and vstate.states & (_OWNING | {State.ESCAPED})
            ):
                self._report(
                    "OWN104", ev.span,
                    f"{_describe(ev.key, site)} comes from `{site.call}` (family `{site.family}`) "
                    f"but `{ev.call}` releases family `{ev.family}`",
                    self._acquired_note(vid),
                )
            problems = self._step(store, vid, Ev.RELEASE_PY if ev.python else Ev.RELEASE, ev.span, ev.span)
            self._word(store, vid, problems, ev.key, ev.span, ev.call, vstate)
            self._elements_of(store, vid, ev)
        released = store.env.get(ev.key, frozenset())
        self._let_go(store, lambda holder, call, span: holder in released)

    def _elements_of(self, store: Store, container: Vid, ev: E.Release) -> None:
        """A container's release and the elements taken from it (`sk_X509_value`): one that
        frees them (`sk_X509_pop_free`) frees again those released or handed to `ffi.gc`
        here, and leaves the others dangling (OWN106 if used or released afterwards); one
        that frees only the container leaves them to whoever took them over."""
        for vid in _ordered([v for v in store.vals.linked if container in store.vals[v].owners]):
            vstate = store.vals[vid]
            site = self._site(vid)
            if site is None or site.state is not State.ELEMENT:
                continue
            if not ev.elements:
                store.vals[vid] = replace(vstate, owners=vstate.owners - {container})
                continue
            label = self.deaths.labels.get(vid[0])
            name = f"`{label}`" if label else f"the element from `{site.call}`"
            if State.MANAGED in vstate.states:
                manager = self.managed_at.get(vid, (None, "ffi.gc"))
                self._report("OWN105", ev.span,
                             f"{name}, taken from the container by `{site.call}`, is managed by `{manager[1]}`; "
                             f"`{ev.call}` frees it as well", self._acquired_note(vid))
            elif State.RELEASED in vstate.states:
                when, notes = self._released_note(vstate)
                self._report("OWN102", ev.span,
                             f"`{ev.call}` frees {name}, taken from the container by `{site.call}`, again; "
                             f"it was already released{when}", notes + self._acquired_note(vid))

    def _after_parent(self, store: Store, vid: Vid, vstate: VState, ev: E.Release) -> None:
        """A child released after the value it depends on (a proxy after its display's
        disconnect): the release reaches into freed memory."""
        for parent in _ordered(vstate.owners):
            pstate = store.vals.get(parent)
            if pstate is not None and State.RELEASED in pstate.states:
                when, notes = self._released_note(pstate)
                site = self._site(vid)
                relation = "the container that owns it" if site and site.state is State.ELEMENT \
                    else f"{self._owner_name(store, vstate)}, which it depends on,"
                self._report(
                    "OWN106", ev.span,
                    f"{_describe(ev.key, site)} is released by `{ev.call}` after {relation} was released{when}"
                    + ("" if site and site.state is State.ELEMENT else ": release it first"),
                    notes + self._acquired_note(vid),
                )
                return

    def _let_go(self, store: Store, which) -> None:
        """C no longer holds the values kept by the holders `which(holder, call, span)` selects."""
        for other in list(store.vals.held):
            ostate = store.vals[other]
            gone = frozenset(h for h in ostate.holders if which(*h))
            if gone:
                store.vals[other] = replace(ostate, holders=ostate.holders - gone)
                if not store.vals[other].holders:
                    self._step(store, other, Ev.UNKEEP, NOWHERE)

    def _keep(self, store: Store, ev: E.Keep) -> None:
        holders = self._lazy(store, ev.holder) if ev.holder else frozenset({None})
        # Registering again (another call of the same function on the same holder) replaces
        # what the earlier registration kept.
        self._let_go(store, lambda holder, call, span: (
            holder is not None and holder in holders and call == ev.call and span != ev.span
        ))
        for vid in _ordered(store.env.get(ev.key, frozenset()) if ev.key else ()):
            vstate = store.vals.get(vid)
            if vstate is None or not vstate.states & {State.CALLBACK, State.HANDLE, State.KEPT, State.KEPT_MEMORY}:
                if vstate is None or State.PYOWNED not in vstate.states or vid[0] in self.memory_escaped:
                    continue
            self._step(store, vid, Ev.KEEP, ev.span)
            added = frozenset((h, ev.call, ev.span) for h in holders)
            store.vals[vid] = replace(store.vals[vid], holders=store.vals[vid].holders | added)

    def _ref(self, store: Store, ev: E.Ref) -> None:
        """One more reference: on a value this scope owns, one more release is due; on one
        it does not own (a parameter, an attribute, a borrowed result), this scope now owns
        one reference, acquired here. Anything else (a loop's element, a global, a value
        whose count differs by path) cannot be counted: it escapes."""
        for vid in _ordered(self._lazy(store, ev.key)):
            vstate = store.vals.get(vid)
            if vstate is None:
                continue
            if ev.floating and vstate.states & {State.OWNED, State.MANAGED}:
                # A new object may be floating (sunk: no new reference) or not: uncountable.
                store.vals[vid] = VState(frozenset({State.ESCAPED}), vstate.released)
            elif vstate.states <= {State.OWNED, State.MANAGED} and vstate.refs < _MAX_REFS:
                store.vals[vid] = replace(vstate, refs=vstate.refs + 1)
            elif not vstate.refs and (vstate.states in ({State.BORROWED}, {State.ELEMENT}) or (
                    vstate.states == {State.UNKNOWN} and (_entry_param(vid) in self.params or _entry_attr(vid)))):
                self._own_reference(store, vid, ev)
            elif not vstate.states & {State.RELEASED, State.TRANSFERRED}:
                store.vals[vid] = VState(frozenset({State.ESCAPED}), vstate.released)

    def _own_reference(self, store: Store, vid: Vid, ev: E.Ref) -> None:
        """The object `vid` is, now with a reference this scope owns: a new value acquired
        by the reference call, held by every key that held `vid`."""
        mine = (ev.span, 0)
        family = ev.family or (self._site(vid).family if self._site(vid) else "")
        self.deaths.sites.setdefault(ev.span, Site(ev.span, ev.call, family, State.OWNED))
        if mine in store.vals and store.referenced(mine):
            self._rename(store, mine)
        store.vals[mine] = VState(frozenset({State.OWNED}))
        for key in sorted(store.holders_of.get(vid, ())):
            store.bind(key, (store.env[key] - {vid}) | {mine})
        if not store.referenced(vid):
            store.vals.pop(vid, None)

    def _transfer(self, store: Store, ev: E.Transfer) -> None:
        for vid in _ordered(self._lazy(store, ev.key)):
            vstate = store.vals.get(vid)
            if vstate is not None and vstate.refs:  # hands over a reference taken here
                store.vals[vid] = replace(vstate, refs=vstate.refs - 1)
                continue
            problems = self._step(store, vid, Ev.TRANSFER, ev.span, ev.span)
            self._word(store, vid, problems, ev.key, ev.span, ev.call, vstate)

    def _manage(self, store: Store, ev: E.Manage) -> None:
        for vid in _ordered(self._lazy(store, ev.key)):
            vstate = store.vals.get(vid)
            if not ev.frees and vstate is not None and State.PYOWNED in vstate.states:
                continue  # Python memory with a destructor that may not free it: nothing to say
            problems = self._step(store, vid, Ev.DETACH if ev.detach else Ev.MANAGE, ev.span)
            if not ev.detach:
                self.managed_at.setdefault(vid, (ev.span, ev.call))
            elif self.reporting and _entry_attr(vid):
                self.attr_detached.add(_entry_attr(vid))
            self._word(store, vid, problems, ev.key, ev.span, ev.call, vstate, how="wrapped again")

    def _escape(self, store: Store, ev: E.Escape) -> None:
        keys = [ev.key] + store.under(ev.key)
        if self.reporting:
            self.attr_escaped.update(a for a in map(_self_attr, keys) if a)
            for key in keys:
                for vid in store.env.get(key, frozenset()):
                    if _entry_attr(vid):
                        self.attr_escaped.add(_entry_attr(vid))
        for key in keys:
            for vid in _ordered(store.env.get(key, frozenset())):
                if ev.call and vid[0] in self.out_borrowed:
                    self._loose_borrowed(store, vid, key, ev)
                self._report_dangling(store, vid, ev.span)  # returned or stored with a dangling field
                if self.reporting:
                    if _entry_param(vid) in self.params:
                        self.param_escaped.add(_entry_param(vid))
                    if ev.returned and key == ev.key and vid in store.vals:
                        self.returned.append((self._site(vid), store.vals[vid].states))
                self._step(store, vid, Ev.ESCAPE, ev.span)
        for key in keys[1:]:
            store.unbind(key)

    def _loose_borrowed(self, store: Store, vid: Vid, key: str, ev: E.Escape) -> None:
        """A borrowed out-parameter handed to Python code that may keep it (an object built
        around it), with nothing of its owner going along: it outlives the owner's release."""
        vstate = store.vals.get(vid)
        owner = self.out_borrowed[vid[0]]
        if vstate is None or State.BORROWED not in vstate.states:
            return
        for other in ev.along:
            if other == key:
                continue
            if other == owner or owner.startswith(f"{other}.") or store.env.get(other, frozenset()) & vstate.owners:
                return
        site = self._site(vid)
        self._report(
            "OWN106", ev.span,
            f"{_describe(key, site)} is borrowed from `{owner}` and handed to `{ev.call}`, which may keep it, "
            f"with nothing that keeps `{owner}` alive: it can be used after `{owner}` is released",
            self._acquired_note(vid),
        )

    def _pin(self, store: Store, ev: E.Pin) -> None:
        self._pin_into(store, self._is_c_memory(store, ev.holder), store.env.get(ev.source, frozenset()), ev.span)

    def _bind(self, store: Store, ev: E.Bind) -> None:
        if ev.source is not None and _self_attr(ev.source) and not store.env.get(ev.source):
            # `h = self._h`: the alias shares the value the attribute held on entry.
            self._lazy(store, ev.source)
        vids = store.env.get(ev.source, frozenset()) if ev.source is not None else frozenset()
        links = store.status.get(ev.source) if ev.source is not None else None
        if ev.escapes:
            for vid in _ordered(vids):
                self._step(store, vid, Ev.ESCAPE, ev.span)
        if ev.target == ev.source:
            return
        if ev.into is not None:
            # `opts.name = buf` into C memory stores a pointer: it does not keep `buf` alive.
            vids = vids - self._pin_into(store, self._is_c_memory(store, ev.into), vids, ev.span, ev.target)
        self._unbind(store, ev.target, "rebind", ev.span)
        if not all(v in store.vals for v in vids):
            vids = frozenset(v for v in vids if v in store.vals)
        if vids:
            store.bind(ev.target, vids)
        if links:
            store.status[ev.target] = links
        for vid in vids:
            site = vid[0]
            if site in self.deaths.sites and not ev.target.startswith("$"):
                self.deaths.labels.setdefault(site, ev.target.split("@")[0])

    def _kill(self, store: Store, ev: E.Kill) -> None:
        self._unbind(store, ev.key, "temp" if ev.key.startswith("$") else "del", ev.span)

    def _discard(self, store: Store, ev: E.Discard) -> None:
        for vid in _ordered(store.env.get(ev.key, frozenset())):
            vstate = store.vals.get(vid)
            others = len(store.holders_of.get(vid, ())) > 1  # held by another key than ev.key
            if vstate is not None and not others and vstate.states & _OWNING:
                site = self._site(vid)
                self._report(
                    "OWN204", ev.span,
                    f"the result of `{site.call}` is {ev.because or 'discarded'}, "
                    "but the caller owns it and must release it",
                )
                store.vals.pop(vid, None)
        store.unbind(ev.key)
        store.status.pop(ev.key, None)

    def _assume(self, store: Store, ev: E.Assume) -> None:
        for vid, success in _ordered(store.status.get(ev.key, frozenset())):
            worked = _status_outcome(ev.test, ev.const, success)
            if worked is not None:
                self._refine(store, vid, worked)
        if ev.key in store.status:
            return
        if ev.test in ("truthy", "falsy"):
            nonnull = ev.test == "truthy"
        elif ev.const in (0, None, "NULL"):
            nonnull = ev.test == "ne"
        else:
            return
        for vid in _ordered(store.env.get(ev.key, frozenset())):
            self._refine(store, vid, nonnull)

    def _refine(self, store: Store, vid: Vid, nonnull: bool) -> None:
        vstate = store.vals.get(vid)
        if vstate is None:
            return
        self._step(store, vid, Ev.ASSUME_NONNULL if nonnull else Ev.ASSUME_NULL, NOWHERE)
        if not nonnull:  # a holder that was not made keeps nothing
            self._let_go(store, lambda holder, call, span: holder == vid)
        for old in vstate.realloc_of:
            ostate = store.vals.get(old)
            if ostate is not None and State.PENDING in ostate.states:
                back = State.RELEASED if nonnull else State.OWNED
                store.vals[old] = replace(ostate, states=(ostate.states - {State.PENDING}) | {back})

    def _scopeexit(self, store: Store, ev: E.ScopeExit) -> None:
        """Leaving the scope: every key goes, so every value still referenced dies. Only the
        values in a state whose death is a problem (`_MORTAL`) are looked at, and only in
        the reporting pass (the others die silently); the store is then empty. So an exit
        costs what dies badly there, not what is in scope."""
        if self.reporting and ev.kind == "return":
            for param in self.params:
                vid = (("param", param), 0)
                vstate = store.vals.get(vid)
                released = vstate is not None and vstate.states == {State.RELEASED}
                self.param_always_released[param] = self.param_always_released.get(param, True) and released
                if store.holders_of.get(vid, frozenset()) - {param}:
                    self.param_escaped.add(param)  # stored on self, in a global, ...
            for key in store.under("self"):
                attr = _self_attr(key)
                if not attr:
                    continue
                for vid in store.env[key]:
                    states = store.vals[vid].states if vid in store.vals else frozenset()
                    if vid == (("param", key), 0) and State.RELEASED in states:
                        self.attr_releases.add(attr)
                    if State.MANAGED in states and vid in self.managed_at:
                        self.attr_managed.add((attr, *self.managed_at[vid]))
                    site = self.deaths.sites.get(vid[0])
                    if site is not None and site.state in (State.OWNED, State.MAYBE) and State.ESCAPED in states:
                        self.attr_acquired.add((attr, site.span, site.call))
        if self.reporting:
            for vid in _ordered([vid for vid in store.vals.mortal if store.referenced(vid)]):
                self._dies(store, vid, ev.kind, ev.span)
        store.clear()

    # --- wording ------------------------------------------------------------------------

    def _word(self, store: Store, vid: Vid, problems: dict, key: str, span: Span, what: str, before=None,
              how: str = "", inside: tuple = ()) -> None:
        """Turn table problems into findings. `what` is the call; `how` says what the use was."""
        if not problems or not self.reporting:
            return
        vstate = before or store.vals.get(vid)
        site = self._site(vid)
        name = _describe(key, site)
        when, notes = self._released_note(vstate) if vstate is not None else ("", [])
        for state, code in sorted(problems.items(), key=lambda item: item[0].value):
            if code == "OWN101":
                self._report(code, span, f"{name} is {how or f'passed to `{what}`'} after it was released{when}",
                             notes + self._acquired_note(vid))
            elif code == "OWN402":
                method = what.rsplit(".", 1)[-1]
                uses = [(site, f"`{method}` uses it here") for site in inside]
                self._report(code, span, f"{name} is used by `{what}` after it was released{when}; "
                             f"`{method}` does not check whether it was closed", notes + uses + self._acquired_note(vid))
            elif code == "OWN503" and vid[0] not in self.null_reported:
                self.null_reported.add(vid[0])  # once per acquisition: the first unchecked use
                self._report(code, span, f"{name} may be NULL (`{site.call if site else what}` can fail) and is "
                             f"{how or f'passed to `{what}`'} before any check", self._acquired_note(vid))
            elif code == "OWN102":
                self._report(code, span, f"{name} is released again by `{what}`; it was already released{when}",
                             notes + self._acquired_note(vid))
            elif code == "OWN103":
                nature = _STATE_OF_RETURN[state].format(owner=self._owner_name(store, vstate))
                source = f" (`{site.call}`, line {site.span.line})" if site and not key.startswith("$") else ""
                self._report(code, span, f"{name} {nature}{source}; `{what}` must not release it",
                             self._acquired_note(vid))
            elif code == "OWN105":
                action = "wrapping it again with" if how == "wrapped again" else "releasing it with"
                manager = self.managed_at.get(vid, (None, "ffi.gc"))[1]
                self._report(code, span, f"{name} is managed by the garbage collector (`{manager}`); "
                             f"{action} `{what}` frees it twice", self._acquired_note(vid))
            elif code == "OWN107":
                self._report(code, span, f"{name} is {how or f'passed to `{what}`'} after ownership was handed over{when}",
                             notes + self._acquired_note(vid))

    def _owner_name(self, store: Store, vstate: Optional[VState]) -> str:
        if vstate is None:
            return "another object"
        for owner in _ordered(vstate.owners):
            label = self.deaths.labels.get(owner[0]) or (owner[0][1] if owner[0][0] == "param" else None)
            if label:
                return f"`{label}`"
        return "another object"

    # --- leaks ----------------------------------------------------------------------------


_INF = float("inf")
# A test on an integer status, as the integers it lets through (inclusive intervals).
_TESTED = {
    "eq": lambda c: [(c, c)], "ne": lambda c: [(-_INF, c - 1), (c + 1, _INF)],
    "lt": lambda c: [(-_INF, c - 1)], "le": lambda c: [(-_INF, c)],
    "gt": lambda c: [(c + 1, _INF)], "ge": lambda c: [(c, _INF)],
}


def _status_outcome(test: str, const: object, success: tuple) -> Optional[bool]:
    """Whether a status test means the acquiring call succeeded (None: cannot tell).

    `success` lists the values that mean success and comparisons (`(">=", 0)`); a test
    (`rc < 0`, `rc != 1`, `if rc:`) means success when every value it lets through is
    a success, failure when none is."""
    if test == "truthy":
        test, const = "ne", 0
    elif test == "falsy":
        test, const = "eq", 0
    values = [v for v in success if not isinstance(v, tuple)]
    if any(not isinstance(v, int) for v in values) or not isinstance(const, int) or isinstance(const, bool):
        # Named constants (`SQLITE_OK`): only the same name tells.
        if test == "eq":
            return True if const in values else (False if values and all(isinstance(v, int) for v in values)
                                                 and isinstance(const, int) else None)
        return False if test == "ne" and tuple(success) == (const,) else None
    if test not in _TESTED:
        return None
    good = [(v, v) for v in values] + [i for op, c in (v for v in success if isinstance(v, tuple))
                                       for i in _TESTED[_OPS[op]](c)]
    tested = _TESTED[test](const)

    def inside(lo, hi) -> bool:  # [lo, hi] within the union of `good` (integers: merge adjacent)
        for g_lo, g_hi in sorted(good):
            if g_lo <= lo <= g_hi:
                if g_hi >= hi:
                    return True
                lo = g_hi + 1
        return False

    if all(inside(lo, hi) for lo, hi in tested):
        return True
    if not any(lo <= g_hi and g_lo <= hi for lo, hi in tested for g_lo, g_hi in good):
        return False
    return None


_OPS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


_PASSED_ON = {State.MANAGED: "managed", State.STATIC: "static", State.SINGLETON: "singleton",
              State.PYOWNED: "python-owned"}


def analyse(blocks, entry: int, path: str, scope: str, params: tuple[str, ...] = (), where: Span = NOWHERE,
            regions=None):
    """Fixpoint over the lowered blocks, then a reporting pass; returns (findings, summary).

    `where` is the scope's `def` (its name), where an analysis that had to be cut says so;
    `regions` (cfg.Regions) says which blocks are finally bodies, entered and left by the
    call and return edges of each way out of their `try`."""
    interp = Interpreter(path, scope, params)
    start = Store()
    for name in params:
        vid = (("param", name), 0)
        start.vals[vid] = VState(frozenset({State.UNKNOWN}))
        start.bind(name, frozenset({vid}))
    contexts = _Contexts(regions)
    inputs: dict = {(entry, 0): start}  # (block, context) -> the store flowing in
    passes = _fixpoint(interp, blocks, entry, inputs, contexts)
    interp.reporting = True
    live = contexts.live()
    for index, context in sorted(node for node in inputs if node[1] in live):
        for _ in _flow(interp, blocks, index, inputs[(index, context)]):
            pass
    summary = Summary(
        releases=frozenset(interp.attr_releases),
        uses=frozenset(interp.attr_uses),
        release_sites=tuple(sorted(interp.attr_release_sites)),
        use_sites=tuple(sorted(interp.attr_use_sites)),
        managed=tuple(sorted(interp.attr_managed)),
        detached=frozenset(interp.attr_detached),
        acquired=tuple(sorted(interp.attr_acquired)),
        escaped=frozenset(interp.attr_escaped),
        **_function_effects(interp),
    )
    findings = sorted(interp.findings.values(), key=Finding.sort_key) + interp.deaths.findings()
    what = "the module's top-level code" if scope == "<module>" else f"`{scope}`"
    if passes > PASSES:
        # Reported from the states reached so far: what is found holds, but more may be missing.
        findings.append(Finding("OWN901", path, where, f"cannot fully analyse {what}: its loops did not settle "
                                                       f"in {PASSES:,} passes, so findings in it may be missing"))
    elif contexts.merged:
        findings.append(Finding("OWN901", path, where, f"cannot fully analyse {what}: its nested `finally` blocks "
                                                       "are reached in more different ways than ownlint keeps apart, "
                                                       "so some were merged and findings in it may be imprecise"))
    return findings, summary


PASSES = 1000  # trips around a function's loops before its analysis is cut (and said to be)


def _order(blocks, entry: int) -> dict:
    """Block -> its place in reverse postorder from `entry` (every block before the blocks
    it flows to, but for loops' back edges)."""
    post: list = []
    seen = {entry}
    stack = [(entry, iter(blocks[entry].edges))]
    while stack:
        index, edges = stack[-1]
        for target, _events, _implicit in edges:
            if target not in seen:
                seen.add(target)
                stack.append((target, iter(blocks[target].edges)))
                break
        else:
            stack.pop()
            post.append(index)
    return {index: place for place, index in enumerate(reversed(post))}


class _Contexts:
    """Where the stores of finally regions come from (cfg.py builds each finally body once).

    A region is analysed once per *context*: a distinct store entering it, the join of what
    one way out of the `try` brings from one context of the enclosing region (context 0 is
    the scope's own code). Ways, and callers, that bring the same store share a context,
    so a `finally` nested in a `finally` costs one analysis per level where the ways agree,
    not one per path; where they differ, each is analysed on its own, as a copy of the body
    per way would be. A context's end flows back along the return edge of each way that
    entered it, into that way's caller context; a jump out of a region (a `return` inside
    `finally`) goes on in every context the region was entered from.

    Where they differ at every level, the contexts of nested regions multiply; a region
    has at most CONTEXTS_PER_WAY per way into it (plus CONTEXTS_EXTRA), and past that the
    ways are merged into one more context whose end flows to all of them: the cost stays
    linear. What comes back from a merged context is made safe for each way (`_unmerged`:
    a value that the way did not bring as it was merged is unknown afterwards, so silence,
    not another path's state), and `merged` tells the scope's report that paths were merged."""

    def __init__(self, regions) -> None:
        self.regions = regions
        self.region = [0]  # context -> its region
        self.callers: list = [{}]  # context -> {(way, caller context): None} that enter it now
        self.ends: list = [None]  # context -> the store leaving its region's end
        self.known: dict = {}  # (region, frozen entry store) -> context
        self.key_of: dict = {}  # context -> its key in `known`
        self.entries: dict = {}  # (way, caller context) -> the joined store it brings
        self.now: dict = {}  # (way, caller context) -> the context it enters
        self.count: dict = {}  # region -> contexts made for it
        self.overflow: dict = {}  # region -> its merged context
        self.entry_of: dict = {}  # context -> its region's first block
        self.merged = False
        self.resume = {way: edge for edge, way in regions.returns.items()} if regions else {}  # way -> return edge
        # region -> how many contexts it may have before the ways into it are merged
        self.limit = {region: CONTEXTS_PER_WAY * ways + CONTEXTS_EXTRA
                      for region, ways in regions.ways.items()} if regions else {}

    def edge(self, index: int, position: int):
        """("call", way) / ("return", way) for those edges of a region, else None."""
        if not self.regions:
            return None
        way = self.regions.calls.get((index, position))
        if way is not None:
            return "call", way
        way = self.regions.returns.get((index, position))
        return None if way is None else ("return", way)

    def block_region(self, index: int) -> int:
        return self.regions.of_block[index] if self.regions else 0

    def _new(self, region: int) -> int:
        context = len(self.region)
        self.region.append(region)
        self.callers.append({})
        self.ends.append(None)
        return context

    def enter(self, way: int, caller: int, store: "Store", entry: int, region: int, limit: int):
        """A way brings `store` from `caller` into `region` (at block `entry`): (the context
        it enters now, whether it just moved there), or None when what it brings did not grow."""
        key = (way, caller)
        previous = self.entries.get(key)
        joined = store if previous is None else previous.join(store)
        if joined is previous:
            return None
        self.entries[key] = joined
        old = self.now.get(key)
        if old is not None and old == self.overflow.get(region):
            return old, False  # merged already: it stays merged
        frozen = (region, _frozen(joined))
        context = self.known.get(frozen)
        if context is None:
            if old is not None and len(self.callers[old]) == 1:
                context = old  # entered by this way alone: it grows in place, as a copy would
                del self.known[self.key_of[old]]
            elif self.count.get(region, 0) < limit:
                context = self._new(region)
                self.count[region] = self.count.get(region, 0) + 1
            else:
                self.merged = True
                if region not in self.overflow:
                    self.overflow[region] = self._new(region)
                context = self.overflow[region]
            if context != self.overflow.get(region):
                self.known[frozen] = context
                self.key_of[context] = frozen
        if old is not None and old != context:
            del self.callers[old][key]
        self.callers[context][key] = None
        self.now[key] = context
        self.entry_of[context] = entry
        return context, old != context

    def back(self, context: int, way: int, caller: int, inputs: dict) -> "Store":
        """What the end of `context` hands back to `way` from `caller`."""
        end = self.ends[context]
        if context != self.overflow.get(self.region[context]):
            return end
        return _unmerged(end, inputs[(self.entry_of[context], context)], self.entries[(way, caller)])

    def outer(self, context: int, region: int) -> list:
        """The contexts of `region` (which encloses `context`'s) that `context` was entered from."""
        found, stack, seen = [], [context], {context}
        while stack:
            current = stack.pop()
            if self.region[current] == region:
                found.append(current)
                continue
            for _way, caller in self.callers[current]:
                if caller not in seen:
                    seen.add(caller)
                    stack.append(caller)
        return sorted(found)

    def live(self) -> set:
        """The contexts the final stores enter (others were left as the stores grew)."""
        by_caller: dict = {}
        for (way, caller), context in self.now.items():
            by_caller.setdefault(caller, []).append(context)
        live, stack = {0}, [0]
        while stack:
            for context in by_caller.get(stack.pop(), ()):
                if context not in live:
                    live.add(context)
                    stack.append(context)
        return live


CONTEXTS_PER_WAY = 2
CONTEXTS_EXTRA = 16


def _unmerged(end: "Store", merged: "Store", own: "Store") -> "Store":
    """The end of a merged context, for one of the ways merged into it: each value whose
    state the way did not bring as it entered (another way's state was merged in) is
    unknown afterwards (escaped: never reported), rather than carrying the other path's
    state onto this way's path."""
    out = None
    for vid, vstate in merged.vals.items():
        if own.vals.get(vid) != vstate and vid in end.vals:
            out = out or end.copy()
            out.vals[vid] = VState(frozenset({State.ESCAPED}))
    return end if out is None else out


def _frozen(store: "Store") -> tuple:
    return frozenset(store.env.items()), frozenset(store.vals.items()), frozenset(store.status.items())


def _fixpoint(interp: Interpreter, blocks, entry: int, inputs: dict, contexts: _Contexts) -> int:
    """Iterate to the fixpoint in passes: each pass takes the (block, context) pairs whose
    input changed in reverse postorder of the blocks, and one that a back edge changes
    waits for the next pass, so a loop's body is gone through whole before its head again.
    Inputs only grow (joins) in a finite lattice, so this ends; the number of passes it
    took is returned, or PASSES + 1 when it was cut there."""
    order = _order(blocks, entry)
    current = [(order[entry], entry, 0)]
    queued = {(entry, 0)}  # the nodes in `current`
    later: set = set()
    passes = 1

    def reach(node: tuple, store: Store, source: int) -> None:
        previous = inputs.get(node)
        merged = store if previous is None else previous.join(store)
        if merged is previous:
            return
        inputs[node] = merged
        place = order[node[0]]
        if place > order[source]:
            if node not in queued:
                heapq.heappush(current, (place, *node))
                queued.add(node)
        else:
            later.add(node)

    while current:
        _place, index, context = heapq.heappop(current)
        queued.discard((index, context))
        region = contexts.region[context]
        for position, target, store in _flow(interp, blocks, index, inputs[(index, context)], True):
            kind = contexts.edge(index, position)
            if kind is None:
                target_region = contexts.block_region(target)
                if target_region == region:
                    reach((target, context), store, index)
                else:  # a jump out of a finally region: on in each context it was entered from
                    for outer in contexts.outer(context, target_region):
                        reach((target, outer), store, index)
            elif kind[0] == "call":
                way = kind[1]
                target_region = contexts.block_region(target)
                entered = contexts.enter(way, context, store, target, target_region, contexts.limit.get(target_region, 0))
                if entered is not None:
                    inner, moved = entered
                    reach((target, inner), contexts.entries[(way, context)], index)
                    if moved and contexts.ends[inner] is not None:  # its end is known: this way goes on now
                        back = contexts.back(inner, way, context, inputs)
                        reach((_resume_target(blocks, contexts.resume[way]), context), back, index)
            else:
                contexts.ends[context] = store
                for way, caller in list(contexts.callers[context]):
                    if way == kind[1]:
                        reach((target, caller), contexts.back(context, way, caller, inputs), index)
        if not current and later:
            passes += 1
            if passes > PASSES:
                return passes
            current = [(order[index], index, context) for index, context in later]
            heapq.heapify(current)
            queued, later = set(later), set()
    return passes


def _resume_target(blocks, resume: tuple) -> int:
    """The block a way goes on at after `finally`: the target of its return edge."""
    block, position = resume
    return blocks[block].edges[position][0]


def _flow(interp: Interpreter, blocks, index: int, entry: Store, positions: bool = False):
    """Run a block from its input store; yields (target, store) per feasible edge, or
    (position, target, store) with `positions`."""
    store = entry.copy()
    interp.infeasible = False
    for event in blocks[index].events:
        interp.run(store, event)
    edges = blocks[index].edges
    for position, (target, edge_events, _implicit) in enumerate(edges):
        # Edges without events all hand on the block's store itself (what is handed on is
        # never changed: a store is copied before a block runs on it, joins make new ones);
        # an edge with events (a condition, temporaries dying) runs them on a copy.
        out = store.copy() if edge_events else store
        interp.infeasible = False
        for event in edge_events:
            interp.run(out, event)
        if not interp.infeasible:
            yield (position, target, out) if positions else (target, out)


def _function_effects(interp: Interpreter) -> dict:
    """The parameter and result part of a Summary.

    A parameter counts as released only when it is released at every return (a wrapper
    that releases on some paths only is treated as keeping it: silence, not a guess). A
    function is a factory when a return hands back an owned value it acquired; the
    caller's result may be NULL (MAYBE) unless every return does."""
    index = {name: i for i, name in enumerate(interp.params)}
    releases = tuple(sorted(
        (index[name], *interp.param_release[name]) for name, always in interp.param_always_released.items()
        if always and name in interp.param_release
    ))
    released = {i for i, *_ in releases}
    # Released on some paths only: the caller cannot know; treat it as kept (silence).
    sometimes = {index[n] for n in interp.param_release if index[n] not in released}
    escapes = (frozenset(index[n] for n in interp.param_escaped) | sometimes) - released
    uses = tuple(sorted((index[n], span) for n, span in interp.param_used.items()
                        if index[n] not in released and index[n] not in escapes))
    owned = [(site, states) for site, states in interp.returned
             if site is not None and site.state in (State.OWNED, State.MAYBE) and states & {State.OWNED, State.MAYBE}]
    returns: tuple = ()
    if owned:
        site = min((s for s, _ in owned), key=lambda s: s.span)
        surely = len(owned) == len(interp.returned) and all(st == {State.OWNED} for _, st in owned)
        returns = ("owned" if surely else "maybe", site.family, site.call, site.span)
    elif interp.returned and all(site is not None for site, _ in interp.returned):
        # A helper that returns what it cannot own itself passes that on: an `ffi.gc` value
        # (a manual release is OWN105), static or singleton memory, Python-owned memory.
        kinds = {frozenset(states) for _site, states in interp.returned}
        if len(kinds) == 1 and len(next(iter(kinds))) == 1 and next(iter(next(iter(kinds)))) in _PASSED_ON:
            site = min((s for s, _ in interp.returned), key=lambda s: s.span)
            returns = (_PASSED_ON[next(iter(next(iter(kinds))))], site.family, site.call, site.span)
    return {"params": interp.params, "param_releases": releases, "param_uses": uses,
            "param_escapes": escapes, "returns": returns}
