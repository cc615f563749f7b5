"""OWN101 and OWN102: using and destroying a stack after stack_destroy."""

import ctypes
import os

lib = ctypes.CDLL(os.environ.get("STACK_LIB", "libstack_c.so"))
lib.stack_create.restype = ctypes.c_void_p


def push_all(values):
    s = lib.stack_create(len(values))
    for v in values:
        lib.stack_push(s, v)
    lib.stack_destroy(s)
    return lib.stack_size(s)  # expect: OWN101:27


def close_twice(values, verbose):
    s = lib.stack_create(len(values))
    if verbose:
        print(lib.stack_size(s))
        lib.stack_destroy(s)
    lib.stack_destroy(s)  # expect: OWN102:5


def drop(s):
    lib.stack_destroy(s)
    lib.stack_push(s, 0)  # expect: OWN101:20
