"""Analyse one module's libcst tree: collect facts, pick the scopes worth analysing and run
the flow analysis on each, in rounds until summaries settle; hand on what other modules
need (exports)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..contracts import inference, prototypes
from ..contracts.words import names
from ..contracts.packs import Contracts, matches_library, recognises
from ..source import lines
from ..types import (ASSERTS, CHAR_P, FFIATTR, FUNCATTR, INFERRED, LIBATTR, PROTOTYPE, RESTYPE, Finding, LazySpan, LibraryObject, LibraryUse,
                     ReceiverKind, Returns, Span, StringRestype, Summary, concrete)
from . import cfg, classes, declarations, facts as facts_mod, flow, identifiers, lowering, raises

ROUNDS = 3  # summary rounds per module: wrappers nested deeper than this are not followed
UNREAD = "(cdef declarations)"  # the LibraryUse that carries the cdefs inference could not read


def analyse_module(path: str, module: cst.Module, contracts: Contracts, name: str,
                    external: dict, text: str, loaded_at: bool = False) -> tuple[list[Finding], dict, tuple]:
    renamed = identifiers.normalise(module, text)  # names as Python reads them, before anything reads one
    positions = _Positions(module, renamed)

    def code_of(node: cst.CSTNode) -> str:
        return module.code_for_node(node)

    def span_of(node: cst.CSTNode) -> LazySpan:
        return LazySpan((order.get(id(node), -1), 0), lambda: positions.span(node))

    def end_of(node: cst.CSTNode) -> LazySpan:
        """The empty span just after `node` (where a function falls off its end)."""
        return LazySpan((order.get(id(node), -1), 1), lambda: positions.span(node, end=True))

    factories = {qual: c.manages for qual, c in contracts.module_functions.items() if c.returns is Returns.FINALIZER}
    facts = facts_mod.collect(module, contracts.loaders, factories, name, external)
    _wrapped_results(facts, external)
    order = facts.order
    # `restype = c_char_p` declared away from the library (another module, `def load(lib)`):
    # the results are bytes, not tracked; each call is reported instead.
    strings_here = declarations.string_restypes(facts, contracts, span_of)
    string_restypes = {**{v.function: dataclasses.replace(v, path=origin) for key, (origin, v) in external.items()
                          if key.startswith(CHAR_P) and isinstance(v, StringRestype)}, **strings_here}
    _untracked(facts, set(string_restypes))
    declared = prototypes.declared(module, lambda node: concrete(span_of(node)).line) \
        if "restype" in text or "argtypes" in text else []
    unread: list = []  # cdefs nothing could be inferred from: `ownlint libraries` says so
    inferred_here = inference.local(facts.cdefs, contracts, span_of, declared, unread)
    inferred = inference.merged(inferred_here, external, contracts)
    facts.inferred = {function: guess.contract() for function, guess in inferred.items()}
    facts.inferred_sources = {function: guess.source for function, guess in inferred.items()}
    module_scope = facts.scopes[0]
    raised = raises.collect(module, facts.errchecks)  # what the module's functions raise on purpose
    module_scope.escaping = set(facts.nested_loads)

    def run(scope: facts_mod.Scope, summaries: dict, substitutes: Optional[dict] = None):
        body, end = _body_of(scope, module, end_of)
        lowerer = lowering.Lowerer(facts, contracts, scope, span_of, code_of, summaries, name, external, substitutes)
        function = isinstance(scope.node, cst.FunctionDef)
        managing = function and _is_context_manager(scope.node, facts)
        key = (scope.cls, scope.node.name.value) if function else ("", "")
        graph = cfg.build(scope.name, body, span_of, end, lowerer.may_raise, function and not managing, raised, key,
                          facts.asserted if facts.asserting else None)
        blocks = lowering.lower(graph, lowerer)
        where = span_of(scope.node.name) if function else LazySpan.fixed(Span(1, 0, 1, 0))
        findings, summary = flow.analyse(blocks, graph.entry, path, scope.name, scope.params, where, graph.regions())
        if summary.lends and not managing:
            summary = dataclasses.replace(summary, lends=())  # only a `with` block borrows what is yielded
        return findings, summary

    # Only scopes that mention an FFI name are analysed; a class is analysed whole when any
    # of its methods is, since its checks need every method's summary.
    scopes = _touching_ffi(facts, contracts, _imported_wrappers(facts, name, external))
    # First what each function and method does (its summary: to `self`, to its parameters,
    # what it returns); then everything, with calls of them replaced by their summaries.
    # Each round lets summaries see one more level of wrapping (`__exit__` calling
    # `self.close()`, `make()` calling `_create()`); after ROUNDS, deeper chains are not
    # followed. A round whose summaries equal its inputs is final, and its findings are kept.
    top = {id(s) for s in module_scope.nested if s.kind == "function"}
    methods = [s for s in scopes if s.kind == "function" and (s.cls or id(s) in top)]
    summaries: dict = {}
    results: dict = {}
    reads: dict = {}  # id(scope) -> the summary keys its last analysis read (None: all of them)
    decorated = _decorated(facts, methods)
    # Results by scope: a property's getter and setter share a name (and a summary key,
    # the later one's), never their findings. A scope none of whose reads changed since its
    # last analysis would give the same result again, so only the others are re-analysed.
    for _ in range(ROUNDS):
        changed = None if not results else _changed(previous, summaries)
        for s in methods:
            if changed is None or reads[id(s)] is None or not reads[id(s)].isdisjoint(changed):
                seen = _Reads(summaries)
                results[id(s)] = run(s, seen)
                reads[id(s)] = seen.keys_read
        previous, summaries = summaries, {(s.cls, s.node.name.value): results[id(s)][1] for s in methods}
        # A decorated function's callers call its decorator's wrapper: they receive what
        # the wrapper returns, analysed with the decorated body's summary as `func`.
        for scope, wrapper, param in decorated:
            key = (scope.cls, scope.node.name.value)
            if summaries.get(key) is results[id(scope)][1]:  # (not a property setter's, of the same name)
                returned = run(wrapper, summaries, {param: (scope.name, results[id(scope)][1])})[1].returns
                summaries[key] = dataclasses.replace(results[id(scope)][1], returns=returned)
        if summaries == previous:
            break
    else:
        results = {}
    findings: list[Finding] = []
    own = {id(scope): (results[id(scope)] if id(scope) in results else run(scope, summaries))[1]
           for scope, _wrapper, _param in decorated}
    for scope in scopes:
        findings.extend(results[id(scope)][0] if id(scope) in results else run(scope, summaries)[0])
    for scope, wrapper, param in decorated:
        # The wrapper once per decorated function: what it does to that function's result.
        findings.extend(run(wrapper, summaries, {param: (scope.name, own[id(scope)])})[0])
    by_class: dict[str, dict] = {}
    for (cls, member), summary in summaries.items():
        by_class.setdefault(cls, {})[member] = summary
    by_class.pop("", None)  # module-level functions
    findings.extend(declarations.check(path, facts, contracts, span_of, string_restypes))
    # `restype = c_char_p` on owned strings, wherever the library object is (one walk of the
    # declarations serves the attribute calls, the exports and the class attributes below).
    on_libraries = declarations.string_restypes(facts, contracts, span_of, libraries=True)
    all_strings = {**on_libraries, **string_restypes}
    findings.extend(declarations.char_p_attribute_calls(path, facts, span_of, all_strings))
    for cls, members in sorted(by_class.items()):
        findings.extend(classes.check(path, cls, members, classes.relatives(cls, facts.bases, by_class)))
    # Other modules learn of factories, destroyers and readers (a helper that reads a
    # pointer it is given and keeps nothing: a value handed to it is still the caller's to
    # release, as pygit2's strarray_to_strings shows); a function that uses no parameter
    # changes nothing for its callers, and would make every module that calls it be
    # analysed again.
    exports = {
        scope.name: ("", _exported(summaries[("", scope.name)]))
        for scope in module_scope.nested
        if ("", scope.name) in summaries
        and (summaries[("", scope.name)].returns or summaries[("", scope.name)].param_releases)
    }
    readers = {
        scope.name: ("", _exported(summaries[("", scope.name)]))
        for scope in module_scope.nested
        if ("", scope.name) in summaries and summaries[("", scope.name)].param_uses
    }
    for function in facts.custom_restypes:
        exports[RESTYPE + function] = ("", RESTYPE)
    for function, guess in inferred_here.items():
        exports[INFERRED + function] = ("", guess)
    for function, declaration in {**on_libraries, **strings_here}.items():
        exports[CHAR_P + function] = ("", declaration)
    # Library objects (a module that loads the library for the others to import), and
    # re-exports (`from ._native import open_stack` in a package's __init__).
    # A compiled cffi module is not one of the project's: the module importing its `lib`
    # (pygit2's `from ._libgit2 import ffi, lib as C`) is where the library comes from.
    compiled = {library.name for library, node in facts.loads if isinstance(node, cst.ImportFrom)}
    for local, library in facts.libraries.items():
        if local not in facts.imports or local in compiled:
            exports.setdefault(local, ("", library))
    for function, found in facts.library_loaders.items():
        if len(found) == 1 and 0 in found and function not in facts.imports:  # `def load(): return CDLL(...)`
            exports.setdefault(function, ("", dataclasses.replace(found[0], name=function, loader=True)))
    for name in facts.own_asserting:  # `def _check(ok): if not ok: raise`, for the modules importing it
        exports.setdefault(name, ("", ASSERTS))
    for name in facts.prototypes:  # `SEEK_CALLBACK = CFUNCTYPE(...)`, for the modules importing it
        if name in facts.module_values and name not in facts.imports:
            exports.setdefault(name, ("", PROTOTYPE))
    for function, (library, index, prefix) in facts.binders.items():
        if function not in facts.imports:  # `def _bind(name, ...): return getattr(lib, name)`
            exports.setdefault(function, ("", dataclasses.replace(library, name=function, binds=(index, prefix))))
    # C functions bound to module names (`SDL_Init = _bind("SDL_Init", ...)`), and the
    # attribute names that hold libraries or ffi objects here (`self._lib`, `Binding.lib`).
    for local, (library, function) in facts.function_aliases.items():
        if "." not in local and local not in facts.imports:
            exports.setdefault(local, ("", dataclasses.replace(library, name=local, function=function)))
    # (Only the names this module binds: one learnt from another module is that module's.)
    for attr, library in facts.attr_libraries.items():
        if attr in facts.own_attrs:
            exports.setdefault(LIBATTR + attr, ("", library))
    # Class attributes bound to library functions here, for base classes elsewhere that
    # call them through `self` (`self.c_get_exception(...)`).
    for attr, functions in facts.class_functions.items():
        for function in functions:
            declared = all_strings.get(function)
            exports[f"{FUNCATTR}{attr}/{function}"] = ("", declared or LibraryObject(attr, function=function))
    for attr in facts.attr_ffi:
        if attr in facts.own_attrs:
            exports.setdefault(FFIATTR + attr, ("", LibraryObject(attr)))
    # Re-exports only from a package's __init__: the public face of a package. (A module
    # that merely imports `libc` to use it would otherwise hand it on, and every module
    # naming both would be analysed again for nothing.)
    if name == "__init__" or name.endswith(".__init__"):
        for local, qual in facts.imports.items():
            found = external.get(facts.absolute(qual, name))
            if found is not None and local not in exports:
                exports[local] = found
    bodies = tuple((s.node.name.value, concrete(span_of(s.node)).line, concrete(span_of(s.node)).end_line)
                   for s in facts.scopes if s.kind == "function" and isinstance(s.node, cst.FunctionDef)) \
        if inferred and findings else ()
    findings = inference.mark(_concrete(findings), inferred, path, lines(text) if inferred else [], bodies)
    for function, export in readers.items():  # what else a module says of a name comes first (`_bind`)
        exports.setdefault(function, export)
    uses = library_uses(facts, contracts, span_of, loaded_at)
    if unread:
        uses += (LibraryUse(UNREAD, "cffi", unread=tuple((path, line, why) for line, why in unread)),)
    return _with_symbols(findings, facts.scopes, span_of), exports, uses


_CONTEXT_MANAGERS = {"contextlib.contextmanager", "contextlib.asynccontextmanager"}


def _is_context_manager(node: cst.FunctionDef, facts: facts_mod.Facts) -> bool:
    """`@contextmanager` (contextlib's, under any name it was imported as): its code after
    the `yield` runs when the `with` block ends, so the consumer cannot stop it there."""
    return any(facts.qualname(d.decorator) in _CONTEXT_MANAGERS for d in node.decorators)


def library_uses(facts: facts_mod.Facts, contracts: Contracts, span_of, loaded_at: bool = True) -> tuple:
    """Every C library this module loads or calls, with each function called through it
    and where that function's contract comes from (a pack, "inferred from cdef" / "ctypes
    prototype" / "header", or None)."""
    calls: dict = {}  # (library name, kind) -> {function: [call sites, (contract source, pattern)]}
    seen: dict = {}  # the same, -> the LibraryObject
    sites = [facts.bound_function(node.func) or (facts.library_of(receiver), function)
             for receiver, function, node in facts.attribute_calls]
    sites += [facts.function_aliases[name] for name in facts.name_calls if name in facts.function_aliases]
    for library, function in sites:
        if library is None or library.function:
            continue
        key = (library.label, "ctypes" if library.ctypes else "cffi")
        seen.setdefault(key, library)
        entry = calls.setdefault(key, {}).setdefault(function, [0, (None, "")])
        entry[0] += 1
        if entry[0] == 1:
            entry[1] = _contract_source(function, library, facts, contracts)
    loaded: dict = {}
    for library, node in facts.loads:
        key = (library.label, "ctypes" if library.ctypes else "cffi")
        seen.setdefault(key, library)
        loaded.setdefault(key, set()).update({("", span_of(node).line)} if loaded_at else ())
    uses = []
    for key in sorted(set(calls) | set(loaded)):
        library = seen[key]
        functions = tuple((f, n, *source) for f, (n, source) in sorted(calls.get(key, {}).items()))
        recognising = {t.pack for t in contracts.tables
                       if t.library.recognised_only and recognises(t.library, library)}
        used = {source for _f, _n, source, _p in functions if source is not None and not source.startswith("inferred")}
        uses.append(LibraryUse(key[0], key[1], tuple(sorted(loaded.get(key, ()))),
                               tuple(sorted(recognising | used)), functions))
    return tuple(uses)


def _contract_source(function: str, library: LibraryObject, facts: facts_mod.Facts, contracts: Contracts):
    """(where the contract comes from: a pack's name, "inferred" or None; the glob of the
    pack's pattern that gave it, or "" for an entry that names the function)."""
    if function in library.wrapped:
        return None, ""
    contract, table = contracts.lookup_with_table(ReceiverKind.FFI_LIBRARY, function, matches_library(library))
    if table is None:
        contract, table = contracts.lookup_with_table(ReceiverKind.ANY, function)
    if table is not None:
        return table.pack, table.pattern_of(function)
    if function in facts.inferred and inference.applies(facts.inferred_sources[function], library.ctypes):
        return f"inferred from {facts.inferred_sources[function]}", ""
    return None, ""


def _wrapped_results(facts: facts_mod.Facts, external: dict) -> None:
    """Mark library functions whose `restype` is not a ctypes type, here or in another
    module of the project: a class of the program's own decides what happens to the
    pointer, so ownlint does not track it."""
    _untracked(facts, set(facts.custom_restypes) | {key[len(RESTYPE):] for key in external if key.startswith(RESTYPE)})


def _untracked(facts: facts_mod.Facts, functions: set) -> None:
    """The results of these library functions are not tracked (`library.wrapped`)."""
    if functions:
        for name, library in list(facts.libraries.items()):
            facts.libraries[name] = dataclasses.replace(library, wrapped=library.wrapped | functions)
        facts.attr_libraries.update({
            name: dataclasses.replace(library, wrapped=library.wrapped | functions)
            for name, library in facts.attr_libraries.items()})


def _imported_wrappers(facts: facts_mod.Facts, module: str, external: dict) -> set:
    """Local names bound to functions of other modules that have summaries."""
    if not external:
        return set()
    return {local for local, qual in facts.imports.items()
            if facts.absolute(qual, module) in external
            or any(key.startswith(f"{facts.absolute(qual, module)}.") for key in external)}


def _exported(summary: Summary) -> Summary:
    """What other modules need of a function's summary, with concrete Spans."""
    returns = summary.returns
    if returns:
        returns = (*returns[:3], concrete(returns[3]))
    return Summary(
        params=summary.params,
        param_releases=tuple((i, concrete(w), call, family) for i, w, call, family in summary.param_releases),
        param_uses=tuple((i, concrete(w)) for i, w in summary.param_uses),
        param_escapes=summary.param_escapes,
        returns=returns,
    )


def _decorated(facts: facts_mod.Facts, methods: list) -> list:
    """(decorated function, its decorator's wrapper, the decorator's parameter) for each
    analysed function decorated by one function of this module that takes the decorated
    function as its first parameter and defines a function calling it (`def
    leaky_string(func): def wrapper(*args): p = func(*args); ...; return wrapper`)."""
    decorators = {}
    for scope in facts.scopes[0].nested:
        if scope.kind == "function" and scope.params:
            param = scope.params[0]
            wrappers = [w for w in scope.nested
                        if w.kind == "function" and param in w.names and param not in w.params]
            if len(wrappers) == 1:
                decorators[scope.node.name.value] = (wrappers[0], param)
    found = []
    for scope in methods:
        named = [d.decorator.value for d in scope.node.decorators
                 if isinstance(d.decorator, cst.Name) and d.decorator.value in decorators]
        if len(named) == 1:  # (stacked decorators of the module: which wraps which is not followed)
            found.append((scope, *decorators[named[0]]))
    return found


def _touching_ffi(facts: facts_mod.Facts, contracts: Contracts, imported: set = frozenset()) -> list:
    """The scopes worth analysing, in their original order.

    A scope is analysed when its own code mentions a name that can involve FFI (a loader
    or pack function name, a library or ffi object, an alias, a prototype, an import from
    a module the packs describe), or an analysed class (its instances have summaries).
    Of an analysed class, a method is analysed as well when it reads or writes a `self.X`
    that an analysed method stores, stores one that an analysed method touches, or calls
    or is called by an analysed method as `self.m()`: the class checks need what every
    one of them does to those attributes. (Merely calling the same `self.helper()` does
    not count: test classes would otherwise be analysed whole for one `ctypes` mention.)
    """
    pack_words = names(contracts)  # computed once per run: a pack may list 100,000 functions
    words = set(facts.libraries) | set(facts.ffi_names) | set(facts.function_aliases) | set(facts.prototypes)
    words |= set(facts.attr_libraries) | set(facts.attr_ffi) | set(imported)
    roots = {qual.split(".")[0] for qual in contracts.module_functions}
    words |= {local for local, qual in facts.imports.items() if qual.split(".")[0] in roots}
    words |= {qual.rsplit(".", 1)[1] for qual in contracts.module_functions if qual.rsplit(".", 1)[0] in facts.star_modules}
    chosen = {id(scope) for scope in facts.scopes if scope.names & words or not pack_words.isdisjoint(scope.names)}
    top = {id(s): s.node.name.value for s in facts.scopes[0].nested if s.kind == "function"}
    while True:
        wrappers = {name for sid, name in top.items() if sid in chosen}  # functions that may have summaries
        wrappers |= {alias for alias, target in facts.partials.items() if target in wrappers}
        stored: dict[str, set] = {}  # class -> attributes its analysed methods store
        touched: dict[str, set] = {}  # class -> attributes (and methods) they read or write
        methods: dict[str, set] = {}  # class -> its analysed methods
        for scope in facts.scopes:
            if scope.cls and id(scope) in chosen:
                stored.setdefault(scope.cls, set()).update(scope.self_stores)
                touched.setdefault(scope.cls, set()).update(scope.self_attrs)
                methods.setdefault(scope.cls, set()).add(scope.node.name.value)
        grown = {
            id(scope) for scope in facts.scopes
            if id(scope) not in chosen and (
                scope.names & set(methods)  # uses an analysed class
                or scope.names & wrappers  # calls an analysed function of the module
                or scope.cls in methods and (
                    scope.self_attrs & (stored[scope.cls] | methods[scope.cls])
                    or scope.self_stores & touched[scope.cls]
                    or scope.node.name.value in touched[scope.cls]
                )
            )
        }
        if not grown:
            break
        chosen |= grown
    return [scope for scope in facts.scopes if id(scope) in chosen]


class _Positions:
    """libcst positions, computed for the whole module the first time one is asked for."""

    def __init__(self, module: cst.Module, renamed: identifiers.Renamed) -> None:
        self.module = module
        self.renamed = renamed  # positions are those of the text as written
        self.table = None

    def span(self, node: cst.CSTNode, end: bool = False) -> Span:
        if self.table is None:
            with identifiers.as_written(self.renamed):
                self.table = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        where = self.table.get(node)
        if where is None:  # a node ownlint made itself
            return Span(1, 0, 1, 0)
        if end:
            return Span(where.end.line, where.end.column, where.end.line, where.end.column)
        return Span(where.start.line, where.start.column, where.end.line, where.end.column)


def _concrete(findings: list[Finding]) -> list[Finding]:
    """Findings with real Spans, one per (code, position): the analysis may have reached
    the same place through two nodes (a statement and its call)."""
    out: dict = {}
    for finding in findings:
        span = concrete(finding.span)
        related = tuple(dataclasses.replace(r, span=concrete(r.span)) for r in finding.related)
        out.setdefault((finding.code, span), dataclasses.replace(finding, span=span, related=related))
    return list(out.values())


def _with_symbols(findings: list[Finding], scopes: list, span_of) -> list[Finding]:
    """Each finding named by its innermost enclosing function or class (for fingerprints)."""
    if not findings:
        return findings
    ranges = []
    for scope in scopes:
        if scope.kind != "module":
            where = span_of(scope.node)
            ranges.append((where.line, where.end_line, scope.name))
    out = []
    for finding in findings:
        line = finding.span.line
        inside = [r for r in ranges if r[0] <= line <= r[1]]
        symbol = max(inside)[2] if inside else ""  # the latest start is the innermost
        out.append(dataclasses.replace(finding, symbol=symbol))
    return out


class _Reads(Mapping):
    """The summaries as one scope's analysis sees them, noting which keys it reads (a
    lookup that misses included); iterating them reads every key (`keys_read` None)."""

    def __init__(self, summaries: dict) -> None:
        self._summaries = summaries
        self.keys_read: Optional[set] = set()

    def __getitem__(self, key):
        if self.keys_read is not None:
            self.keys_read.add(key)
        return self._summaries[key]

    def __contains__(self, key) -> bool:
        if self.keys_read is not None:
            self.keys_read.add(key)
        return key in self._summaries

    def get(self, key, default=None):
        if self.keys_read is not None:
            self.keys_read.add(key)
        return self._summaries.get(key, default)

    def __iter__(self):
        self.keys_read = None
        return iter(self._summaries)

    def __len__(self) -> int:
        self.keys_read = None
        return len(self._summaries)

    def __bool__(self) -> bool:  # `summaries or {}` must keep the recorder
        return True


def _changed(previous: dict, current: dict) -> set:
    """The keys whose summary differs between two rounds (added or dropped included)."""
    return {key for key in previous.keys() | current.keys() if previous.get(key) != current.get(key)}


def _body_of(scope: facts_mod.Scope, module: cst.Module, end_of):
    node = scope.node
    if isinstance(node, cst.Module):
        last = module.body[-1] if module.body else None
        return node.body, end_of(last) if last is not None else LazySpan.fixed(Span(1, 0, 1, 0))
    # Falling off the end leaves after the last statement: leaks name that line.
    body = node.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    return body, end_of(statements[-1] if statements else node.name)
