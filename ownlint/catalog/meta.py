"""Rules OWN900-OWN901: about ownlint's own input (suppressions, unreadable files)."""

from ..types import Rule

OWN900 = Rule(
    code="OWN900",
    severity="warning",
    name="unused-suppression",
    summary="A `# noqa: OWNxxx` or `# ownlint: ignore[...]` comment suppresses nothing.",
    fix="Remove the stale code from the comment (or the whole comment).",
    what="Reports an ownlint suppression on a line where the named rule reports nothing.",
    why="Stale suppressions hide the next real finding on that line and mislead readers.",
    known_problems="Codes of other tools in the same `# noqa` comment are ignored.",
    example="x = 1  # noqa: OWN101  (OWN900)",
    use_instead="x = 1",
    invalid=(
        '''import ctypes

value = 1  # noqa: OWN101  # expect: OWN900:12
''',
    ),
    valid=(
        '''import ctypes
import ctypes.util

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.malloc(8)  # noqa: OWN204
value = 1  # noqa: E501
''',
    ),
    references=("https://docs.astral.sh/ruff/rules/unused-noqa/",),
)

OWN901 = Rule(
    code="OWN901",
    name="unparsable-file",
    summary="The file could not be read, decoded or parsed (or a function in it could not be fully analysed).",
    fix="Fix the syntax or encoding, or exclude the file.",
    what=("Reports a file that ownlint cannot analyse, with the reason; the run goes on. Also "
          "reported, at its `def`, for a function whose loops take more than 1,000 passes of "
          "the flow analysis to settle (it is analysed up to there, and findings in it may be "
          "missing), or whose nested `finally` bodies are reached in more different ways than "
          "ownlint keeps apart (some are merged, and findings after them may be missing)."),
    why="A file that is not analysed can hide any bug; saying so is better than silence.",
    known_problems=(
        "Files whose bytes never mention ctypes, cffi, a loader or a pack's bare function "
        "name are not parsed at all (they cannot hold FFI code), so their syntax errors "
        "are not reported."
    ),
    example="def broken(:  # OWN901",
    use_instead="def fixed():",
    invalid=('''import ctypes


def broken(:  # expect: OWN901:12
    pass
''',),
    valid=('''import ctypes


def fine():
    pass
''',),
    references=("https://peps.python.org/pep-0263/", "https://libcst.readthedocs.io/en/latest/parser.html",),
)

RULES = (OWN900, OWN901)
