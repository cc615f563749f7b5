"""The two tables at the heart of the analysis: statement kinds (CFG) and state x event (typestate)."""

import inspect

import libcst as cst
import pytest

from ownlint.analysis.cfg import MODELED, TRANSPARENT
from ownlint.analysis.typestate import DANGLING, LEAK, Ev, State, apply, transition


def test_every_libcst_statement_kind_is_classified():
    kinds = {
        name
        for name, obj in vars(cst).items()
        if inspect.isclass(obj)
        and issubclass(obj, (cst.BaseSmallStatement, cst.BaseCompoundStatement))
        and not name.startswith("Base")
    }
    assert kinds - (MODELED | TRANSPARENT) == set()
    assert not MODELED & TRANSPARENT


S = State
ROWS = [
    # state, event, next state, problem
    (S.OWNED, Ev.USE, S.OWNED, None),
    (S.RELEASED, Ev.USE, S.RELEASED, "OWN101"),
    (S.TRANSFERRED, Ev.USE, S.TRANSFERRED, "OWN107"),
    (S.OWNED, Ev.RELEASE, S.RELEASED, None),
    (S.MAYBE, Ev.RELEASE, S.RELEASED, None),
    (S.NULL, Ev.RELEASE, S.NULL, None),
    (S.RELEASED, Ev.RELEASE, S.RELEASED, "OWN102"),
    (S.BORROWED, Ev.RELEASE, S.BORROWED, "OWN103"),
    (S.STATIC, Ev.RELEASE, S.STATIC, "OWN103"),
    (S.SINGLETON, Ev.RELEASE, S.SINGLETON, "OWN103"),
    (S.PYOWNED, Ev.RELEASE, S.PYOWNED, "OWN103"),
    (S.MANAGED, Ev.RELEASE, S.RELEASED, "OWN105"),
    (S.PYOWNED, Ev.RELEASE_PY, S.RELEASED, None),
    (S.RELEASED, Ev.RELEASE_PY, S.RELEASED, None),
    (S.OWNED, Ev.TRANSFER, S.TRANSFERRED, None),
    (S.TRANSFERRED, Ev.RELEASE, S.TRANSFERRED, "OWN107"),
    (S.OWNED, Ev.ESCAPE, S.ESCAPED, None),
    (S.ESCAPED, Ev.RELEASE, S.RELEASED, None),
    (S.OWNED, Ev.MANAGE, S.MANAGED, None),
    (S.MANAGED, Ev.MANAGE, S.MANAGED, "OWN105"),
    (S.STATIC, Ev.MANAGE, S.STATIC, "OWN103"),
    (S.MANAGED, Ev.DETACH, S.OWNED, None),
    (S.OWNED, Ev.REALLOC, S.PENDING, None),
    (S.MAYBE, Ev.ASSUME_NONNULL, S.OWNED, None),
    (S.MAYBE, Ev.ASSUME_NULL, S.NULL, None),
    (S.NULL, Ev.ASSUME_NONNULL, None, None),
    (S.RELEASED, Ev.ASSUME_NULL, S.RELEASED, None),
    (S.OWNED, Ev.DIES, S.OWNED, LEAK),
    (S.MAYBE, Ev.DIES, S.MAYBE, LEAK),
    (S.PENDING, Ev.DIES, S.PENDING, LEAK),
    (S.ESCAPED, Ev.DIES, S.ESCAPED, None),
    (S.NULL, Ev.DIES, S.NULL, None),
    (S.RELEASED, Ev.DIES, S.RELEASED, None),
    (S.PYOWNED, Ev.KEEP, S.KEPT_MEMORY, None),
    (S.KEPT_MEMORY, Ev.UNKEEP, S.PYOWNED, None),
    (S.KEPT_MEMORY, Ev.ESCAPE, S.ESCAPED, None),
    (S.KEPT_MEMORY, Ev.DIES, S.KEPT_MEMORY, DANGLING),
    (S.KEPT_MEMORY, Ev.RELEASE, S.KEPT_MEMORY, "OWN103"),
    (S.ELEMENT, Ev.RELEASE, S.RELEASED, None),
    (S.ELEMENT, Ev.MANAGE, S.MANAGED, None),
    (S.ELEMENT, Ev.DIES, S.ELEMENT, None),
    (S.ELEMENT, Ev.USE, S.ELEMENT, None),
]


@pytest.mark.parametrize("state,event,after,problem", ROWS, ids=lambda v: getattr(v, "value", str(v)))
def test_transition(state, event, after, problem):
    assert transition(state, event) == (after, problem)


def test_sets_of_states_map_member_by_member():
    states, problems = apply(frozenset({S.OWNED, S.RELEASED}), Ev.RELEASE)
    assert states == frozenset({S.RELEASED})
    assert problems == {S.RELEASED: "OWN102"}
    states, _ = apply(frozenset({S.NULL}), Ev.ASSUME_NONNULL)
    assert states == frozenset()  # an impossible path
