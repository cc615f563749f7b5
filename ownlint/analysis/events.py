"""Abstract events: what one CFG step does to tracked names, free of any syntax.

Lowering turns libcst statements into these; the flow engine interprets them. Keys name
storage locations: a local (`s`), an attribute path (`self._h`), a constant index
(`pp[0]`) or a temporary (`$3`) that holds a call's result until the statement ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from ..types import Span
from .typestate import State


@dataclass(frozen=True)
class Acquire:
    """A call produced a new tracked value, now bound to `target`."""

    target: str
    site: Span
    state: State  # OWNED, MAYBE, BORROWED, STATIC, SINGLETON or PYOWNED
    family: str
    call: str  # the callee as written, for messages
    owner: Optional[str] = None  # key of the owning argument (borrowed results)
    status: Optional[str] = None  # key of the status code that says whether this worked
    success: tuple[object, ...] = ()
    realloc_of: Optional[str] = None  # key of the block that realloc may have released
    inside: tuple = ()  # (path or "" for this file, where, call) of the acquisition inside a factory
    # A borrowed out-parameter (`git_config_next`): valid only while `owner` lives, so handing
    # it to Python code that may keep it, without its owner, lets it outlive the owner.
    out_borrowed: bool = False
    # Contents the library put into the struct at `target` (`fills`): owned here only when
    # that struct is Python memory this scope made; otherwise its maker disposes of them.
    filled: bool = False


@dataclass(frozen=True)
class Use:
    key: str
    span: Span
    how: str  # "passed to lib.stack_push", "indexed", ...
    method: str = ""  # a use inside this method, seen through its summary (`hist.last()`)
    inside: tuple = ()  # where the method uses it
    passed: bool = False  # handed to a call (which may follow the pointers inside it)
    to_c: bool = False  # handed to a C function (or ctypes/cffi's own), which dereferences NULL


@dataclass(frozen=True)
class View:
    """`target` is a raw pointer to what `source` holds (ffi.cast, ctypes.addressof): the
    same value for C memory, but for Python-owned memory a pointer that does not keep it alive."""

    target: str
    source: str
    span: Span
    call: str


@dataclass(frozen=True)
class Release:
    key: str
    span: Span
    call: str
    family: str
    python: bool = False  # ffi.release: the legal early release of Python-owned memory
    contents: bool = False  # releases what a struct holds (`git_strarray_dispose`), not the struct
    elements: bool = False  # releases a container's elements too (`sk_X509_pop_free`)
    inside: tuple = ()  # (path or "" for this file, where, call) of the release inside a destroyer


@dataclass(frozen=True)
class Ref:
    """The caller gets one more reference to `key`'s object (`g_object_ref`, `CFRetain`):
    one more release of it is now due."""

    key: str
    span: Span
    call: str
    family: str
    floating: bool = False  # sinks a floating reference instead, if the object has one


@dataclass(frozen=True)
class Transfer:
    key: str
    span: Span
    call: str


@dataclass(frozen=True)
class Escape:
    key: str
    span: Span
    returned: bool = False  # `return x`: the caller receives it (a factory's result)
    call: str = ""  # the Python callable it is handed to, which may keep it
    along: tuple = ()  # the other keys handed to that call (and its receiver)


@dataclass(frozen=True)
class Manage:
    key: str
    span: Span
    call: str
    detach: bool
    # Whether the destructor is known to free its argument (a pack says it releases). One
    # that is not (`g_value_unset` on an `ffi.new` GValue) may only clear what it holds.
    frees: bool = True


@dataclass(frozen=True)
class Keep:
    """C keeps a pointer to `key` (until `holder` is released or `call` is made again).

    `key` is None when the argument is not a tracked value (None, a global)."""

    key: Optional[str]
    span: Span
    call: str
    holder: Optional[str]


@dataclass(frozen=True)
class Pin:
    """Memory of `holder` now stores a raw pointer to `source`'s value (no reference)."""

    holder: str
    source: str
    span: Span


@dataclass(frozen=True)
class Bind:
    """`target` now refers to whatever `source` refers to (nothing when source is None)."""

    target: str
    source: Optional[str]
    span: Span
    escapes: bool = False  # stored somewhere that outlives the function (attribute, global)
    into: Optional[str] = None  # the object whose field is written (`opts` for `opts.name = x`)


@dataclass(frozen=True)
class Kill:
    """`key` stops referring to anything (`del`, end of a temporary); a value may die."""

    key: str
    span: Span


@dataclass(frozen=True)
class Discard:
    """The statement's result is thrown away."""

    key: str
    span: Span
    because: str = ""  # who throws it away, when not the statement (`its errcheck ...`)


@dataclass(frozen=True)
class Assume:
    """On this edge the test on `key` holds: truthy, falsy, eq or ne a constant."""

    key: str
    test: str
    const: object = None


@dataclass(frozen=True)
class ScopeExit:
    """Control leaves the function (kind: return, raise or implicit) at `span`."""

    kind: str
    span: Span
    scope: str


Event = Union[Acquire, View, Use, Release, Ref, Transfer, Escape, Manage, Keep, Pin, Bind, Kill, Discard, Assume, ScopeExit]
