"""Rules OWN101-OWN107: a value used or released when the program no longer owns it."""

from ..types import Rule
from ._examples import LIBC as _LIBC


_CTYPES_DOCS = "https://docs.python.org/3/library/ctypes.html"
_CFFI_DOCS = "https://cffi.readthedocs.io/en/stable/ref.html"

OWN101 = Rule(
    code="OWN101",
    name="use-after-release",
    summary="A tracked value is used after it was released on some path.",
    fix="Use the value before releasing it, or acquire a new one.",
    what=(
        "Reports a handle or pointer that is passed to a call, indexed, dereferenced "
        "(`.contents`, an attribute) or written through after a deallocator released it "
        "on at least one path that reaches the use."
    ),
    why=(
        "After `free`/`*_destroy` the memory belongs to the allocator again. Reading it "
        "returns garbage, writing it corrupts another object, and the crash (if any) "
        "happens far away from the bug. Only valgrind or AddressSanitizer find it at run time."
    ),
    known_problems=(
        "Paths are combined without correlating conditions: a release under `if a:` and a "
        "use under a later `if not a:` is reported although both cannot happen together. "
        "A release inside a function that ownlint cannot see is not known."
    ),
    example=(
        "s = lib.stack_create(10)\n"
        "lib.stack_destroy(s)\n"
        "lib.stack_push(s, 1)  # OWN101"
    ),
    use_instead=(
        "s = lib.stack_create(10)\n"
        "lib.stack_push(s, 1)\n"
        "lib.stack_destroy(s)"
    ),
    invalid=(
        _LIBC + '''
def fill(n):
    buf = libc.malloc(n)
    libc.free(buf)
    libc.memset(buf, 0, n)  # expect: OWN101:17
''',
        _LIBC + '''
def maybe(n, early):
    buf = libc.malloc(n)
    if early:
        libc.free(buf)
    ctypes.memset(buf, 0, n)  # expect: OWN101:19
    libc.free(buf)  # expect: OWN102:5
''',
    ),
    valid=(
        _LIBC + '''
def fill(n):
    buf = libc.malloc(n)
    libc.memset(buf, 0, n)
    libc.free(buf)
''',
        _LIBC + '''
def reset(n):
    buf = libc.malloc(n)
    libc.free(buf)
    buf = libc.malloc(n)
    libc.memset(buf, 0, n)
    libc.free(buf)
''',
    ),
    references=(_CTYPES_DOCS, "https://clang.llvm.org/docs/analyzer/checkers.html#unix-malloc"),
)

OWN102 = Rule(
    code="OWN102",
    name="double-release",
    summary="A value is released twice on some path.",
    fix="Release it once; set the variable to None after releasing if other code checks it.",
    what="Reports a deallocator call on a value that an earlier call already released on some path.",
    why=(
        "A second `free` corrupts the allocator's bookkeeping; with most allocators it "
        "is exploitable, and it often crashes only later, in unrelated code. cffi's "
        "`ffi.release(x)` is the exception: calling it twice is allowed."
    ),
    known_problems="As for OWN101, conditions are not correlated across branches.",
    example=(
        "lib.stack_destroy(s)\n"
        "lib.stack_destroy(s)  # OWN102"
    ),
    use_instead=(
        "if s:\n"
        "    lib.stack_destroy(s)\n"
        "    s = None"
    ),
    invalid=(
        _LIBC + '''
def twice(n):
    buf = libc.malloc(n)
    libc.free(buf)
    libc.free(buf)  # expect: OWN102:5
''',
        _LIBC + '''
def on_error(n, fail):
    buf = libc.malloc(n)
    try:
        if fail:
            raise ValueError(n)
    except ValueError:
        libc.free(buf)
    libc.free(buf)  # expect: OWN102:5
''',
    ),
    valid=(
        _LIBC + '''
def guarded(n):
    buf = libc.malloc(n)
    if buf:
        libc.free(buf)
        buf = None
    if buf:
        libc.free(buf)
''',
        '''from cffi import FFI

ffi = FFI()


def scratch():
    buf = ffi.new("char[]", 64)
    ffi.release(buf)
    ffi.release(buf)
''',
    ),
    references=(_CFFI_DOCS + "#ffi-release-and-the-context-manager",),
)

OWN103 = Rule(
    code="OWN103",
    name="release-of-unowned",
    summary="Releasing memory the program does not own: borrowed, static, a singleton, or Python-owned.",
    fix="Do not release it: it belongs to its owner (or to Python), which frees it.",
    what=(
        "Reports a deallocator applied to a result the contract marks as borrowed "
        "(it points into another object), static, a process-lifetime singleton, or to "
        "memory owned by a Python object (`ffi.new`, `ctypes.create_string_buffer`)."
    ),
    why=(
        "Freeing a pointer the allocator never handed out is undefined behaviour: glibc "
        "aborts with `free(): invalid pointer`, other allocators corrupt their heap. "
        "Freeing a singleton (in Rust, `Box::from_raw` on a `Box::leak`) works once and "
        "leaves every later user with a dangling pointer."
    ),
    known_problems="Relies on the pack saying which results are borrowed or static.",
    example=(
        "name = lib.stack_name(s)\n"
        "libc.free(name)  # OWN103"
    ),
    use_instead=(
        "name = ffi.string(lib.stack_name(s))  # copy it; the stack frees the original"
    ),
    invalid=(
        _LIBC + '''
def home():
    value = libc.getenv(b"HOME")
    libc.free(value)  # expect: OWN103:5
''',
        _LIBC + '''
def scratch():
    buf = ctypes.create_string_buffer(64)
    libc.free(buf)  # expect: OWN103:5
''',
    ),
    valid=(
        _LIBC + '''
def home():
    value = libc.getenv(b"HOME")
    return ctypes.string_at(value)
''',
        _LIBC + '''
def copy_home():
    value = libc.strdup(libc.getenv(b"HOME"))
    libc.free(value)
''',
    ),
    references=(_CTYPES_DOCS + "#ctypes.create_string_buffer", _CFFI_DOCS + "#ffi-new"),
)

OWN104 = Rule(
    code="OWN104",
    name="mismatched-release",
    summary="A value is released by a deallocator of another family.",
    fix="Release it with the deallocator that matches its allocator.",
    what=(
        "Reports a release whose deallocator family (from the packs) differs from the "
        "family of the function that acquired the value: libc `free` on a library "
        "object, `foo_free` on a `bar_new` result."
    ),
    why=(
        "Libraries allocate with their own allocator or keep extra state: `free()` on a "
        "`stack_create()` result skips the library's cleanup and, on Windows or with a "
        "custom allocator, frees through the wrong heap."
    ),
    known_problems="Only values whose acquiring and releasing functions both name a family are checked.",
    example=(
        "f = libc.fopen(b\"log.txt\", b\"w\")\n"
        "libc.free(f)  # OWN104"
    ),
    use_instead=(
        "f = libc.fopen(b\"log.txt\", b\"w\")\n"
        "libc.fclose(f)"
    ),
    invalid=(
        _LIBC + '''
def log(line):
    f = libc.fopen(b"log.txt", b"a")
    libc.fputs(line, f)
    libc.free(f)  # expect: OWN104:5
''',
    ),
    valid=(
        _LIBC + '''
def log(line):
    f = libc.fopen(b"log.txt", b"a")
    if not f:
        return
    libc.fputs(line, f)
    libc.fclose(f)
''',
    ),
    references=("https://clang.llvm.org/docs/analyzer/checkers.html#unix-mismatcheddeallocator-c-c",),
)

OWN105 = Rule(
    code="OWN105",
    name="release-of-managed",
    summary="A value managed by `ffi.gc` or `weakref.finalize` is also released by hand.",
    fix="Let the garbage collector release it, call the finalizer, or detach first (`ffi.gc(p, None)`, `finalizer.detach()`).",
    what=(
        "Reports a manual deallocator call on a pointer wrapped by `ffi.gc(p, destructor)` or "
        "handed to `weakref.finalize(obj, destructor, p)` (in a function, or in a method when "
        "another method set the management up), and wrapping the same pointer twice."
    ),
    why=(
        "The garbage collector calls the destructor when the wrapper dies: a manual "
        "release before that makes it a double free, at a moment nobody controls."
    ),
    known_problems=(
        "Across methods, an attribute counts as managed when a method of the same class "
        "leaves it managed; a finalizer stored elsewhere than on `self` or in a local is not followed."
    ),
    example=(
        "p = ffi.gc(lib.stack_create(4), lib.stack_destroy)\n"
        "lib.stack_destroy(p)  # OWN105"
    ),
    use_instead=(
        "p = ffi.gc(lib.stack_create(4), lib.stack_destroy)\n"
        "ffi.release(p)  # or: lib.stack_destroy(ffi.gc(p, None))"
    ),
    invalid=(
        '''from cffi import FFI

ffi = FFI()
ffi.cdef("void *malloc(size_t); void free(void *);")
libc = ffi.dlopen(None)


def scratch():
    p = ffi.gc(libc.malloc(16), libc.free)
    libc.free(p)  # expect: OWN105:5
''',
    ),
    valid=(
        '''from cffi import FFI

ffi = FFI()
ffi.cdef("void *malloc(size_t); void free(void *);")
libc = ffi.dlopen(None)


def scratch():
    p = ffi.gc(libc.malloc(16), libc.free)
    libc.free(ffi.gc(p, None))


def early():
    p = ffi.gc(libc.malloc(16), libc.free)
    ffi.release(p)
''',
    ),
    references=(_CFFI_DOCS + "#ffi-gc", "https://docs.python.org/3/library/weakref.html#weakref.finalize"),
)

OWN106 = Rule(
    code="OWN106",
    name="use-after-owner-release",
    summary="A borrowed result is used after the object that owns it was released.",
    fix="Copy what you need out of the borrowed pointer before releasing its owner.",
    what=(
        "Reports a use of a borrowed result (the contract says which argument owns it, "
        "as for `stack_name(s)` or `strchr(buf, c)`) after that owner was released."
    ),
    why=(
        "A borrowed pointer points into its owner's memory; releasing the owner frees "
        "it too. This is the most common use-after-free in bindings: a name or buffer "
        "read after the object it came from was closed."
    ),
    known_problems="The owner must be a tracked value in the same function.",
    example=(
        "name = lib.stack_name(s)\n"
        "lib.stack_destroy(s)\n"
        "print(ffi.string(name))  # OWN106"
    ),
    use_instead=(
        "name = ffi.string(lib.stack_name(s))\n"
        "lib.stack_destroy(s)\n"
        "print(name)"
    ),
    invalid=(
        _LIBC + '''
def after_comma(text):
    buf = libc.strdup(text)
    comma = libc.strchr(buf, 44)
    libc.free(buf)
    return ctypes.string_at(comma)  # expect: OWN106:29
''',
    ),
    valid=(
        _LIBC + '''
def after_comma(text):
    buf = libc.strdup(text)
    comma = libc.strchr(buf, 44)
    result = ctypes.string_at(comma)
    libc.free(buf)
    return result
''',
    ),
    references=(_CFFI_DOCS + "#ffi-string-ffi-unpack",),
)

OWN107 = Rule(
    code="OWN107",
    name="use-after-transfer",
    summary="A value is used or released after a function took ownership of it.",
    fix="Do not touch the value after handing it over; the receiver releases it.",
    what=(
        "Reports a use or release of a value after it was passed to a parameter that "
        "the contract marks as taking ownership (`takes`)."
    ),
    why=(
        "A function that takes ownership may free the value at any time, or keep "
        "pointing to it: releasing it afterwards is a double free, changing it changes "
        "the receiver's data (`putenv` makes the string part of the environment)."
    ),
    known_problems="Only functions the packs mark with `takes` are known to take ownership.",
    example=(
        "entry = libc.strdup(b\"MODE=fast\")\n"
        "libc.putenv(entry)\n"
        "libc.free(entry)  # OWN107"
    ),
    use_instead=(
        "entry = libc.strdup(b\"MODE=fast\")\n"
        "libc.putenv(entry)  # the environment owns it now"
    ),
    invalid=(
        _LIBC + '''
def set_mode():
    entry = libc.strdup(b"MODE=fast")
    libc.putenv(entry)
    libc.free(entry)  # expect: OWN107:5
''',
    ),
    valid=(
        _LIBC + '''
def set_mode():
    entry = libc.strdup(b"MODE=fast")
    if entry:
        libc.putenv(entry)
''',
    ),
    references=("https://man7.org/linux/man-pages/man3/putenv.3.html",),
)

RULES = (OWN101, OWN102, OWN103, OWN104, OWN105, OWN106, OWN107)
