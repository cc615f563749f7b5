"""Build the control-flow graph of one function (or module) body from libcst statements.

Blocks hold *steps* (statements or expressions still to be lowered to events) and
edges carry the condition that holds on them. What each statement kind does is one
table, `STATEMENTS` (modeled here / transparent / unsupported), as pyflakes does.

Exceptions: inside a `try`, every statement that may raise gets an *implicit* edge
from the state before it to the handlers (or the `finally`). Outside any `try`, the
edge goes to the implicit-exit, which only OWN203 (leak-on-exception) looks at.
Explicit `raise`, `return`, `break` and `continue` are ordinary jumps.

Generators: the consumer may stop at any `yield` (`break`, an exception, garbage
collection), and Python then raises `GeneratorExit` there. Each `yield` of a generator
(not of a `@contextmanager`, whose code after the `yield` runs when the `with` block ends)
gets a *stop* edge: an explicit exit that only `finally`, a bare `except` and handlers of
`GeneratorExit` or `BaseException` see (`except Exception` does not catch it).

A `finally` body is built once, as a *region*. Each way of leaving its `try` (falling off
the end, each `return`, each kind of exception, `break`, `continue`) enters it by a *call*
edge that names the way, and leaves it by a *return* edge, named the same, to where that
way continues: a continuation marker per way out, as compilers do. The flow analysis
(flow.py) analyses a region once per distinct store that reaches it (`Regions`), so the
ways out stay apart where they differ and cost nothing extra where they agree; copying
the body per way out instead doubled a function's size per level of `finally` nested in
`finally`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Union

import libcst as cst

from . import nodes
from .raises import Raises, _last_name
from ..types import Span

RETURN, RAISE, IMPLICIT, BREAK, CONTINUE, NORMAL = "return", "raise", "implicit", "break", "continue", "normal"
STOP = "stop"  # the consumer of a generator stopped it at a `yield` (GeneratorExit)


@dataclass(frozen=True)
class Step:
    """One unit to lower. kind: stmt | expr | bind | def | exit | with-exit."""

    kind: str
    node: Optional[cst.CSTNode] = None
    extra: object = None


@dataclass
class Edge:
    target: int
    condition: Optional[tuple[cst.BaseExpression, bool]] = None
    implicit: bool = False
    way: Optional[int] = None  # a call edge into a finally region (or a return edge out of it) for this way
    returning: bool = False  # the return edge of `way` (from the region's end to where the way goes on)
    excused: bool = False  # into a handler, for an exception only "any Python call may raise" gave


@dataclass
class Block:
    id: int
    steps: list[Step] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    region: int = 0  # 0: the scope's own code; otherwise the finally region it lies in


@dataclass(frozen=True)
class Regions:
    """The finally regions of a graph, in plain numbers for the flow analysis: the region of
    each block, the region each region lies in (region 0, the scope's own code, lies in
    none), the call and return edges by (block, edge position) -> way, and how many ways
    lead into each region."""

    of_block: tuple
    parent: tuple
    calls: dict
    returns: dict
    ways: dict


@dataclass
class Graph:
    name: str
    blocks: list[Block]
    entry: int
    exit: int
    parents: list = field(default_factory=lambda: [None])  # region -> the region it lies in

    def regions(self) -> Regions:
        calls, returns, ways = {}, {}, {}
        for block in self.blocks:
            for position, edge in enumerate(block.edges):
                if edge.way is not None:
                    (returns if edge.returning else calls)[(block.id, position)] = edge.way
                    if not edge.returning:
                        ways.setdefault(self.blocks[edge.target].region, set()).add(edge.way)
        return Regions(tuple(b.region for b in self.blocks), tuple(self.parents), calls, returns,
                       {region: len(found) for region, found in ways.items()})


@dataclass
class _Loop:
    head: int
    after: int


@dataclass
class _Try:
    node: Union[cst.Try, cst.TryStar]
    region: int = 0  # the region the try statement lies in
    phase: str = "body"  # body -> handlers (else and except bodies) -> done
    dispatch: dict = field(default_factory=dict)  # kind -> block id
    ways: dict = field(default_factory=dict)  # (kind, origin) -> way id, through `finally`
    finally_entry: Optional[int] = None  # the finally region's first block, once built
    finally_end: Optional[int] = None  # where its body falls off the end (None: it never does)
    normal_end: Optional[int] = None  # where falling off the end of the try goes on after `finally`


Frame = Union[_Loop, _Try]

# Statement kinds, pyflakes-style: every libcst statement is in exactly one set.
MODELED = {
    "If", "While", "For", "Try", "TryStar", "With", "Match", "FunctionDef", "ClassDef",
    "Return", "Raise", "Break", "Continue", "Assert", "Del",
    "Expr", "Assign", "AnnAssign", "AugAssign", "Import", "ImportFrom",
    "LazyImport", "LazyImportFrom",  # PEP 810 `lazy import`: binds names like an import
}
TRANSPARENT = {"Pass", "Global", "Nonlocal", "TypeAlias"}  # no effect on tracked values


def _pattern_captures(pattern: cst.CSTNode) -> list:
    """The names a match pattern binds (`case [x, *rest]`, `case Point(x=a) as p`), in order."""
    found = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.MatchAs, cst.MatchStar)) and isinstance(node.name, cst.Name):
            found.append(node.name)
        if isinstance(node, cst.MatchMapping) and isinstance(node.rest, cst.Name):
            found.append(node.rest)
        stack.extend(reversed(list(nodes.children(node))))
    return found


def _catches_stop(handler: Union[cst.ExceptHandler, cst.ExceptStarHandler]) -> bool:
    """Whether a handler catches GeneratorExit: bare, BaseException or GeneratorExit itself."""
    kind = handler.type
    if kind is None:
        return True
    items = kind.elements if isinstance(kind, cst.Tuple) else [kind]
    return any(isinstance(v, cst.Name) and v.value in ("BaseException", "GeneratorExit")
               for v in (item.value if isinstance(item, cst.Element) else item for item in items))


def _yields(node: cst.CSTNode) -> bool:
    """Whether a simple statement yields (`yield x`, `v = yield`, `yield from g`), not
    counting nested functions, lambdas and comprehensions (their own scopes)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Yield):
            return True
        if not isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef, cst.ListComp, cst.SetComp,
                                    cst.DictComp, cst.GeneratorExp)):
            stack.extend(nodes.children(current))
    return False


def _catches_everything(handler: Union[cst.ExceptHandler, cst.ExceptStarHandler]) -> bool:
    kind = handler.type
    if kind is None:
        return True
    return isinstance(kind, cst.Name) and kind.value in ("BaseException", "Exception")


class Builder:
    """Builds one Graph; `span_of` maps a node to its source span."""

    def __init__(
        self,
        name: str,
        span_of: Callable[[cst.CSTNode], Span],
        end_span: Span,
        may_raise: Callable[[cst.CSTNode], bool],
        stops: bool = False,
        raises: Optional[Raises] = None,
        function: tuple = ("", ""),
        asserted: Optional[Callable[[cst.BaseExpression], Optional[cst.BaseExpression]]] = None,
    ) -> None:
        self.name = name
        self.stops = stops  # a generator whose consumer may stop it at each `yield`
        self.raises = raises or Raises()  # what the module's functions raise on purpose
        self.function = function  # (class, name) of the function built, for `raises`
        self.span_of = span_of
        self.may_raise = may_raise
        self.asserted = asserted
        self.end_span = end_span
        self.blocks: list[Block] = []
        self.frames: list[Frame] = []
        self.region = 0  # the region being built
        self.parents: list = [None]  # region -> the region it lies in
        self.ways = 0  # ways out through finally bodies so far
        self.exit = self._new()
        self.entry = self._new()
        self.current: Optional[int] = self.entry

    # --- plumbing ---------------------------------------------------------------

    def _new(self, region: Optional[int] = None) -> int:
        self.blocks.append(Block(len(self.blocks), region=self.region if region is None else region))
        return len(self.blocks) - 1

    def _edge(self, source: Optional[int], target: int, condition=None, implicit: bool = False,
              way: Optional[int] = None, returning: bool = False, excused: bool = False) -> None:
        if source is not None:
            self.blocks[source].edges.append(Edge(target, condition, implicit, way, returning, excused))

    def _start(self, block: int) -> None:
        self.current = block

    def _add(self, step: Step, may_raise: bool = False) -> None:
        if self.current is None:
            return  # unreachable code: nothing flows here
        raised = sorted(self.raises.of_call(step.node, self.function[0])) if step.node is not None else []
        if may_raise or raised:
            before = self.current
            span = self.span_of(step.node) if step.node is not None else self.end_span
            if may_raise:
                self.route(IMPLICIT, before, span)
            for name in raised:  # what a function of the module it calls raises on purpose
                self.route(RAISE, before, span, name, called=True)
            self.current = self._new()
            self._edge(before, self.current)
        self.blocks[self.current].steps.append(step)

    def _continue_to(self, target: int) -> None:
        self._edge(self.current, target)
        self.current = target

    # --- jumps ------------------------------------------------------------------

    def route(self, kind: str, source: Optional[int], span: Span, exception: Optional[str] = None,
              called: bool = False) -> None:
        """Send control leaving by `kind` from `source` through finally regions to its target.

        `exception` is the class name of an explicit `raise Name(...)`, when known; `called`,
        that a function it calls raises it (a way out that counts only when a caller of this
        function catches it: otherwise it is one more exception from a call)."""
        if source is None:
            return
        for index in range(len(self.frames) - 1, -1, -1):
            frame = self.frames[index]
            if isinstance(frame, _Loop):
                if kind == BREAK:
                    self._edge(source, frame.after)
                    return
                if kind == CONTINUE:
                    self._edge(source, frame.head)
                    return
                continue
            node = frame.node
            if frame.phase == "body" and kind in (RAISE, IMPLICIT, STOP) and node.handlers:
                # Dispatched to the handlers that may catch it, in order, up to the first that
                # surely does (`_try`, once they are built).
                slot = (kind, exception or "", called, span if kind in (RAISE, STOP) else None)
                if slot not in frame.dispatch:
                    frame.dispatch[slot] = self._new(frame.region)
                self._edge(source, frame.dispatch[slot], implicit=kind == IMPLICIT)
                return
            if node.finalbody is not None and frame.phase != "done":
                entry, way = self._finally_way(frame, index, kind, span, exception, called)
                self._edge(source, entry, way=way)
                return
        if kind in (BREAK, CONTINUE):
            return  # a syntax error the parser accepted; nothing to route to
        if called and exception not in self.raises.caught.get(self.function, ()):
            kind = IMPLICIT
        exit_block = self._new(0)
        self.blocks[exit_block].steps.append(Step("exit", None, (kind, span)))
        self._edge(source, exit_block, implicit=kind == IMPLICIT)
        self._edge(exit_block, self.exit)

    def _finally_way(self, frame: _Try, index: int, kind: str, span: Span, exception: Optional[str] = None,
                     called: bool = False) -> tuple[int, int]:
        """(the finally region's entry, the way id) for leaving `frame` by `kind`; the region
        is built on the first way, and each way's continuation on its first use."""
        # Returns and raises keep their origin so that a leak names the exit it took.
        key = (kind, span if kind in (RETURN, RAISE, STOP) else None, exception, called)
        if frame.finally_entry is None:
            self._build_finally(frame, index)
        if key not in frame.ways:
            way = frame.ways[key] = self.ways
            self.ways += 1
            saved_current, saved_frames, saved_region = self.current, self.frames, self.region
            self.frames, self.region = saved_frames[:index], frame.region
            resume = self._new()
            self._edge(frame.finally_end, resume, way=way, returning=True)
            if kind == NORMAL:
                frame.normal_end = resume
            else:
                self.route(kind, resume, span, exception, called)
            self.current, self.frames, self.region = saved_current, saved_frames, saved_region
        return frame.finally_entry, frame.ways[key]

    def _build_finally(self, frame: _Try, index: int) -> None:
        saved_current, saved_frames, saved_region = self.current, self.frames, self.region
        self.region = len(self.parents)
        self.parents.append(frame.region)
        frame.finally_entry = self._new()
        self.frames = saved_frames[:index]
        self._start(frame.finally_entry)
        self._body(frame.node.finalbody.body)
        frame.finally_end = self.current
        self.current, self.frames, self.region = saved_current, saved_frames, saved_region

    # --- statements -------------------------------------------------------------

    def build(self, body: cst.BaseSuite) -> Graph:
        self._body(body)
        self.route(RETURN, self.current, self.end_span)
        return Graph(self.name, self.blocks, self.entry, self.exit, self.parents)

    def _body(self, suite: Union[cst.BaseSuite, list]) -> None:
        statements = suite.body if isinstance(suite, cst.BaseSuite) else suite
        if isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                self._small(small)
            return
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._small(small)
            else:
                self._compound(statement)

    def _small(self, node: cst.BaseSmallStatement) -> None:
        name = type(node).__name__
        if name in TRANSPARENT:
            if isinstance(node, (cst.Global, cst.Nonlocal)):
                self._add(Step("stmt", node))
            return
        if name not in MODELED:
            self._add(Step("stmt", node), may_raise=True)  # unknown kind: lowered generically
            return
        span = self.span_of(node)
        if isinstance(node, cst.Return):
            self._add(Step("stmt", node), may_raise=self.may_raise(node))
            self.route(RETURN, self.current, span)
            self.current = None
        elif isinstance(node, cst.Raise):
            self._add(Step("stmt", node), may_raise=self.may_raise(node))
            self.route(RAISE, self.current, span, _raised_name(node))
            self.current = None
        elif isinstance(node, cst.Break):
            self.route(BREAK, self.current, span)
            self.current = None
        elif isinstance(node, cst.Continue):
            self.route(CONTINUE, self.current, span)
            self.current = None
        elif isinstance(node, cst.Assert):
            self._add(Step("expr", node.test), may_raise=self.may_raise(node))
            test_block = self.current
            # A failing assert is not a path we report leaks on: treat it as implicit.
            failed = self._new()
            self._edge(test_block, failed, (node.test, False))
            self.current = failed
            self.route(IMPLICIT, failed, span)
            self.current = self._new()
            self._edge(test_block, self.current, (node.test, True))
        elif isinstance(node, cst.Expr) and self.asserted is not None \
                and (test := self.asserted(node.value)) is not None:
            # `_check(rc >= 0)`: a function of the project that raises unless its argument
            # holds is `if not (rc >= 0): raise ...` after the call (its only raise: the
            # argument's evaluation aside, which is a comparison or a name).
            self._add(Step("expr", node.value), may_raise=False)
            test_block = self.current
            failed = self._new()
            self._edge(test_block, failed, (test, False))
            self.current = failed
            self.route(RAISE, failed, span)
            self.current = self._new()
            self._edge(test_block, self.current, (test, True))
        else:
            self._add(Step("stmt", node), may_raise=self.may_raise(node))
            if self.stops and _yields(node) and self.current is not None:
                # After the yielded value was handed out, the consumer may not come back.
                before = self.current
                self.route(STOP, before, span)
                self.current = self._new()
                self._edge(before, self.current)

    def _compound(self, node: cst.BaseCompoundStatement) -> None:
        if self.current is None:
            return
        handler = getattr(self, "_" + type(node).__name__.lower(), None)
        if handler is None:
            # Unsupported compound statement: lower it as an opaque step so names escape.
            self._add(Step("stmt", node), may_raise=True)
            return
        handler(node)

    def _functiondef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            self._add(Step("expr", decorator.decorator, "decorator"))
        self._add(Step("def", node))

    def _classdef(self, node: cst.ClassDef) -> None:
        self._add(Step("def", node))

    def _if(self, node: cst.If) -> None:
        # An `elif` is an If in the orelse of the one before: the chain is walked, not
        # recursed into (CPython compiles chains of some 3,000 branches).
        after = None
        while True:
            self._add(Step("expr", node.test, "test"), may_raise=self.may_raise(node.test))
            test_block = self.current
            if after is None:
                after = self._new()
            self.current = self._new()
            self._edge(test_block, self.current, (node.test, True))
            self._body(node.body)
            self._edge(self.current, after)
            self.current = self._new()
            self._edge(test_block, self.current, (node.test, False))
            if not isinstance(node.orelse, cst.If):
                break
            node = node.orelse
        if isinstance(node.orelse, cst.Else):
            self._body(node.orelse.body)
        self._edge(self.current, after)
        self.current = after

    def _while(self, node: cst.While) -> None:
        head = self._new()
        self._continue_to(head)
        self._add(Step("expr", node.test, "test"), may_raise=self.may_raise(node.test))
        test_block = self.current
        after = self._new()
        self.frames.append(_Loop(head, after))
        self.current = self._new()
        self._edge(test_block, self.current, (node.test, True))
        self._body(node.body)
        self._edge(self.current, head)
        self.frames.pop()
        self.current = self._new()
        self._edge(test_block, self.current, (node.test, False))
        if node.orelse is not None:
            self._body(node.orelse.body)
        self._edge(self.current, after)
        self.current = after

    def _for(self, node: cst.For) -> None:
        self._add(Step("expr", node.iter, "iter"), may_raise=self.may_raise(node.iter))
        head = self._new()
        self._continue_to(head)
        after = self._new()
        self.frames.append(_Loop(head, after))
        self.current = self._new()
        self._edge(head, self.current)
        self._add(Step("bind", node.target))
        self._body(node.body)
        self._edge(self.current, head)
        self.frames.pop()
        self.current = self._new()
        self._edge(head, self.current)
        if node.orelse is not None:
            self._body(node.orelse.body)
        self._edge(self.current, after)
        self.current = after

    def _with(self, node: cst.With) -> None:
        for item in node.items:
            self._add(Step("expr", item.item, "with"), may_raise=True)
            if item.asname is not None:
                self._add(Step("bind", item.asname.name, item.item))
        self._body(node.body)
        # Leaving the block normally calls each __exit__, innermost first. (Exits by
        # return or raise from inside the body do not model the __exit__ call.)
        for item in reversed(node.items):
            if item.asname is not None:
                self._add(Step("with-exit", item.asname.name, item.item))

    def _match(self, node: cst.Match) -> None:
        self._add(Step("expr", node.subject), may_raise=self.may_raise(node.subject))
        subject = self.current
        after = self._new()
        exhaustive = False
        for case in node.cases:
            self.current = self._new()
            self._edge(subject, self.current)
            for name in _pattern_captures(case.pattern):
                self._add(Step("bind", name))
            if case.guard is not None:
                self._add(Step("expr", case.guard), may_raise=self.may_raise(case.guard))
                guard_block = self.current
                self.current = self._new()
                self._edge(guard_block, self.current, (case.guard, True))
            self._body(case.body)
            self._edge(self.current, after)
            if case.guard is None and isinstance(case.pattern, cst.MatchAs) and case.pattern.pattern is None:
                exhaustive = True
        if not exhaustive:
            self._edge(subject, after)
        self.current = after

    def _try(self, node: Union[cst.Try, cst.TryStar]) -> None:
        frame = _Try(node, self.region)
        self.frames.append(frame)
        self._body(node.body)
        frame.phase = "handlers"
        if getattr(node, "orelse", None) is not None:
            self._body(node.orelse.body)
        ends = [self.current]
        entries = []
        for handler in node.handlers:
            self.current = self._new()
            entries.append(self.current)
            if handler.name is not None:
                self._add(Step("bind", handler.name.name))
            self._body(handler.body)
            ends.append(self.current)
        for (kind, exception, called, span), dispatch in sorted(frame.dispatch.items(), key=lambda item: item[1]):
            caught = False
            for handler, entry in zip(node.handlers, entries):
                verdict = self._catches(handler, kind, exception)
                if verdict is not False:
                    self._edge(dispatch, entry, implicit=kind == IMPLICIT, excused=kind == IMPLICIT)
                if verdict:
                    caught = True
                    break
            if not caught:
                self.route(kind, dispatch, span or self.span_of(node), exception or None, called)
        self.frames.pop()
        frame.phase = "done"
        after = self._new()
        if node.finalbody is None:
            for end in ends:
                self._edge(end, after)
        else:
            self.frames.append(frame)
            frame.phase = "handlers"
            entry, way = self._finally_way(frame, len(self.frames) - 1, NORMAL, self.span_of(node))
            self.frames.pop()
            for end in ends:
                self._edge(end, entry, way=way)
            self._edge(frame.normal_end, after)
        self.current = after

    _trystar = _try

    def _catches(self, handler, kind: str, exception: str) -> Optional[bool]:
        """Whether `handler` catches what leaves by `kind` (True, False, None: it may)."""
        if kind == STOP:
            return _catches_stop(handler)
        if kind == IMPLICIT:
            return True if _catches_everything(handler) else None
        return self.raises.catches(handler.type, exception)


def _raised_name(node: cst.Raise) -> Optional[str]:
    return _last_name(node.exc)


def build(
    name: str,
    body: cst.BaseSuite,
    span_of: Callable[[cst.CSTNode], Span],
    end_span: Span,
    may_raise: Callable[[cst.CSTNode], bool],
    stops: bool = False,
    raises: Optional[Raises] = None,
    function: tuple = ("", ""),
    asserted: Optional[Callable[[cst.BaseExpression], Optional[cst.BaseExpression]]] = None,
) -> Graph:
    """`may_raise(node)` says whether evaluating a statement or expression can raise;
    `stops`, whether the body is a generator its consumer may stop at each `yield`;
    `asserted(call)` gives the condition an assertion helper's call checks (None if not one)."""
    return Builder(name, span_of, end_span, may_raise, stops, raises, function, asserted).build(body)
