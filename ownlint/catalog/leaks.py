"""Rules OWN201-OWN204: owned values that are never released on some path."""

from ..types import Rule
from ._examples import LIBC as _LIBC


_ESCAPES = (
    "A value that is returned, yielded, stored on an attribute, a global or in a "
    "container, captured by a closure, or passed to a function ownlint does not know "
    "is assumed to be released by someone else: such leaks are missed, never guessed."
)

OWN201 = Rule(
    code="OWN201",
    severity="warning",
    name="leak",
    summary="An owned value is acquired and released on no path.",
    fix="Release it on every path (try/finally), or hand it to ffi.gc / weakref.finalize.",
    what=(
        "Reports, at the acquiring call, an owned value that goes out of reach (the "
        "function returns, the variable is rebound or deleted) without being released, "
        "returned, stored or handed on anywhere in the function."
    ),
    why=(
        "Memory or handles held by C are invisible to Python's garbage collector: they "
        "stay allocated until the process exits. In a loop or a server this grows "
        "without bound."
    ),
    known_problems=_ESCAPES + " A NULL check counts as the failure path: nothing leaks there.",
    example=(
        "def reverse(values):\n"
        "    s = lib.stack_create(len(values))  # OWN201\n"
        "    for v in values:\n"
        "        lib.stack_push(s, v)\n"
        "    return drain(s)"
    ),
    use_instead=(
        "def reverse(values):\n"
        "    s = lib.stack_create(len(values))\n"
        "    try:\n"
        "        for v in values:\n"
        "            lib.stack_push(s, v)\n"
        "        return drain(s)\n"
        "    finally:\n"
        "        lib.stack_destroy(s)"
    ),
    invalid=(
        _LIBC + '''
def checksum(data):
    buf = libc.malloc(len(data))  # expect: OWN201:11
    ctypes.memmove(buf, data, len(data))
    return sum(ctypes.string_at(buf, len(data)))
''',
        _LIBC + '''
def rebind(n):
    buf = libc.malloc(n)  # expect: OWN201:11
    buf = None
    return buf
''',
    ),
    valid=(
        _LIBC + '''
def make(n):
    buf = libc.malloc(n)
    if not buf:
        raise MemoryError
    return buf
''',
        _LIBC + '''
class Buffer:
    def __init__(self, n):
        self.ptr = libc.malloc(n)

    def close(self):
        libc.free(self.ptr)
        self.ptr = None


def collect(n, out):
    buf = libc.malloc(n)
    out.append(buf)
''',
        _LIBC + '''
def use(n):
    buf = libc.malloc(n)
    try:
        ctypes.memset(buf, 0, n)
        return ctypes.string_at(buf, n)
    finally:
        libc.free(buf)
''',
        _LIBC + '''
import contextlib


def use(n):
    with contextlib.ExitStack() as stack:
        buf = libc.malloc(n)
        stack.callback(libc.free, buf)
        return ctypes.string_at(buf, n)
''',
    ),
    references=("https://clang.llvm.org/docs/analyzer/checkers.html#unix-malloc",),
)

OWN202 = Rule(
    code="OWN202",
    severity="warning",
    name="leak-on-path",
    summary="An owned value is released on some paths but not on others.",
    fix="Release it before every return, raise, break and continue, or use try/finally.",
    what=(
        "Reports, at the acquiring call, a value that is released on some paths but "
        "leaks on another: an early `return`, an explicit `raise`, a `break`/`continue`, "
        "a branch that forgets the release, or rebinding the variable while it still "
        "owns a value. The related location shows the exit that leaks."
    ),
    why=(
        "Error and early-exit paths are rarely tested, so their leaks survive review and "
        "accumulate in long-running programs."
    ),
    known_problems=_ESCAPES,
    example=(
        "s = lib.stack_create(8)  # OWN202\n"
        "if not ok:\n"
        "    return False\n"
        "lib.stack_destroy(s)"
    ),
    use_instead=(
        "s = lib.stack_create(8)\n"
        "try:\n"
        "    if not ok:\n"
        "        return False\n"
        "finally:\n"
        "    lib.stack_destroy(s)"
    ),
    invalid=(
        _LIBC + '''
def first_zero(data):
    buf = libc.malloc(len(data))  # expect: OWN202:11
    for i, byte in enumerate(data):
        if byte == 0:
            return i
    libc.free(buf)
    return -1
''',
        _LIBC + '''
def each(items):
    for item in items:
        buf = libc.malloc(item)  # expect: OWN202:15
        if item > 100:
            continue
        libc.free(buf)
''',
    ),
    valid=(
        _LIBC + '''
def checked(n):
    buf = libc.malloc(n)
    if buf is None:
        return None
    ctypes.memset(buf, 0, n)
    libc.free(buf)
    return n
''',
        _LIBC + '''
def both(n, flag):
    buf = libc.malloc(n)
    if flag:
        libc.free(buf)
        return 1
    libc.free(buf)
    return 0
''',
    ),
    references=("https://docs.python.org/3/reference/compound_stmts.html#the-try-statement", "https://cffi.readthedocs.io/en/stable/ref.html#ffi-gc",),
)

OWN203 = Rule(
    code="OWN203",
    severity="warning",
    name="leak-on-exception",
    summary="An owned value leaks if a Python call between acquire and release raises.",
    fix="Release it in `finally`, use a `with` block, or let `ffi.gc` own it.",
    what=(
        "Reports values that are released on the normal path only: a Python call "
        "between the acquire and the release (C calls through ctypes/cffi do not raise) "
        "can raise, and then the value leaks. Strict: off by default; select it with "
        "`extend-select = [\"OWN203\"]`."
    ),
    why="Any Python call can raise (KeyboardInterrupt, MemoryError, a bug): without `finally` the value leaks.",
    known_problems="Every call to Python code counts as a possible raise, which is noisy on scripts.",
    example=(
        "buf = libc.malloc(n)  # OWN203\n"
        "fill(buf)\n"
        "libc.free(buf)"
    ),
    use_instead=(
        "buf = libc.malloc(n)\n"
        "try:\n"
        "    fill(buf)\n"
        "finally:\n"
        "    libc.free(buf)"
    ),
    invalid=(
        _LIBC + '''
def work(n, fill):
    buf = libc.malloc(n)  # expect: OWN203:11
    fill(n)
    libc.free(buf)
''',
    ),
    valid=(
        _LIBC + '''
def work(n, fill):
    buf = libc.malloc(n)
    try:
        fill(n)
    finally:
        libc.free(buf)
''',
    ),
    default=False,
    references=("https://docs.python.org/3/reference/compound_stmts.html#the-try-statement", "https://clang.llvm.org/docs/analyzer/checkers.html#unix-malloc",),
)

OWN204 = Rule(
    code="OWN204",
    severity="warning",
    name="discarded-result",
    summary="The result of an acquiring call is thrown away.",
    fix="Keep the result and release it, or do not call the function.",
    what="Reports an acquiring call used as a statement: its owned result is lost at once.",
    why="Nothing can ever release the value: it leaks immediately and on every call.",
    known_problems="None known.",
    example="lib.stack_create(4)  # OWN204",
    use_instead="s = lib.stack_create(4)\n...\nlib.stack_destroy(s)",
    invalid=(
        _LIBC + '''
def warm_up():
    libc.malloc(1024)  # expect: OWN204:5
''',
    ),
    valid=(
        _LIBC + '''
def warm_up():
    libc.free(libc.malloc(1024))
''',
    ),
    references=("https://docs.python.org/3/library/ctypes.html#return-types", "https://cwe.mitre.org/data/definitions/401.html",),
)

OWN205 = Rule(
    code="OWN205",
    severity="warning",
    name="unreleased-attribute",
    summary="A class stores an owned value on `self`, and no method ever releases it.",
    fix="Release it in close() / __exit__ / __del__, or register weakref.finalize or ffi.gc.",
    what=(
        "Reports, at the acquiring call, an owned value stored on `self` (usually in "
        "`__init__`) when no method of the class releases that attribute, wraps it with "
        "`ffi.gc`, or hands it to code ownlint cannot see (such as `weakref.finalize`)."
    ),
    why=(
        "Every instance leaks its handle: the garbage collector frees the Python object, "
        "but C memory is released only by an explicit call nobody makes. Python's "
        "equivalent of Rust's `Drop` is a `close()`/`__exit__` pair plus a finalizer."
    ),
    known_problems=(
        "Classes with base classes are skipped: a base class may release the attribute. "
        "Releases through helper functions outside the class are treated as unknown, "
        "so passing the attribute to any such function keeps the rule quiet."
    ),
    example=(
        "class Stack:\n"
        "    def __init__(self, n):\n"
        "        self._h = lib.stack_create(n)  # OWN205"
    ),
    use_instead=(
        "class Stack:\n"
        "    def __init__(self, n):\n"
        "        self._h = lib.stack_create(n)\n"
        "        self._finalizer = weakref.finalize(self, lib.stack_destroy, self._h)\n"
        "\n"
        "    def close(self):\n"
        "        self._finalizer()"
    ),
    invalid=(
        _LIBC + '''

class Buffer:
    def __init__(self, n):
        self.ptr = libc.malloc(n)  # expect: OWN205:20

    def zero(self, n):
        ctypes.memset(self.ptr, 0, n)
''',
    ),
    valid=(
        _LIBC + '''

class Buffer:
    def __init__(self, n):
        self.ptr = libc.malloc(n)

    def close(self):
        ptr, self.ptr = self.ptr, None
        if ptr:
            libc.free(ptr)
''',
        _LIBC + '''
import weakref


class Buffer:
    def __init__(self, n):
        self.ptr = libc.malloc(n)
        self._finalizer = weakref.finalize(self, libc.free, self.ptr)
''',
        '''from cffi import FFI

ffi = FFI()
ffi.cdef("void *malloc(size_t); void free(void *);")
libc = ffi.dlopen(None)


class Buffer:
    def __init__(self, n):
        self.ptr = ffi.gc(libc.malloc(n), libc.free)
''',
    ),
    references=(
        "https://docs.python.org/3/library/weakref.html#weakref.finalize",
        "https://cffi.readthedocs.io/en/stable/ref.html#ffi-gc",
    ),
)

RULES = (OWN201, OWN202, OWN203, OWN204, OWN205)
