"""nodes.children agrees with libcst's own `.children` (minus whitespace and punctuation)."""

import sys
from pathlib import Path

import libcst as cst

from ownlint.analysis.nodes import children

PUNCTUATION = (
    cst.BaseParenthesizableWhitespace, cst.Comma, cst.Semicolon, cst.Colon, cst.AssignEqual, cst.LeftParen,
    cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace,
    cst.EmptyLine, cst.TrailingWhitespace, cst.Newline, cst.Dot, cst.Asynchronous, cst.BaseUnaryOp,
    cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseAugOp,
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXTRA = """
@decorator(arg)
class C(Base, metaclass=M):
    def f(self, a, /, b, *args, c=1, **kw) -> int:
        return x if y else z
try:
    pass
except (A, B) as e:
    pass
match p:
    case [1, *rest] if rest:
        pass
    case {"k": v, **others}:
        pass
f(*a, key=value, **k)
lambda x, *y: (yield)
print(f"{a!r:>{width}}", [i async for i in g()], {k: v for k, v in d})
type Alias[T] = list[T]
def g[T: int](x: T) -> T: ...
"""


def _mismatches(module):
    found = []

    def walk(node):
        expected = [c for c in node.children if not isinstance(c, PUNCTUATION)]
        actual = [c for c in children(node) if not isinstance(c, PUNCTUATION)]
        if expected != actual:
            found.append(type(node).__name__)
        for child in node.children:
            walk(child)

    walk(module)
    return found


def test_children_match_libcst_on_every_node_kind():
    sources = [EXTRA] + [p.read_text() for p in sorted(FIXTURES.glob("*.py"))]
    stdlib = Path(sys.modules["os"].__file__).parent
    sources += [(stdlib / name).read_text() for name in ("ast.py", "dataclasses.py", "typing.py", "inspect.py")]
    for source in sources:
        assert _mismatches(cst.parse_module(source)) == []
