"""Rules OWN4xx: class lifecycles (close / __exit__ / __del__) that release an attribute twice."""

from ..types import Rule
from ._examples import LIBC as _LIBC


OWN401 = Rule(
    code="OWN401",
    name="close-not-idempotent",
    summary="`__del__` releases an attribute that `close()` released without clearing it.",
    fix="In close(), swap the attribute out (`h, self._h = self._h, None`) before releasing it.",
    what=(
        "Reports the release in `__del__` of an attribute (`self._h`) that another method "
        "of the class releases without clearing or swapping it out: after an explicit "
        "`close()`, the destructor releases the same pointer again."
    ),
    why=(
        "`__del__` runs whenever the object is collected, also after `close()`. A NULL "
        "check in `__del__` does not help when `close()` leaves the freed pointer in place: "
        "the result is a double free at an unpredictable moment."
    ),
    known_problems=(
        "Methods are summarised one class at a time; a release through a helper function "
        "outside the class is not seen. A second explicit `close()` by a caller is reported "
        "as OWN102 at the call."
    ),
    example=(
        "def close(self):\n"
        "    lib.stack_destroy(self._h)\n"
        "\n"
        "def __del__(self):\n"
        "    if self._h:\n"
        "        lib.stack_destroy(self._h)  # OWN401"
    ),
    use_instead=(
        "def close(self):\n"
        "    h, self._h = self._h, None\n"
        "    if h:\n"
        "        lib.stack_destroy(h)\n"
        "\n"
        "__del__ = close"
    ),
    invalid=(
        _LIBC + '''
class Buffer:
    def __init__(self, n):
        self._p = libc.malloc(n)

    def close(self):
        libc.free(self._p)

    def __del__(self):
        if self._p:
            libc.free(self._p)  # expect: OWN401:13
''',
    ),
    valid=(
        _LIBC + '''
class Buffer:
    def __init__(self, n):
        self._p = libc.malloc(n)

    def close(self):
        p, self._p = self._p, None
        if p:
            libc.free(p)

    def __del__(self):
        if self._p:
            libc.free(self._p)
''',
        _LIBC + '''
class Buffer:
    def __init__(self, n):
        self._p = libc.malloc(n)

    def close(self):
        if self._p:
            libc.free(self._p)
            self._p = None

    def __del__(self):
        self.close()
''',
    ),
    references=("https://docs.python.org/3/reference/datamodel.html#object.__del__",),
)

RULES = (OWN401,)
