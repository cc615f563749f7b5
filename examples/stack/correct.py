"""Correct ownership patterns: ownlint reports nothing here."""

import ctypes
import os

lib = ctypes.CDLL(os.environ.get("STACK_LIB", "libstack_c.so"))
lib.stack_create.restype = ctypes.c_void_p
lib.stack_to_string.restype = ctypes.c_void_p


def make(values):
    """A factory: the caller owns the returned handle."""
    s = lib.stack_create(len(values))
    if not s:
        raise MemoryError
    for v in values:
        lib.stack_push(s, v)
    return s


def total(groups):
    """Handles kept in a list and destroyed in finally."""
    handles = []
    try:
        for g in groups:
            handles.append(make(g))
        return sum(lib.stack_size(h) for h in handles)
    finally:
        for h in handles:
            lib.stack_destroy(h)


def render(values):
    """try/finally covers the early return and the exception."""
    s = lib.stack_create(len(values))
    try:
        for v in values:
            if v < 0:
                return None
            lib.stack_push(s, v)
        text = lib.stack_to_string(s)
        if text is None:
            return ""
        try:
            return ctypes.string_at(text)
        finally:
            lib.stack_string_free(text)
    finally:
        lib.stack_destroy(s)


def guarded(values):
    """Destroy guarded by `if s:` and followed by `s = None`."""
    s = lib.stack_create(len(values))
    if s:
        lib.stack_destroy(s)
        s = None
    if s:
        lib.stack_destroy(s)


def checked(n):
    """An early return after the NULL check leaks nothing."""
    s = lib.stack_create(n)
    if s is None:
        return -1
    size = lib.stack_size(s)
    lib.stack_destroy(s)
    return size


class Stack:
    """The handle is stored on self and released in close() / __exit__."""

    def __init__(self, capacity):
        self._h = lib.stack_create(capacity)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def push(self, value):
        lib.stack_push(self._h, value)

    def close(self):
        h, self._h = self._h, None
        if h:
            lib.stack_destroy(h)


def with_block(values):
    with Stack(len(values)) as st:
        for v in values:
            st.push(v)
