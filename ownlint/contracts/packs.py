"""Load rule packs (rules/*.toml and user packs), validate them, and merge them into one contract table.

A pack says what C functions do to ownership; the format is documented in README.md
("Writing a rule pack"). Every error names the file, the key and its line.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from . import tomlsource

if sys.version_info >= (3, 11):
    from re import _constants as _sre, _parser as _sre_parse
else:  # pragma: no cover - exercised on older interpreters only
    import sre_constants as _sre
    import sre_parse as _sre_parse
from ..types import ConfigError, Contract, LibraryFilter, LibraryObject, Loaders, MayFail, PackFunctions, ReceiverKind, Returns

SHIPPED_DEFAULTS = ("python", "ctypes", "cffi", "libc", "weakref")

_TOP_KEYS = {"pack", "library", "families", "functions", "loaders"}
_PACK_KEYS = {"name": str, "description": str, "extends": list, "doc": str}
_LIBRARY_KEYS = {"kind": str, "module": str, "names": list, "paths": list, "modules": list, "prefixes": list}
_LOADER_KEYS = {
    "library_calls",
    "library_attributes",
    "ffi_calls",
    "ffi_library_methods",
    "imported_library_names",
    "imported_ffi_names",
    "callback_prototypes",
    "library_objects",
}
_INDEX_KEYS = ("owner", "alias_of", "releases", "manages", "destructor", "reallocates", "refs", "fills", "empties",
               "parent")
_INDEX_LIST_KEYS = ("takes", "keeps", "calls", "stores", "takes_on_success")
_PATTERN_CHARS = frozenset("*?[")
_FUNCTION_KEYS = {
    "returns", "family", "out_family", "may_fail", "success", "idempotent", "weak", "address", "floating", "elements", "doc",
    "out", "holder", *_INDEX_KEYS, *_INDEX_LIST_KEYS,
}


def shipped_pack_dir() -> str:
    """Where the packs shipped with ownlint live: installed as package data
    (ownlint/shipped_packs, mapped from rules/ by pyproject.toml), or in a checkout."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the ownlint package
    installed = os.path.join(here, "shipped_packs")
    if os.path.isfile(os.path.join(installed, "libc.toml")):
        return installed
    return os.path.join(os.path.dirname(here), "rules")


def shipped_pack_names() -> list[str]:
    return sorted(f[:-5] for f in os.listdir(shipped_pack_dir()) if f.endswith(".toml"))


def describe_shipped() -> list[dict]:
    """Every shipped pack: the library it describes, how it is recognised, its size (`ownlint packs`)."""
    rows = []
    for name in shipped_pack_names():
        pack = parse_pack(tomlsource.load(os.path.join(shipped_pack_dir(), f"{name}.toml")))
        rows.append({
            "name": pack.name, "description": pack.description, "default": name in SHIPPED_DEFAULTS,
            "kind": pack.library.kind.value, "paths": list(pack.library.paths), "modules": list(pack.library.modules),
            "prefixes": list(pack.library.prefixes), "functions": len(pack.functions), "patterns": len(pack.patterns),
        })
    return rows


def shipped_library_packs() -> list[str]:
    """The shipped packs of C libraries: every one but the always-active defaults."""
    return [name for name in shipped_pack_names() if name not in SHIPPED_DEFAULTS]


@dataclass(frozen=True)
class Pack:
    name: str
    path: str
    library: LibraryFilter
    families: dict = field(hash=False, compare=False)
    functions: dict = field(hash=False, compare=False)
    loaders: Loaders = Loaders()
    extends: tuple[str, ...] = ()
    patterns: tuple = field(default=(), hash=False, compare=False)  # (glob, regex, Contract)
    description: str = ""


def _expect(doc: tomlsource.TomlDocument, value: Any, kind: type, *keys: str) -> Any:
    names = {str: "a string", list: "an array", dict: "a table", bool: "true or false", int: "an integer"}
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise doc.error(f"must be {names[kind]}, not {type(value).__name__}", *keys)
    return value


def _unknown_keys(doc: tomlsource.TomlDocument, table: dict, allowed: Iterable[str], *keys: str) -> None:
    for key in table:
        if key not in allowed:
            raise doc.error(
                "unknown key; allowed: " + ", ".join(sorted(allowed)), *keys, key
            )


def _string_list(doc: tomlsource.TomlDocument, value: Any, *keys: str) -> tuple[str, ...]:
    _expect(doc, value, list, *keys)
    for item in value:
        _expect(doc, item, str, *keys)
    return tuple(value)


def _choice(doc: tomlsource.TomlDocument, value: Any, enum_type: Any, *keys: str) -> Any:
    _expect(doc, value, str, *keys)
    allowed = [m.value for m in enum_type]
    if value not in allowed:
        raise doc.error(f"unknown value {value!r}; allowed: " + ", ".join(allowed), *keys)
    return enum_type(value)


def _index(doc: tomlsource.TomlDocument, value: Any, *keys: str) -> int:
    _expect(doc, value, int, *keys)
    if value < 0:
        raise doc.error("argument positions are 0-based and cannot be negative", *keys)
    return value


_COMPARISON = re.compile(r"^\s*(==|!=|<=|>=|<|>)\s*(-?\d+)\s*$")


def _success(doc: tomlsource.TomlDocument, value: Any, *keys: str) -> tuple:
    """`success = [0]`, `["SQLITE_OK"]`, `">= 0"`, `["> 0", -2]`: values, names and comparisons."""
    items = value if isinstance(value, list) else [value]
    out: list = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise doc.error('must be integers, constant names or comparisons such as ">= 0"', *keys)
        match = _COMPARISON.match(item) if isinstance(item, str) else None
        if match:
            out.append((match.group(1), int(match.group(2))))
        elif isinstance(item, str) and (not item.isidentifier() or not isinstance(value, list)):
            raise doc.error(f"{item!r} is neither a constant name nor a comparison such as \">= 0\"", *keys)
        else:
            out.append(item)
    return tuple(out)


def _parse_function(doc: tomlsource.TomlDocument, pack: str, name: str, table: Any) -> Contract:
    where = ("functions", name)
    _expect(doc, table, dict, *where)
    _unknown_keys(doc, table, _FUNCTION_KEYS, *where)
    fields: dict[str, Any] = {}
    if "returns" in table:
        fields["returns"] = _choice(doc, table["returns"], Returns, *where, "returns")
    if "may_fail" in table:
        fields["may_fail"] = _choice(doc, table["may_fail"], MayFail, *where, "may_fail")
    if "family" in table:
        fields["family"] = _expect(doc, table["family"], str, *where, "family")
    if "out_family" in table:  # one family, or one per out-parameter
        value = table["out_family"]
        fields["out_family"] = (_expect(doc, value, str, *where, "out_family"),) if not isinstance(value, list) \
            else _string_list(doc, value, *where, "out_family")
    if "out" in table:  # one position, or a list of them
        value = table["out"]
        items = value if isinstance(value, list) else [value]
        fields["out"] = tuple(_index(doc, item, *where, "out") for item in items)
    for key in ("idempotent", "weak", "address", "floating", "elements"):
        if key in table:
            fields[key] = _expect(doc, table[key], bool, *where, key)
    if "success" in table:
        fields["success"] = _success(doc, table["success"], *where, "success")
    for key in _INDEX_KEYS:
        if key in table:
            fields[key] = _index(doc, table[key], *where, key)
    if table.get("holder") == "result":  # kept until the returned object is released
        fields["held_by_result"] = True
    elif "holder" in table:
        if isinstance(table["holder"], str):
            raise doc.error(f'unknown value {table["holder"]!r}; a holder is an argument position or "result"',
                            *where, "holder")
        fields["holder"] = _index(doc, table["holder"], *where, "holder")
    for key in _INDEX_LIST_KEYS:
        if key in table:
            items = _expect(doc, table[key], list, *where, key)
            fields[key] = tuple(_index(doc, item, *where, key) for item in items)
    contract = Contract(name=name, pack=pack, **fields)
    returns = contract.returns
    if contract.elements and contract.releases is None:
        raise doc.error("`elements = true` says a container's release frees its elements too: it needs `releases`",
                        *where, "elements")
    if returns is Returns.ELEMENT and contract.owner is None:
        raise doc.error('`returns = "element"` needs `owner`, the container that owns the element', *where)
    if contract.owner is not None and returns not in (Returns.BORROWED, Returns.ELEMENT) and not contract.out:
        raise doc.error('`owner` names the argument that owns a borrowed result (`returns = "borrowed"`) or '
                        'borrowed out-parameters (`out`)', *where, "owner")
    for key in ("fills", "empties"):
        if getattr(contract, key) is not None and not contract.family:
            raise doc.error(f"`{key}` needs `family`, the family of what the struct holds", *where, key)
    if contract.fills is not None and (contract.out or returns not in (Returns.STATUS, Returns.NOTHING)):
        raise doc.error('a function that fills a struct returns "status" or nothing, and has no `out`', *where, "fills")
    if returns is Returns.BORROWED and contract.owner is None:
        raise doc.error('`returns = "borrowed"` needs `owner`, the argument that owns the result', *where)
    if returns is Returns.ALIAS and contract.alias_of is None:
        raise doc.error('`returns = "alias"` needs `alias_of`, the argument the result points to', *where)
    if contract.weak and returns is not Returns.ALIAS:
        raise doc.error('`weak = true` describes an alias: it needs `returns = "alias"`', *where, "weak")
    if contract.address and returns is not Returns.ALIAS:
        raise doc.error('`address = true` describes an alias: it needs `returns = "alias"`', *where, "address")
    if returns is Returns.FINALIZER and contract.manages is None:
        raise doc.error('`returns = "finalizer"` needs `manages`, the argument the finalizer releases', *where)
    if contract.may_fail is MayFail.STATUS and returns is not Returns.STATUS:
        raise doc.error('`may_fail = "status"` needs `returns = "status"`', *where, "may_fail")
    if contract.out and returns not in (Returns.STATUS, Returns.NOTHING):
        raise doc.error('an out-parameter function returns "status" or nothing', *where, "out")
    if len(contract.out_family) > 1 and len(contract.out_family) != len(contract.out):
        raise doc.error(f"lists {len(contract.out_family)} families for {len(contract.out)} out-parameters; "
                        "give one family, or one per position in `out`", *where, "out_family")
    if contract.refs is not None and returns not in (Returns.NOTHING, Returns.ALIAS, Returns.STATUS):
        raise doc.error('`refs` gives one more reference to an argument: the result, if any, is that argument '
                        '(`returns = "alias"`, or no `returns`), or a status (`returns = "status"`, as '
                        '`EVP_PKEY_up_ref`)', *where, "refs")
    if contract.floating and contract.refs is None:
        raise doc.error("`floating = true` describes a reference that may sink a floating one: it needs `refs`",
                        *where, "floating")
    if contract.parent is not None and returns is not Returns.OWNED and not (contract.out and contract.owner is None):
        raise doc.error('`parent` names what an owned result (`returns = "owned"`) or owned out-parameters '
                        'depend on', *where, "parent")
    if contract.held_by_result and contract.returns is not Returns.OWNED:
        raise doc.error('`holder = "result"` needs an owned result (`returns = "owned"`), whose release lets '
                        'the kept arguments go', *where, "holder")
    if (contract.holder is not None or contract.held_by_result) and not contract.keeps:
        raise doc.error("`holder` needs `keeps`, the arguments it keeps", *where, "holder")
    if contract.destructor is not None and contract.manages is None:
        raise doc.error("`destructor` needs `manages`, the argument that becomes managed", *where)
    return contract


def _parse_library(doc: tomlsource.TomlDocument, table: Any) -> LibraryFilter:
    _expect(doc, table, dict, "library")
    _unknown_keys(doc, table, _LIBRARY_KEYS, "library")
    kind = ReceiverKind.FFI_LIBRARY
    if "kind" in table:
        kind = _choice(doc, table["kind"], ReceiverKind, "library", "kind")
    module = table.get("module", "")
    _expect(doc, module, str, "library", "module")
    if kind is ReceiverKind.MODULE and not module:
        raise doc.error('`kind = "module"` needs `module`, the module\'s import name', "library")
    names = _string_list(doc, table.get("names", []), "library", "names")
    patterns = {}
    for key in ("paths", "modules"):
        patterns[key] = _string_list(doc, table.get(key, []), "library", key)
        for pattern in patterns[key]:
            _check_pattern(doc, pattern, key)
    prefixes = _string_list(doc, table.get("prefixes", []), "library", "prefixes")
    if "" in prefixes:
        raise doc.error("an empty prefix would match every function", "library", "prefixes")
    return LibraryFilter(kind=kind, module=module, names=names, paths=patterns["paths"],
                         modules=patterns["modules"], prefixes=prefixes)


MAX_PATH_SUBJECT = 256  # characters of a library path that `[library]` regexes are matched against


def _check_pattern(doc: tomlsource.TomlDocument, pattern: str, key: str) -> None:
    """A `[library] paths` (or `modules`) regex must compile and must not backtrack
    exponentially: a quantifier over something that itself repeats or alternates
    (`(a+)+`, `(ab|a)*`) can take minutes on a long library name, so it is refused. (The
    subject is also cut to MAX_PATH_SUBJECT characters, which bounds the rest.)"""
    try:
        re.compile(pattern)
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        raise doc.error(f"invalid regular expression {pattern!r}: {exc}", "library", key) from None
    repeats = {_sre.MAX_REPEAT, _sre.MIN_REPEAT} | ({_sre.POSSESSIVE_REPEAT} if hasattr(_sre, "POSSESSIVE_REPEAT") else set())
    # (items, inside a repeat?) still to look at; an item is (opcode, argument)
    stack = [(list(parsed), False)]
    while stack:
        items, repeated = stack.pop()
        for op, arg in items:
            if op in repeats:
                low, high, body = arg
                if repeated and high > 1:
                    raise doc.error(f"regular expression {pattern!r} nests quantifiers, which can take exponential "
                                    "time on a long library name; write it without a repeated group that itself "
                                    "repeats", "library", key)
                stack.append((list(body), repeated or high > 1))
            elif op is _sre.BRANCH:
                if repeated:
                    raise doc.error(f"regular expression {pattern!r} repeats an alternation, which can take "
                                    "exponential time on a long library name; write the alternatives as separate "
                                    "patterns", "library", key)
                stack.extend((list(branch), repeated) for branch in arg[1])
            elif op is _sre.SUBPATTERN:
                stack.append((list(arg[-1]), repeated))
            elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
                stack.append((list(arg[1]), repeated))
            elif op is _sre.GROUPREF_EXISTS:
                stack.extend((list(branch), repeated) for branch in arg[1:] if branch is not None)
            elif getattr(_sre, "ATOMIC_GROUP", None) is not None and op is _sre.ATOMIC_GROUP:
                stack.append((list(arg), repeated))


def parse_pack(doc: tomlsource.TomlDocument) -> Pack:
    data = doc.data
    _unknown_keys(doc, data, _TOP_KEYS)
    meta = _expect(doc, data.get("pack", {}), dict, "pack")
    _unknown_keys(doc, meta, _PACK_KEYS, "pack")
    if "name" not in meta:
        raise doc.error("missing `name` (every pack has a name)", "pack")
    name = _expect(doc, meta["name"], str, "pack", "name")
    extends = _string_list(doc, meta.get("extends", []), "pack", "extends")
    library = _parse_library(doc, data["library"]) if "library" in data else LibraryFilter()
    families_table = _expect(doc, data.get("families", {}), dict, "families")
    families = {}
    for family, description in families_table.items():
        families[family] = _expect(doc, description, str, "families", family)
    functions, patterns = {}, []
    for fname, table in _expect(doc, data.get("functions", {}), dict, "functions").items():
        contract = _parse_function(doc, name, fname, table)
        if _PATTERN_CHARS & set(fname):  # `"libvlc_*_release"`: every function the glob matches
            patterns.append((fname, re.compile(fnmatch.translate(fname)), contract))
        else:
            functions[fname] = contract
    loaders_table = _expect(doc, data.get("loaders", {}), dict, "loaders")
    _unknown_keys(doc, loaders_table, _LOADER_KEYS, "loaders")
    loaders = Loaders(
        **{key: frozenset(_string_list(doc, value, "loaders", key)) for key, value in loaders_table.items()}
    )
    description = _expect(doc, meta.get("description", ""), str, "pack", "description")
    _expect(doc, meta.get("doc", ""), str, "pack", "doc")
    return Pack(name, doc.path, library, families, functions, loaders, extends, tuple(patterns), description)


@dataclass(frozen=True, eq=False)
class Contracts:
    """Every active pack merged: the one table the analysis asks what a call does."""

    tables: tuple[PackFunctions, ...]
    loaders: Loaders
    families: dict = field(hash=False, compare=False)
    pack_paths: tuple[str, ...] = ()

    def lookup(self, kind: ReceiverKind, name: str, accept=None) -> Optional[Contract]:
        """The contract for `name` on a receiver of `kind`; later packs win, and an entry
        that names the function wins over every pattern that matches it.

        `accept(filter, name)` decides whether an FFI library object matches a pack's filter.
        """
        return self.lookup_with_table(kind, name, accept)[0]

    def lookup_with_table(self, kind: ReceiverKind, name: str, accept=None):
        """(contract, the pack's table) or (None, None): where a contract comes from."""
        for explicit in (True, False):
            for table in reversed(self.tables):
                if table.library.kind is not kind or (not explicit and not table.patterns):
                    continue
                contract = table.contract_for(name, explicit)
                if contract is None or (accept is not None and not accept(table.library, name)):
                    continue
                return (contract if explicit else dataclasses.replace(contract, name=name)), table
        return None, None

    def on_library(self, name: str, library: Optional[LibraryObject] = None) -> Optional[Contract]:
        """The contract of `name` called on `library` (on any library, without one): a
        pack for that library, else a pack that applies to any receiver."""
        accept = matches_library(library) if library is not None else None
        return self.lookup(ReceiverKind.FFI_LIBRARY, name, accept) or self.lookup(ReceiverKind.ANY, name)

    @functools.cached_property
    def _fill_words(self) -> Optional["re.Pattern[bytes]"]:
        names = sorted({name for table in self.tables for name, contract in table.functions.items()
                        if contract.fills is not None})
        return re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b") if names else None

    def fills_named(self, raw: bytes) -> bool:
        """Whether source bytes name a function that fills a caller's struct (`fills`)."""
        return self._fill_words is not None and self._fill_words.search(raw) is not None

    @functools.cached_property
    def module_functions(self) -> dict[str, Contract]:
        """Qualified name -> contract for packs of kind "module" (computed once)."""
        out: dict[str, Contract] = {}
        for table in self.tables:
            if table.library.kind is ReceiverKind.MODULE:
                for name, contract in table.functions.items():
                    out[f"{table.library.module}.{name}"] = contract
        return out


def _resolve_reference(ref: str, base_dir: Optional[str]) -> str:
    """A pack reference is a shipped pack name or a path to a .toml file."""
    if ref.endswith(".toml") or os.sep in ref or "/" in ref:
        path = ref if os.path.isabs(ref) or base_dir is None else os.path.join(base_dir, ref)
        return os.path.normpath(path)
    return os.path.join(shipped_pack_dir(), f"{ref}.toml")


def load_contracts(references: Iterable[tuple[str, Optional[str]]], *, with_defaults: bool = True) -> Contracts:
    """Load packs (references with the directory they are relative to) and everything they extend."""
    references = list(references)
    loaded: dict[str, Pack] = {}
    order: list[Pack] = []

    def visit(path: str, chain: tuple[str, ...], origin: Optional[tuple[str, str]]) -> None:
        if path in chain:
            cycle = " -> ".join(os.path.basename(p) for p in chain + (path,))
            raise ConfigError(chain[-1], f"circular `extends`: {cycle}", None, "pack.extends")
        if path in loaded:
            return
        if not os.path.isfile(path):
            if origin is not None:
                origin_path, ref = origin
                doc = tomlsource.load(origin_path)
                raise doc.error(
                    f"extends {ref!r}, which is neither a shipped pack ({', '.join(shipped_pack_names())}) "
                    f"nor an existing file",
                    "pack", "extends",
                )
            raise ConfigError(path, "rule pack not found")
        pack = parse_pack(tomlsource.load(path))
        for ref in pack.extends:
            visit(_resolve_reference(ref, os.path.dirname(path)), chain + (path,), (path, ref))
        loaded[path] = pack
        order.append(pack)

    if with_defaults:
        for name in SHIPPED_DEFAULTS:
            visit(_resolve_reference(name, None), (), None)
        # The packs of C libraries switch themselves on: each applies where its library is
        # recognised (README, "Writing a rule pack"), so loading them all costs no precision.
        for name in shipped_library_packs():
            visit(_resolve_reference(name, None), (), None)
            pack = loaded[_resolve_reference(name, None)]
            loaded[pack.path] = dataclasses.replace(
                pack, library=dataclasses.replace(pack.library, recognised_only=True))
            order[order.index(pack)] = loaded[pack.path]
    for ref, base in references:
        visit(_resolve_reference(ref, base), (), None)

    families: dict[str, str] = {}
    merged: dict[str, set[str]] = {key: set() for key in _LOADER_KEYS}
    for pack in order:
        families.update(pack.families)
        for key in _LOADER_KEYS:
            merged[key].update(getattr(pack.loaders, key))
    for pack in order:
        _check_families(pack, families)
    explicit = {_resolve_reference(ref, base) for ref, base in references}
    tables = tuple(PackFunctions(p.name, p.path, p.library, p.functions, p.patterns,
                                 p.path in explicit and p.library.kind is ReceiverKind.FFI_LIBRARY) for p in order)
    loaders = Loaders(**{key: frozenset(values) for key, values in merged.items()})
    return Contracts(tables, loaders, families, tuple(p.path for p in order))


def _check_families(pack: Pack, families: dict[str, str]) -> None:
    entries = [*pack.functions.items(), *((glob, contract) for glob, _regex, contract in pack.patterns)]
    for name, contract in entries:
        for key, named in (("family", (contract.family,)), ("out_family", contract.out_family)):
            for family in named:
                if not family or family in families:
                    continue
                doc = tomlsource.load(pack.path)
                known = ", ".join(sorted(families)) or "none declared"
                raise doc.error(
                    f"unknown family {family!r}; declare it under [families] (known: {known})",
                    "functions", name, key,
                )


def matches_library(obj: LibraryObject):
    """accept(filter, function): whether a pack's library filter applies to `function` called on `obj`.

    A user's pack applies to every library its `names` and `paths` do not rule out (one
    whose path is unknown too). A shipped library pack applies only where its library is
    recognised: a regex of `paths` or `modules` found in what loaded `obj` (the constant
    parts of the loader's argument, the compiled cffi module's name), or the function
    named with one of its `prefixes`.
    """
    def accept(filt, function: str = "") -> bool:
        if filt.names and obj.name not in filt.names:
            return False
        if filt.recognised_only:
            return recognises(filt, obj) or (bool(function) and function.startswith(filt.prefixes or ("\0",)))
        if filt.paths and obj.paths:
            return any(re.search(p, path[:MAX_PATH_SUBJECT]) for p in filt.paths for path in obj.paths)
        return True

    return accept


def recognises(filt: LibraryFilter, obj: LibraryObject) -> bool:
    """Whether what loaded `obj` names the library a pack describes (by path or module)."""
    return any(re.search(p, path[:MAX_PATH_SUBJECT]) for p in (*filt.paths, *filt.modules) for path in obj.paths)
