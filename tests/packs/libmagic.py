"""libmagic through ctypes (find_library("magic"), as python-magic does): cookies opened with
magic_open and closed with magic_close, descriptions and errors that belong to the cookie."""

import ctypes
import ctypes.util

libmagic = ctypes.CDLL(ctypes.util.find_library("magic") or "libmagic.so.1")
magic_t = ctypes.c_void_p
libmagic.magic_open.restype = magic_t
libmagic.magic_file.restype = ctypes.c_void_p
libmagic.magic_buffer.restype = ctypes.c_void_p
libmagic.magic_error.restype = ctypes.c_void_p

magic_open = libmagic.magic_open
magic_close = libmagic.magic_close


# INVALID


def identify_leaks(path):
    cookie = libmagic.magic_open(0x10)  # expect: OWN201:14
    libmagic.magic_load(cookie, None)
    return ctypes.string_at(libmagic.magic_file(cookie, path))


def description_after_close(data):
    cookie = magic_open(0)
    libmagic.magic_load(cookie, None)
    text = libmagic.magic_buffer(cookie, data, len(data))
    magic_close(cookie)
    return ctypes.string_at(text)  # expect: OWN106:29


def error_freed(cookie):
    err = libmagic.magic_error(cookie)
    libmagic.magic_close(err)  # expect: OWN103:5


def closed_twice():
    cookie = magic_open(0)
    magic_close(cookie)
    magic_close(cookie)  # expect: OWN102:5


# VALID


def identify(path):
    cookie = libmagic.magic_open(0x10)
    if not cookie:
        raise OSError("magic_open")
    try:
        if libmagic.magic_load(cookie, None) != 0:
            raise OSError(ctypes.string_at(libmagic.magic_error(cookie)))
        p = libmagic.magic_file(cookie, path)
        return ctypes.string_at(p) if p else None
    finally:
        libmagic.magic_close(cookie)


class Magic:
    def __init__(self, flags=0):
        self.cookie = magic_open(flags)
        libmagic.magic_load(self.cookie, None)

    def from_buffer(self, data):
        return ctypes.string_at(libmagic.magic_buffer(self.cookie, data, len(data)))

    def __del__(self):
        if self.cookie and magic_close:
            magic_close(self.cookie)
            self.cookie = None
