"""Rules OWN5xx: what declarations and contracts say about results (strings, NULL)."""

from ..types import Rule

OWN501 = Rule(
    code="OWN501",
    name="missing-restype",
    default=True,
    summary="A C function that returns a pointer is called through ctypes with no `restype` declared.",
    fix="Declare `lib.f.restype = ctypes.c_void_p` (or the pointer type) before the first call.",
    what=(
        "Reports the first call of a function whose contract returns a pointer (`malloc`, "
        "`strdup`, `stack_create`) on a ctypes library this module loads, when the module "
        "declares no `restype` for it."
    ),
    why=(
        "ctypes assumes every function returns a C `int`. On a 64-bit platform the upper "
        "half of the returned pointer is cut off: the program works while addresses are "
        "small, and crashes or corrupts memory once they are not (large heaps, ASLR)."
    ),
    known_problems=(
        "Declarations made in a loop (`getattr(lib, name).restype = ...`) or in another "
        "module are not seen, so only libraries the module loads itself are checked."
    ),
    example=(
        "libc = ctypes.CDLL(None)\n"
        "p = libc.malloc(64)  # OWN501"
    ),
    use_instead=(
        "libc = ctypes.CDLL(None)\n"
        "libc.malloc.restype = ctypes.c_void_p\n"
        "p = libc.malloc(64)"
    ),
    invalid=(
        '''import ctypes

libc = ctypes.CDLL(None)


def copy(text):
    p = libc.strdup(text)  # expect: OWN501:9
    libc.free(p)
''',
    ),
    valid=(
        '''import ctypes

libc = ctypes.CDLL(None)
libc.strdup.restype = ctypes.c_void_p
libc.strdup.argtypes = [ctypes.c_char_p]


def copy(text):
    p = libc.strdup(text)
    libc.free(p)
''',
    ),
    references=(
        "https://docs.python.org/3/library/ctypes.html#return-types",
        "https://docs.python.org/3/library/ctypes.html#ctypes._FuncPtr.restype",
    ),
)

OWN502 = Rule(
    code="OWN502",
    severity="warning",
    name="owned-string-as-char-p",
    summary="An owned `char *` result is declared `restype = c_char_p`, so the pointer needed to free it is lost.",
    fix="Declare `restype = c_void_p`, copy the text with `ctypes.string_at`, then release the pointer.",
    what=(
        "Reports `lib.f.restype = c_char_p` (or `c_wchar_p`) for a function whose contract "
        "says it returns a newly allocated string the caller must release."
    ),
    why=(
        "With `restype = c_char_p`, ctypes copies the C string into a Python `bytes` object "
        "and discards the pointer. The program can no longer release the string, so every "
        "call leaks it. MagickWand, libgit2 and GLib getters that return `char *` are "
        "typical victims."
    ),
    known_problems=(
        "Only declarations on library objects created in the same module are read, and the "
        "function needs a contract (`returns = \"owned\"`) in a rule pack."
    ),
    example=(
        "library.MagickGetImageSignature.restype = ctypes.c_char_p  # OWN502\n"
        "signature = library.MagickGetImageSignature(wand)"
    ),
    use_instead=(
        "library.MagickGetImageSignature.restype = ctypes.c_void_p\n"
        "pointer = library.MagickGetImageSignature(wand)\n"
        "signature = ctypes.string_at(pointer)\n"
        "library.MagickRelinquishMemory(pointer)"
    ),
    invalid=(
        '''import ctypes

libc = ctypes.CDLL(None)
libc.strdup.restype = ctypes.c_char_p  # expect: OWN502:23


def copy(text):
    return libc.strdup(text)
''',
    ),
    valid=(
        '''import ctypes

libc = ctypes.CDLL(None)
libc.strdup.restype = ctypes.c_void_p
libc.getenv.restype = ctypes.c_char_p  # static storage: c_char_p is right


def copy(text):
    pointer = libc.strdup(text)
    try:
        return ctypes.string_at(pointer)
    finally:
        libc.free(pointer)
''',
    ),
    references=(
        "https://docs.python.org/3/library/ctypes.html#return-types",
        "https://docs.python.org/3/library/ctypes.html#ctypes.string_at",
    ),
)

OWN503 = Rule(
    code="OWN503",
    name="unchecked-null",
    default=False,
    summary="A result that may be NULL is passed to C before any check.",
    fix="Check the result (`if not p:` / `if p == ffi.NULL:`) and handle the failure before using it.",
    what=(
        "Reports the first time a value from a function whose contract says it may fail "
        "with NULL (`may_fail = \"null\"`, e.g. `malloc`, `stack_create`) is passed to a C "
        "function on a path where it was not compared with NULL or None. Passing it to "
        "Python builtins (`print`, `len`) does not count."
    ),
    why=(
        "Allocation and open functions return NULL when they fail. C functions that receive "
        "NULL for an object dereference it and crash the interpreter, far from the cause, "
        "instead of raising `MemoryError` where the allocation failed."
    ),
    known_problems=(
        "Strict (off by default): many programs rightly consider small allocations "
        "infallible. A check inside a helper function, or through a variable other than "
        "the result, is not seen."
    ),
    example=(
        "s = lib.stack_create(4)\n"
        "lib.stack_push(s, 1)  # OWN503"
    ),
    use_instead=(
        "s = lib.stack_create(4)\n"
        "if s == ffi.NULL:\n"
        "    raise MemoryError(\"stack_create\")\n"
        "lib.stack_push(s, 1)"
    ),
    invalid=(
        '''import ctypes

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p

def zeroed(n):
    p = libc.malloc(n)
    ctypes.memset(p, 0, n)  # expect: OWN503:19
    return p
''',
    ),
    valid=(
        '''import ctypes

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p

def zeroed(n):
    p = libc.malloc(n)
    if not p:
        raise MemoryError(n)
    ctypes.memset(p, 0, n)
    return p


def logged(n):
    p = libc.malloc(n)
    print(p)
    if p is None:
        return None
    libc.free(p)
''',
    ),
    references=(
        "https://docs.python.org/3/library/ctypes.html#return-types",
        "https://cffi.readthedocs.io/en/stable/ref.html#ffi-null",
    ),
)

RULES = (OWN501, OWN502, OWN503)
