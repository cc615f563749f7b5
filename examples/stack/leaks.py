"""OWN201, OWN202 and OWN204: stacks that are never destroyed on some path."""

import ctypes
import os

lib = ctypes.CDLL(os.environ.get("STACK_LIB", "libstack_c.so"))
lib.stack_create.restype = ctypes.c_void_p


def count(values):
    s = lib.stack_create(len(values))  # expect: OWN201:9
    for v in values:
        lib.stack_push(s, v)
    return lib.stack_size(s)


def first_negative(values):
    s = lib.stack_create(len(values))  # expect: OWN202:9
    for v in values:
        if v < 0:
            return v
        lib.stack_push(s, v)
    lib.stack_destroy(s)
    return None


def replace_each(rounds):
    s = lib.stack_create(1)  # expect: OWN202:9
    for _ in range(rounds):
        s = lib.stack_create(2)  # expect: OWN202:13
    lib.stack_destroy(s)


def warm_up():
    lib.stack_create(4)  # expect: OWN204:5
