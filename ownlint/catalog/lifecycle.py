"""Rules OWN4xx: class lifecycles (close / __exit__ / __del__) that release an attribute twice or use it after."""

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
    references=(
        "https://docs.python.org/3/reference/datamodel.html#object.__del__",
        "https://cffi.readthedocs.io/en/stable/ref.html#ffi-gc",
    ),
)

OWN402 = Rule(
    code="OWN402",
    name="use-after-close",
    summary="A method that uses an attribute is called after `close()` released it.",
    fix="Clear the attribute in close() (`h, self._h = self._h, None`) and check it in the method, or do not call the method after close().",
    what=(
        "Reports a call `obj.method()` on an object whose attribute (`obj._h`) was released "
        "earlier on some path (by `obj.close()`, or by hand), where the method passes that "
        "attribute to C without checking it: the method reads freed memory. The finding "
        "points into the method at each place it uses the attribute."
    ),
    why=(
        "A class that releases its handle in `close()` but leaves the pointer in place turns "
        "every later method call into a use after free: C receives a dangling pointer, "
        "which may still seem to work, or return another object's data, or crash. "
        "Python's own file objects raise `ValueError: I/O operation on closed file` instead."
    ),
    known_problems=(
        "The method is followed through its summary, one class of the same module at a "
        "time. A method that guards with a separate flag (`if self._closed: raise ...`) "
        "while `close()` leaves the pointer in place is still reported; guard on the "
        "attribute itself (cleared to None) instead. Uses in a method with no caller after "
        "`close()` are not reported: the bug needs the call."
    ),
    example=(
        "hist = History()\n"
        "hist.close()        # releases hist._h, keeps the pointer\n"
        "return hist.last()  # OWN402: last() passes hist._h to C"
    ),
    use_instead=(
        "def close(self):\n"
        "    h, self._h = self._h, None\n"
        "    if h:\n"
        "        lib.stack_destroy(h)\n"
        "\n"
        "def last(self):\n"
        "    if self._h is None:\n"
        "        raise ValueError(\"history is closed\")\n"
        "    return lib.stack_peek(self._h)"
    ),
    invalid=(
        _LIBC + '''
class Buffer:
    def __init__(self, n):
        self._p = libc.malloc(n)

    def fill(self, byte):
        libc.memset(self._p, byte, 8)

    def close(self):
        libc.free(self._p)


def use():
    b = Buffer(8)
    b.close()
    b.fill(0)  # expect: OWN402:5
''',
    ),
    valid=(
        _LIBC + '''
class Buffer:
    def __init__(self, n):
        self._p = libc.malloc(n)

    def fill(self, byte):
        if self._p is None:
            raise ValueError("closed")
        libc.memset(self._p, byte, 8)

    def close(self):
        p, self._p = self._p, None
        if p:
            libc.free(p)


def use():
    b = Buffer(8)
    b.fill(1)
    b.close()
    b.close()
''',
    ),
    references=(
        "https://cffi.readthedocs.io/en/stable/ref.html#ffi-release-and-the-context-manager",
        "https://docs.python.org/3/library/io.html#io.IOBase.close",
        "https://cwe.mitre.org/data/definitions/416.html",
    ),
)

RULES = (OWN401, OWN402)
