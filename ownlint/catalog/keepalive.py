"""Rules OWN3xx: Python objects that C still points to after the garbage collector took them."""

from ..types import Rule
from ._examples import LIBC as _LIBC

_CTYPES_CALLBACKS = "https://docs.python.org/3/library/ctypes.html#callback-functions"
_CFFI_CALLBACKS = "https://cffi.readthedocs.io/en/stable/ref.html#ffi-callback"
_CFFI_HANDLES = "https://cffi.readthedocs.io/en/stable/ref.html#ffi-new-handle-ffi-from-handle"

_SIGNAL = _LIBC + '''
SIGHANDLER = ctypes.CFUNCTYPE(None, ctypes.c_int)


def on_interrupt(signum):
    print("interrupted", signum)
'''

_ON_EXIT = '''from cffi import FFI

ffi = FFI()
ffi.cdef("int on_exit(void (*)(int, void *), void *);")
libc = ffi.dlopen(None)


@ffi.callback("void(int, void *)")
def _report(status, ctx):
    ffi.from_handle(ctx).report(status)
'''

OWN301 = Rule(
    code="OWN301",
    name="callback-not-kept-alive",
    summary="A callback object is passed to C, which keeps it, but nothing in Python keeps it alive.",
    fix="Keep a reference for as long as C may call it: on self, in a module global, or in a container.",
    what=(
        "Reports a `CFUNCTYPE(...)(f)` or `ffi.callback(...)` object passed to an argument the "
        "contract says C keeps (`keeps`), when the object dies before C lets go of it: a "
        "temporary created inline, or a local that goes out of scope while its holder "
        "(the object it was registered on) is still alive. A plain Python function passed "
        "where the function's `argtypes` declare a callback type counts as such a temporary: "
        "ctypes wraps it in a callback object that lives only for the call."
    ),
    why=(
        "C holds a raw pointer to the callback's trampoline; Python's reference count does "
        "not know about it. Once the object is collected, the next call from C jumps into "
        "freed memory: a crash, or worse, code that runs with garbage. The ctypes "
        "documentation warns: keep references to CFUNCTYPE objects as long as they are "
        "used from C code."
    ),
    known_problems=(
        "Only arguments a pack marks with `keeps` are checked. A callback stored on `self` "
        "counts as kept, whether or not the object itself lives long enough. Releasing the "
        "holder (its `holder` argument) or registering again on it lets the old callback go."
    ),
    example="lib.stack_set_observer(s, OBSERVER(on_push), None)  # OWN301",
    use_instead=(
        "self._observer = OBSERVER(on_push)  # lives as long as the wrapper\n"
        "lib.stack_set_observer(s, self._observer, None)"
    ),
    invalid=(
        _SIGNAL + '''

def install():
    libc.signal(2, SIGHANDLER(on_interrupt))  # expect: OWN301:5
''',
        _SIGNAL + '''

def install_local():
    handler = SIGHANDLER(on_interrupt)
    libc.signal(2, handler)  # expect: OWN301:5
''',
    ),
    valid=(
        _SIGNAL + '''
_handler = SIGHANDLER(on_interrupt)


def install():
    libc.signal(2, _handler)
''',
        _SIGNAL + '''

class Watcher:
    def __init__(self):
        self._handler = SIGHANDLER(self.on_signal)
        libc.signal(2, self._handler)

    def on_signal(self, signum):
        print(signum)
''',
        _LIBC + '''
COMPARE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def sort_ints(array, count):
    libc.qsort(array, count, 4, COMPARE(lambda a, b: 0))
''',
    ),
    references=(_CTYPES_CALLBACKS, _CFFI_CALLBACKS),
)

OWN302 = Rule(
    code="OWN302",
    name="handle-not-kept-alive",
    summary="An `ffi.new_handle()` object is passed to C, which keeps it, but nothing keeps the handle alive.",
    fix="Store the handle object (not only the object it stands for) for as long as C may use it.",
    what=(
        "Reports an `ffi.new_handle(x)` result passed to an argument C keeps (a `void *ctx` "
        "of a registration function) when the handle object dies before C lets go of it."
    ),
    why=(
        "The `void *` that `ffi.new_handle` returns is only valid while the handle object "
        "itself is alive: keeping `x` alive is not enough. When C later passes the pointer "
        "to `ffi.from_handle`, it reads freed memory and crashes."
    ),
    known_problems=OWN301.known_problems,
    example="lib.stack_set_observer(s, _dispatch, ffi.new_handle(self))  # OWN302",
    use_instead=(
        "self._handle = ffi.new_handle(self)\n"
        "lib.stack_set_observer(s, _dispatch, self._handle)"
    ),
    invalid=(
        _ON_EXIT + '''

def register(reporter):
    libc.on_exit(_report, ffi.new_handle(reporter))  # expect: OWN302:5
''',
    ),
    valid=(
        _ON_EXIT + '''
_keep = []


def register(reporter):
    handle = ffi.new_handle(reporter)
    _keep.append(handle)
    libc.on_exit(_report, handle)
''',
    ),
    references=(_CFFI_HANDLES,),
)

OWN303 = Rule(
    code="OWN303",
    name="owner-dropped",
    summary="A raw pointer into Python-owned memory outlives the object that owns the memory.",
    fix="Keep the owning object (the ffi.new result) in a variable, list or attribute while C uses it.",
    what=(
        "Reports an `ffi.new(...)` (or other Python-owned) object that is kept only as a raw "
        "pointer: stored into a field of C memory (`opts.name = ffi.new(...)`) or an array "
        "initializer (`ffi.new(\"char *[]\", [ffi.new(...)])`), cast (`ffi.cast(T, ffi.new(...))`), "
        "or turned into an address (`ctypes.addressof(create_string_buffer(...))`), and that "
        "then dies while the pointer is still in use."
    ),
    why=(
        "cffi frees `ffi.new` memory as soon as the returned object is garbage: assigning it "
        "to a struct field copies the pointer, not the ownership, and the result of "
        "`ffi.cast` does not keep its argument alive either. The pointer then refers to freed "
        "memory, and C reads garbage (or crashes) when it follows it."
    ),
    known_problems=(
        "Only stores into tracked C memory (an `ffi.new` struct, an acquired pointer) are "
        "checked; stores through parameters and attributes of unknown objects are not. A "
        "keepalive that dies together with the struct at the end of the function is fine."
    ),
    example="opts.dirty_suffix = ffi.new(\"char[]\", b\"-dirty\")  # OWN303",
    use_instead=(
        "suffix = ffi.new(\"char[]\", b\"-dirty\")  # lives until the function returns\n"
        "opts.dirty_suffix = suffix"
    ),
    invalid=(
        '''from cffi import FFI

ffi = FFI()
ffi.cdef("struct opts { char *suffix; }; int describe(struct opts *);")
lib = ffi.dlopen("libdescribe.so")


def describe(suffix):
    opts = ffi.new("struct opts *")
    opts.suffix = ffi.new("char[]", suffix)  # expect: OWN303:5
    return lib.describe(opts)


def run():
    argv = ffi.new("char *[]", [ffi.new("char[]", b"run")])  # expect: OWN303:12
    return lib.run(argv)


def count():
    p = ffi.cast("int *", ffi.new("int[]", 4))  # expect: OWN303:9
    return lib.count(p)


import ctypes


class Opts(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p)]


def named():
    opts = Opts()
    opts.name = ctypes.addressof(ctypes.create_string_buffer(b"x", 8))  # expect: OWN303:17
    return opts
''',
    ),
    valid=(
        '''from cffi import FFI

ffi = FFI()
ffi.cdef("struct opts { char *suffix; }; int describe(struct opts *);")
lib = ffi.dlopen("libdescribe.so")


def describe(suffix):
    opts = ffi.new("struct opts *")
    keep = ffi.new("char[]", suffix)
    opts.suffix = keep
    return lib.describe(opts)


def run(args):
    keep = [ffi.new("char[]", a) for a in args]
    argv = ffi.new("char *[]", keep + [ffi.NULL])
    return lib.run(argv)


class Options:
    def __init__(self, suffix):
        self._suffix = ffi.new("char[]", suffix)
        self.opts = ffi.new("struct opts *")
        self.opts.suffix = self._suffix


def count():
    keep = ffi.new("int[]", 4)
    p = ffi.cast("int *", keep)
    return lib.count(p)


def count_inline():
    return lib.count(ffi.cast("int *", ffi.new("int[]", 4)))


def owned():
    s = lib.stack_create(4)
    lib.stack_destroy(ffi.cast("Stack *", s))
''',
    ),
    references=(
        "https://cffi.readthedocs.io/en/stable/using.html#working-with-pointers-structures-and-arrays",
        "https://cffi.readthedocs.io/en/stable/ref.html#ffi-cast",
        "https://docs.python.org/3/library/ctypes.html#ctypes.addressof",
    ),
)

OWN304 = Rule(
    code="OWN304",
    name="buffer-not-kept-alive",
    summary="A pointer from `ffi.from_buffer` outlives the buffer view that keeps the memory alive.",
    fix="Keep the `ffi.from_buffer(...)` object in a variable while C uses its memory; release it with ffi.release.",
    what=(
        "Reports an `ffi.from_buffer(obj)` view that is kept only as a raw pointer (cast, "
        "or stored into C memory) and dies while that pointer is still in use."
    ),
    why=(
        "The cdata that `ffi.from_buffer` returns is what keeps `obj` (and its buffer export) "
        "alive and locked. Once it is garbage, a temporary `obj` is freed, and a `bytearray` "
        "may be resized and moved: the pointer C holds now refers to freed memory."
    ),
    known_problems=(
        "ctypes' `from_buffer` class methods are not followed, nor a resize of the object "
        "while the view lives. As for OWN303, only stores into tracked C memory are checked."
    ),
    example="p = ffi.cast(\"char *\", ffi.from_buffer(bytearray(64)))  # OWN304",
    use_instead=(
        "view = ffi.from_buffer(data)\n"
        "p = ffi.cast(\"char *\", view)\n"
        "lib.fill(p, len(data))\n"
        "ffi.release(view)"
    ),
    invalid=(
        '''from cffi import FFI

ffi = FFI()
lib = ffi.dlopen("libfill.so")


def fill():
    p = ffi.cast("char *", ffi.from_buffer(bytearray(64)))  # expect: OWN304:9
    return lib.fill(p, 64)
''',
    ),
    valid=(
        '''from cffi import FFI

ffi = FFI()
lib = ffi.dlopen("libfill.so")


def fill(data):
    view = ffi.from_buffer(data)
    p = ffi.cast("char *", view)
    lib.fill(p, len(data))
    ffi.release(view)


def fill_inline(data):
    return lib.fill(ffi.from_buffer(data), len(data))
''',
    ),
    references=("https://cffi.readthedocs.io/en/stable/ref.html#ffi-buffer-ffi-from-buffer",),
)

RULES = (OWN301, OWN302, OWN303, OWN304)
