"""The ownership typestate: value states, the events that change them, and the pure transition table.

State diagram of one tracked value (MallocChecker-style; events in capitals)::

        ACQUIRE (owned)         ACQUIRE (may fail)            ACQUIRE (non-owned)
              |                        |                              |
              v       ASSUME_NONNULL   v                              v
           OWNED <---------------- MAYBE ----ASSUME_NULL---> NULL   BORROWED / STATIC /
             |  \\                     |                             SINGLETON / PYOWNED
     RELEASE |   \\ ESCAPE (returned,  |                               |
             |    \\ stored, unknown    |                       RELEASE: OWN103
             v     v  callee)          v
         RELEASED  ESCAPED   <------ ESCAPE
          |  |        |
   USE:   |  | RELEASE: OWN102         TRANSFER (callee takes it) -> TRANSFERRED
   OWN101 |                              USE / RELEASE afterwards: OWN107
   (METHOD_USE, a method using it: OWN402; C_USE in MAYBE, NULL unchecked: OWN503)
          v
     MANAGE (ffi.gc with a destructor) -> MANAGED;  RELEASE by hand: OWN105;
     DETACH (ffi.gc(p, None)) -> OWNED again;  RELEASE_PY (ffi.release) -> RELEASED.

    DIES (the last reference goes away) in OWNED, MAYBE or PENDING is a leak.

    CALLBACK / HANDLE --KEEP (passed where C keeps it)--> KEPT --UNKEEP (holder released,
    observer replaced)--> CALLBACK;  ESCAPE (stored on self, a global, a container) ->
    ESCAPED;  DIES in KEPT: C now points to a collected object (OWN301 / OWN302).
    PYOWNED --KEEP--> KEPT_MEMORY --UNKEEP--> PYOWNED, the same for Python memory C keeps
    (`FPDF_LoadMemDocument`'s buffer): DIES in KEPT_MEMORY is OWN303 / OWN304.

A value holds a *set* of these states (one per path that reaches a point); each event
maps every member through `TABLE`. `transition` is pure: the flow engine owns the
context-dependent checks (families, owners) and the wording of findings.
"""

from __future__ import annotations

import enum
from typing import Optional


class State(enum.Enum):
    OWNED = "owned"
    MAYBE = "maybe"  # owned, or NULL / failed: not yet checked
    NULL = "null"
    RELEASED = "released"
    ESCAPED = "escaped"  # someone else may release it now: never reported as a leak
    TRANSFERRED = "transferred"
    BORROWED = "borrowed"
    STATIC = "static"
    SINGLETON = "singleton"
    PYOWNED = "python-owned"
    MANAGED = "managed"  # ffi.gc / weakref.finalize will release it
    UNKNOWN = "unknown"  # a parameter or global: not acquired here
    PENDING = "realloc-pending"  # passed to realloc; owned again if realloc returns NULL
    CALLBACK = "callback"  # a Python callable wrapped for C (CFUNCTYPE instance, ffi.callback)
    HANDLE = "handle"  # ffi.new_handle(obj)
    KEPT = "kept-by-c"  # a callback or handle C holds a pointer to: it must stay alive
    KEPT_MEMORY = "memory-kept-by-c"  # Python memory (ffi.new, a buffer view) C holds a pointer to
    ELEMENT = "element"  # owned by a container (`sk_X509_value`): whoever frees the container decides


class Ev(enum.Enum):
    USE = "use"
    METHOD_USE = "method-use"  # a method of the value's object uses it (from the method's summary)
    C_USE = "c-use"  # passed to a C function: as USE, and a NULL there crashes
    RELEASE = "release"  # a C deallocator
    RELEASE_PY = "release-python"  # ffi.release: legal on Python-owned and managed memory
    TRANSFER = "transfer"
    ESCAPE = "escape"
    MANAGE = "manage"
    DETACH = "detach"
    REALLOC = "realloc"
    ASSUME_NULL = "assume-null"
    ASSUME_NONNULL = "assume-nonnull"
    KEEP = "keep"  # passed to an argument C keeps
    UNKEEP = "unkeep"  # C let go of it (holder released, observer replaced)
    DIES = "dies"


# Problem markers the table produces; the flow engine turns them into findings.
LEAK = "leak"
DANGLING = "dangling"  # a kept callback or handle died: OWN301 / OWN302

S = State
_NOT_OWNED = (S.BORROWED, S.STATIC, S.SINGLETON, S.PYOWNED, S.CALLBACK, S.HANDLE, S.KEPT, S.KEPT_MEMORY)
_LIVE = (S.OWNED, S.MAYBE, S.ESCAPED, S.UNKNOWN, S.PENDING)

# (state, event) -> (next state or None when the path is impossible, problem code or None).
# Pairs that are not listed leave the state unchanged and report nothing.
TABLE: dict[tuple[State, Ev], tuple[Optional[State], Optional[str]]] = {}


def _row(states, event: Ev, result: Optional[State], problem: Optional[str] = None) -> None:
    for state in states:
        TABLE[(state, event)] = (result if result is not None or problem is None else state, problem)


_row([S.RELEASED], Ev.USE, S.RELEASED, "OWN101")
_row([S.TRANSFERRED], Ev.USE, S.TRANSFERRED, "OWN107")
_row([S.RELEASED], Ev.C_USE, S.RELEASED, "OWN101")
_row([S.TRANSFERRED], Ev.C_USE, S.TRANSFERRED, "OWN107")
_row([S.MAYBE], Ev.C_USE, S.MAYBE, "OWN503")  # still unchecked: a later check keeps its meaning
_row([S.RELEASED], Ev.METHOD_USE, S.RELEASED, "OWN402")
_row([S.TRANSFERRED], Ev.METHOD_USE, S.TRANSFERRED, "OWN107")

_row(_LIVE, Ev.RELEASE, S.RELEASED)
_row([S.ELEMENT], Ev.RELEASE, S.RELEASED)  # taken over from its container (checked at the container's release)
_row([S.RELEASED], Ev.RELEASE, S.RELEASED, "OWN102")
_row([S.TRANSFERRED], Ev.RELEASE, S.TRANSFERRED, "OWN107")
_row(_NOT_OWNED, Ev.RELEASE, None, "OWN103")
_row([S.MANAGED], Ev.RELEASE, S.RELEASED, "OWN105")

_row([S.PYOWNED, S.MANAGED], Ev.RELEASE_PY, S.RELEASED)

_row((S.OWNED, S.MAYBE, S.ESCAPED, S.UNKNOWN, S.ELEMENT), Ev.TRANSFER, S.TRANSFERRED)
_row([S.RELEASED], Ev.TRANSFER, S.RELEASED, "OWN101")
_row([S.TRANSFERRED], Ev.TRANSFER, S.TRANSFERRED, "OWN107")
_row(_NOT_OWNED, Ev.TRANSFER, None, "OWN103")
_row([S.MANAGED], Ev.TRANSFER, S.MANAGED, "OWN105")

_row((S.OWNED, S.MAYBE, S.PENDING), Ev.ESCAPE, S.ESCAPED)

_row((S.OWNED, S.MAYBE, S.ESCAPED, S.UNKNOWN, S.ELEMENT), Ev.MANAGE, S.MANAGED)
_row([S.RELEASED], Ev.MANAGE, S.RELEASED, "OWN101")
_row([S.TRANSFERRED], Ev.MANAGE, S.TRANSFERRED, "OWN107")
_row(_NOT_OWNED, Ev.MANAGE, None, "OWN103")
_row([S.MANAGED], Ev.MANAGE, S.MANAGED, "OWN105")

_row([S.MANAGED], Ev.DETACH, S.OWNED)

_row((S.OWNED, S.MAYBE, S.ESCAPED, S.UNKNOWN), Ev.REALLOC, S.PENDING)
_row([S.RELEASED], Ev.REALLOC, S.RELEASED, "OWN101")
_row(_NOT_OWNED, Ev.REALLOC, None, "OWN103")

_row(
    (S.OWNED, S.MAYBE, S.UNKNOWN, S.ESCAPED, S.BORROWED, S.STATIC, S.SINGLETON, S.PYOWNED, S.MANAGED, S.ELEMENT),
    Ev.ASSUME_NULL,
    S.NULL,
)
_row([S.MAYBE], Ev.ASSUME_NONNULL, S.OWNED)
TABLE[(S.NULL, Ev.ASSUME_NONNULL)] = (None, None)  # this path cannot happen

_row((S.OWNED, S.MAYBE, S.PENDING), Ev.DIES, None, LEAK)

_row((S.CALLBACK, S.HANDLE, S.KEPT), Ev.KEEP, S.KEPT)
_row([S.KEPT], Ev.UNKEEP, S.CALLBACK)  # the site remembers whether it was a handle
_row((S.CALLBACK, S.HANDLE, S.KEPT), Ev.ESCAPE, S.ESCAPED)  # now referenced from elsewhere
_row([S.KEPT], Ev.DIES, None, DANGLING)
_row((S.PYOWNED, S.KEPT_MEMORY), Ev.KEEP, S.KEPT_MEMORY)
_row([S.KEPT_MEMORY], Ev.UNKEEP, S.PYOWNED)
_row([S.KEPT_MEMORY], Ev.ESCAPE, S.ESCAPED)
_row([S.KEPT_MEMORY], Ev.DIES, None, DANGLING)


def transition(state: State, event: Ev) -> tuple[Optional[State], Optional[str]]:
    """Where `event` takes a value in `state`: (next state or None if impossible, problem)."""
    return TABLE.get((state, event), (state, None))


def apply(states: frozenset[State], event: Ev) -> tuple[frozenset[State], dict[State, str]]:
    """Map a set of states through `event`; returns the new set and the problems by source state."""
    result: set[State] = set()
    problems: dict[State, str] = {}
    for state in states:
        nxt, problem = transition(state, event)
        if nxt is not None:
            result.add(nxt)
        if problem is not None:
            problems[state] = problem
    return frozenset(result), problems
