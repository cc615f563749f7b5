"""The shared vocabulary of ownlint: frozen value types that every layer passes around.

This is a leaf module: it imports nothing from ownlint and does no I/O. Past the flow
engine nothing sees a libcst node, only the spans defined here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True, order=True)
class Span:
    """A source range: 1-based lines, 0-based columns (libcst's convention).

    Output formats show 1-based columns; they convert through `col1`/`end_col1`, the
    one place where that happens.
    """

    line: int
    col: int
    end_line: int
    end_col: int

    @property
    def col1(self) -> int:
        return self.col + 1

    @property
    def end_col1(self) -> int:
        return self.end_col + 1


class LazySpan:
    """A Span computed only when it is read.

    Positions cost a code generation pass over the whole module, more than parsing it,
    and most files never report anything. The analysis therefore passes these around:
    identity, hashing and ordering use `key` (the node's place in a pre-order traversal,
    deterministic for a given file); the position is resolved on first access to
    `line`, `col`, ... and analysis/module.py turns them into Spans before findings leave it.
    """

    __slots__ = ("key", "_resolve", "_span")

    def __init__(self, key: tuple, resolve) -> None:
        self.key = key
        self._resolve = resolve  # () -> Span
        self._span: Optional[Span] = None

    @classmethod
    def fixed(cls, span: Span, key: tuple = (-1, 0)) -> "LazySpan":
        lazy = cls(key, None)
        lazy._span = span
        return lazy

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = self._resolve()
        return self._span

    line = property(lambda self: self.span.line)
    col = property(lambda self: self.span.col)
    end_line = property(lambda self: self.span.end_line)
    end_col = property(lambda self: self.span.end_col)
    col1 = property(lambda self: self.span.col1)
    end_col1 = property(lambda self: self.span.end_col1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazySpan) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: "LazySpan") -> bool:
        return self.key < other.key

    def __repr__(self) -> str:
        return f"LazySpan{self.key}"


def concrete(span) -> Span:
    """A Span from a Span or a LazySpan."""
    return span.span if isinstance(span, LazySpan) else span


NOWHERE = LazySpan.fixed(Span(0, 0, 0, 0))  # for events with no place in the source


@dataclass(frozen=True, order=True)
class Related:
    """A secondary location of a finding ("acquired here", "released here")."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True)
class Finding:
    """One reported problem. `path` is the path as the user should see it."""

    code: str
    path: str
    span: Span
    message: str
    related: tuple[Related, ...] = ()
    symbol: str = ""  # the innermost enclosing function or class (`Cls.method`), "" at module level
    fingerprint: str = ""  # stable across moved lines; set by the engine (see fingerprints.py)

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.col, self.code, self.message)


@dataclass(frozen=True)
class FileError:
    """A file that could not be analysed; reported, and the run goes on."""

    path: str
    message: str


class ConfigError(Exception):
    """A configuration or rule-pack problem. The message names file, key and line."""

    def __init__(self, path: str, message: str, line: Optional[int] = None, key: str = "") -> None:
        self.path = path
        self.line = line
        self.key = key
        self.detail = message
        where = path if line is None else f"{path}:{line}"
        prefix = f"{where}: " + (f"`{key}`: " if key else "")
        super().__init__(prefix + message)


# --- contracts: what a C function does to ownership (built from rules/*.toml) ---------


class Returns(enum.Enum):
    """What the result of a call is, ownership-wise."""

    NOTHING = "none"  # not a tracked value (ints, bools, void)
    OWNED = "owned"  # the caller owns it and must release it
    BORROWED = "borrowed"  # points into memory owned by argument `owner`
    STATIC = "static"  # static storage: never release
    SINGLETON = "singleton"  # process-lifetime object: never release
    PYTHON = "python-owned"  # memory owned by a Python object (ffi.new, create_string_buffer)
    ALIAS = "alias"  # the same pointer as argument `alias_of` (casts, byref)
    STATUS = "status"  # a status code; see `success`
    CALLBACK = "callback"  # a Python callable C can call (ffi.callback); must stay alive while C keeps it
    HANDLE = "handle"  # a void* standing for a Python object (ffi.new_handle); the same
    FINALIZER = "finalizer"  # weakref.finalize: calling it releases the managed argument once; .detach() undoes it
    ELEMENT = "element"  # an element owned by the container `owner` (`sk_X509_value`): freed with it by
    #                      a release with `elements = true`; taking it over is legal if the container is freed alone


class MayFail(enum.Enum):
    NEVER = "never"
    NULL = "null"
    STATUS = "status"


@dataclass(frozen=True)
class Contract:
    """The ownership effects of one function, as a rule pack declares them.

    Argument positions are 0-based. Arguments that no field mentions are used.
    """

    name: str
    pack: str
    returns: Returns = Returns.NOTHING
    family: str = ""
    may_fail: MayFail = MayFail.NEVER
    success: tuple[object, ...] = (0,)
    owner: Optional[int] = None
    alias_of: Optional[int] = None
    out: tuple[int, ...] = ()  # out-parameters it fills (`sqlite3_open(name, &db)`; PKCS12_parse fills three)
    releases: Optional[int] = None
    idempotent: bool = False
    weak: bool = False  # an alias that does not keep Python-owned memory alive (ffi.cast, ctypes.addressof)
    # An alias that points to the Python object holding the argument (ctypes.pointer,
    # byref): reading through it (`.contents`, `[0]`) reads that holder, not what it points to.
    address: bool = False
    takes: tuple[int, ...] = ()
    keeps: tuple[int, ...] = ()
    holder: Optional[int] = None  # the argument that keeps them; releasing it lets them go
    # The owned result (or out values) depends on this argument (a proxy on its display):
    # using or releasing it after the parent's release is OWN106.
    parent: Optional[int] = None
    elements: bool = False  # releases the elements of the container it releases too (`sk_X509_pop_free`)
    held_by_result: bool = False  # `holder = "result"`: the returned object keeps them (`FPDF_LoadMemDocument`)
    calls: tuple[int, ...] = ()
    stores: tuple[int, ...] = ()  # the result holds raw pointers to these arguments' values
    manages: Optional[int] = None
    destructor: Optional[int] = None
    reallocates: Optional[int] = None
    # The families of the values it acquires through `out`, one per out-parameter (or one
    # for all); `family` is used when this is empty.
    out_family: tuple[str, ...] = ()
    refs: Optional[int] = None  # gives the caller one more reference to this argument (`g_object_ref`)
    # ... or takes over its floating reference instead (`g_object_ref_sink`): one more
    # reference only on an object the caller did not create
    floating: bool = False
    takes_on_success: tuple[int, ...] = ()  # takes these arguments only when it succeeds (`sk_X509_push`)
    # The library allocates what the caller's struct at this argument holds (`git_strarray`,
    # filled by `git_remote_list`): the struct now holds an owned value of `family` ...
    fills: Optional[int] = None
    # ... which a function with `empties` releases through the same pointer; the struct
    # itself (Python's `ffi.new` memory) is not freed.
    empties: Optional[int] = None

    def family_of_out(self, position: int) -> str:
        """The family of the value the `position`-th out-parameter receives."""
        if not self.out_family:
            return self.family
        return self.out_family[position] if position < len(self.out_family) else self.out_family[-1]


class ReceiverKind(enum.Enum):
    """Which receivers a pack's function names apply to."""

    FFI_LIBRARY = "ffi-library"  # objects from ctypes.CDLL, ffi.dlopen, `from _x_cffi import lib`
    FFI_OBJECT = "ffi-object"  # cffi.FFI() instances
    MODULE = "module"  # functions of a Python module, by qualified name (ctypes.cast)
    ANY = "any"  # the function name on any receiver, or a bare name


@dataclass(frozen=True)
class LibraryFilter:
    """Which FFI library objects a pack describes. Empty tuples accept everything."""

    kind: ReceiverKind = ReceiverKind.ANY
    module: str = ""
    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # regexes searched in the constant parts of the loader's argument
    modules: tuple[str, ...] = ()  # regexes searched in the dotted names of compiled cffi modules
    prefixes: tuple[str, ...] = ()  # function-name prefixes that identify the library's functions
    # A library pack shipped in rules/ switches itself on: it applies only where its library
    # is recognised (by path, module or prefix), never to any library as a user's pack does.
    recognised_only: bool = False


@dataclass(frozen=True)
class Loaders:
    """How FFI objects come into being (ctypes/cffi's own API, declared in their packs)."""

    library_calls: frozenset[str] = frozenset()
    library_attributes: frozenset[str] = frozenset()
    ffi_calls: frozenset[str] = frozenset()
    ffi_library_methods: frozenset[str] = frozenset()
    imported_library_names: frozenset[str] = frozenset()
    imported_ffi_names: frozenset[str] = frozenset()
    callback_prototypes: frozenset[str] = frozenset()  # CFUNCTYPE(...) makes a type; calling it, a callback
    library_objects: frozenset[str] = frozenset()  # names that are libraries already (`ctypes.pythonapi`)


# Key prefix, in the summaries shared across modules, of a function that some module gives
# a restype class of its own (`lib.f.restype = MyString`): project-wide, not imported.
RESTYPE = "restype:"
# Key prefix of a contract inferred from a cffi `cdef` declaration: project-wide too.
INFERRED = "inferred:"
# The end of the message of a finding that rests on an inferred contract (SARIF also says
# so in the result's properties).
INFERRED_NOTE = " (inferred contract)"
# Key prefix of a `restype = c_char_p` declared on a receiver that is not a library object
# of its module (`def load(lib): lib.f.restype = c_char_p`): the calls report it.
CHAR_P = "char_p:"
# Key prefix of an attribute name that holds a library (`self._lib = CDLL(...)`, a class's
# `lib`): `backend._lib.f()` anywhere in the project calls that library.
LIBATTR = "libattr:"
ASSERTS = "asserts"  # the export of a function that raises unless its first argument holds (`_check(rc >= 0)`)
PROTOTYPE = "prototype"  # the export of a module-level `PROTO = CFUNCTYPE(...)`: calling it makes a callback
FFIATTR = "ffiattr:"  # the same for an attribute that holds an ffi object (`self._ffi = FFI()`)
# Key prefix of a class attribute bound to a library function in a class body
# (`c_get_exception = library.MagickGetException`), one key per attribute and function
# (`funcattr:c_get_exception/MagickGetException`), whose value is the function's
# StringRestype when it is declared `c_char_p` on an owned string: a base class elsewhere
# calling `self.c_get_exception(...)` calls one of them.
FUNCATTR = "funcattr:"
GLOBAL_KEYS = (RESTYPE, INFERRED, CHAR_P, LIBATTR, FFIATTR, FUNCATTR)  # keys that are not `module.name`: any file naming the function


@dataclass(frozen=True)
class StringRestype:
    """`X.f.restype = c_char_p` (or `c_wchar_p`) where X is not a library the module loads."""

    function: str
    kind: str  # c_char_p or c_wchar_p
    path: str  # the file of the declaration ("" while in that file)
    span: Span


@dataclass(frozen=True)
class InferredContract:
    """A contract guessed from a declaration (a cffi `cdef`, a ctypes prototype, a C header) and the function's name (SPEC §3,
    "Inference"): `Stack *stack_create(...)` creates a `Stack`, `void stack_destroy(Stack *)`
    releases one. Findings that rest on it say so and point at the declaration."""

    name: str
    family: str
    releases: Optional[int]  # the released argument; None for a creator
    declared: str  # the C type it creates or releases: "Stack *"
    path: str  # the file of the declaration ("" while in that file)
    span: Span  # the declaration inside the cdef string
    takes: tuple[int, ...] = ()  # arguments it takes over (`*_insert(list, item)`): no creator then
    source: str = "cdef"  # what declared it: "cdef", "ctypes prototype" or "header"

    def contract(self) -> Contract:
        if self.takes:
            return Contract(self.name, "inferred", takes=self.takes)
        if self.releases is None:
            return Contract(self.name, "inferred", returns=Returns.OWNED, family=self.family, may_fail=MayFail.NULL)
        return Contract(self.name, "inferred", releases=self.releases, family=self.family)


@dataclass(frozen=True)
class LibraryObject:
    """An FFI library (CDLL, dlopen, compiled cffi `lib`): its name and the path literals that loaded it."""

    name: str
    paths: tuple[str, ...] = ()
    # Functions whose `restype` is a class of the program's own (Wand's c_magick_char_p
    # releases in its __del__): what their results own is the class's business.
    wrapped: frozenset[str] = frozenset()
    ctypes: bool = False  # loaded by ctypes (CDLL, cdll.X): results are C ints unless `restype` says otherwise
    # Not the library but one of its functions, bound to a Python name (`SDL_Init =
    # _bind("SDL_Init", ...)`): exported like a library, so other modules see the C function.
    function: str = ""
    loader: bool = False  # not the library but a function that returns it (`def load(): return CDLL(...)`)
    origin: str = ""  # the loader's argument, when it has no constant (`LoadLibrary(libarchive_path)`)
    binds: tuple = ()  # not the library but a helper binding its functions: (name's parameter, prefix)

    @property
    def is_library(self) -> bool:
        """Not one of its functions, a loader or a binder (exported in its place)."""
        return not (self.function or self.loader or self.binds)

    @property
    def label(self) -> str:
        """What users call the library: the first constant that loaded it, else the loader's
        argument, else its name."""
        # Of several constants (`os.environ.get("LIBARCHIVE") or find_library("archive")`),
        # one that looks like a library name, else the last that is not an environment
        # variable's name.
        named = [p for p in self.paths if not (p.isupper() or p == "<process>")] or list(self.paths)
        for path in named:
            if any(mark in path.lower() for mark in ("lib", ".so", ".dll", ".dylib")):
                return path
        return named[-1] if named else self.origin or self.name


@dataclass(frozen=True)
class PackFunctions:
    """One pack's function table and the receivers it applies to."""

    pack: str
    path: str
    library: LibraryFilter
    functions: dict = field(default_factory=dict, hash=False, compare=False)
    # (glob, compiled regex, Contract) of entries named by a pattern (`"libvlc_*_release"`),
    # in the pack's order; an explicitly named entry wins over any pattern.
    patterns: tuple = field(default=(), hash=False, compare=False)
    explicit: bool = False  # given with --pack or `packs = [...]` (the summary names it if it matches no call)

    def pattern_of(self, name: str) -> str:
        """The glob that gives `name` its contract here, or "" when an entry names it."""
        if name in self.functions:
            return ""
        return next((glob for glob, regex, _contract in self.patterns if regex.fullmatch(name)), "")

    def contract_for(self, name: str, explicit: bool = True) -> Optional[Contract]:
        if explicit:
            return self.functions.get(name)
        for _glob, regex, contract in self.patterns:
            if regex.fullmatch(name):
                return contract
        return None


# --- rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A rule's identity, documentation and examples (its examples are also its tests).

    INVALID examples mark each expected finding with `# expect: CODE:COLUMN` (1-based
    column) on the line where it is reported.
    """

    code: str
    name: str
    summary: str  # one line: what it finds
    fix: str  # one line: what to do instead (shown as "help")
    what: str
    why: str
    known_problems: str
    example: str
    use_instead: str
    invalid: tuple[str, ...]
    valid: tuple[str, ...]
    references: tuple[str, ...] = ()
    options: str = "None."
    default: bool = True  # enabled unless selected explicitly when False (strict rules)
    severity: str = "error"  # "error": memory corruption or a crash; "warning": a leak or a stale comment


@dataclass(frozen=True)
class Summary:
    """What one function or method does, as seen by its callers: to `self`'s attributes
    (methods), to its parameters, and what it returns.

    `releases`: attributes released on some path and still holding the released
    value when the method returns (not cleared: calling again releases them again).
    Parameters are named by position in `params` (a method's includes `self`).
    """

    releases: frozenset[str] = frozenset()
    uses: frozenset[str] = frozenset()
    release_sites: tuple[tuple[str, Span], ...] = ()  # every release of an incoming attribute
    use_sites: tuple[tuple[str, Span], ...] = ()  # every use of an incoming attribute
    managed: tuple[tuple[str, Span, str], ...] = ()  # (attribute, where, `ffi.gc`/`weakref.finalize`) managed at return
    detached: frozenset[str] = frozenset()  # attributes whose finalizer is detached (`f.detach()`)
    acquired: tuple[tuple[str, Span, str], ...] = ()  # (attribute, site, call) owned values stored on self
    escaped: frozenset[str] = frozenset()  # attributes handed to code ownlint cannot see
    kept: tuple[tuple[str, str, bool], ...] = ()  # (attribute, call, is a handle): a callback on self C keeps for a holder outside self
    params: tuple[str, ...] = ()
    param_releases: tuple[tuple[int, Span, str, str], ...] = ()  # (index, where, call, family): on every return
    param_uses: tuple[tuple[int, Span], ...] = ()  # (index, where) passed to C
    param_escapes: frozenset[int] = frozenset()  # kept, stored, returned, or handed to unknown code
    returns: tuple = ()  # (state, family, call, where) when it returns an owned value acquired inside
    lends: tuple = ()  # (family, call, where, released at): a @contextmanager that yields a value it
    # acquired and releases it after the `yield` on every return (the `with` block borrows it)


@dataclass(frozen=True)
class LibraryUse:
    """A C library as a file (or, merged, a run) sees it: `ownlint libraries` and the
    summary line say from it how much of the C side ownlint could check."""

    name: str  # what users call it: the soname, find_library name or cffi module that loaded it
    kind: str  # "ctypes" or "cffi"
    loaded_at: tuple[tuple[str, int], ...] = ()  # (path, line) of each place that loads it
    packs: tuple[str, ...] = ()  # the packs that describe it (recognise it, or give a function a contract)
    # (C function, call sites, contract source, the pattern of that pack that matched it or "")
    functions: tuple[tuple[str, int, Optional[str], str], ...] = ()
    # (path, line, why) of each cdef string inference could not read: nothing is guessed from it
    unread: tuple[tuple[str, int, str], ...] = ()


@dataclass(frozen=True)
class RunResult:
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    files: int
    sources: dict  # path -> source text, for code frames
    baselined: int = 0  # findings hidden because the baseline accepts them
    libraries: tuple[LibraryUse, ...] = ()  # every C library called, merged over the files, by name
    unmatched_packs: tuple[str, ...] = ()  # packs given explicitly (--pack, config) that matched no call
