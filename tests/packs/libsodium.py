"""libsodium through ctypes (as pysodium loads it) and through a compiled cffi module
(as PyNaCl does: `from nacl._sodium import ffi, lib`)."""

import ctypes
import ctypes.util

from nacl._sodium import ffi, lib

sodium = ctypes.cdll.LoadLibrary(ctypes.util.find_library("sodium"))
sodium.sodium_malloc.restype = ctypes.c_void_p
sodium.sodium_allocarray.restype = ctypes.c_void_p
sodium.sodium_bin2hex.restype = ctypes.c_char_p

RNG_NAME = ffi.callback("const char *(void)", lambda: ffi.NULL)


# --- INVALID ---------------------------------------------------------------------

def key_leaked(n):
    key = sodium.sodium_malloc(n)  # expect: OWN201:11
    if not key:
        raise MemoryError
    sodium.randombytes_buf(key, n)
    return n


def key_freed_twice(n):
    key = sodium.sodium_malloc(n)
    sodium.sodium_free(key)
    sodium.sodium_free(key)  # expect: OWN102:5


def key_used_after_free(n):
    key = lib.sodium_malloc(n)
    lib.sodium_free(key)
    lib.sodium_mprotect_readonly(key)  # expect: OWN101:34


def guarded_freed_with_libc(n):
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    states = sodium.sodium_allocarray(4, n)
    libc.free(states)  # expect: OWN104:5


def python_buffer_sodium_freed():
    buf = ffi.new("unsigned char[]", 32)
    lib.sodium_free(buf)  # expect: OWN103:5


def leak_on_error(n):
    state = lib.sodium_malloc(lib.crypto_generichash_statebytes())  # expect: OWN202:13
    if lib.crypto_generichash_init(state, ffi.NULL, 0, n) != 0:
        raise RuntimeError("init failed")
    lib.sodium_free(state)


def misuse_handler_temporary():
    lib.sodium_set_misuse_handler(ffi.callback("void(void)", lambda: None))  # expect: OWN301:5


# --- VALID -----------------------------------------------------------------------

def key_in_finally(n):
    key = lib.sodium_malloc(n)
    if key == ffi.NULL:
        raise MemoryError()
    try:
        lib.randombytes_buf(key, n)
        lib.sodium_mprotect_noaccess(key)
        return n
    finally:
        lib.sodium_free(key)


class SecretKey:
    def __init__(self, n):
        self._key = ffi.gc(lib.sodium_malloc(n), lib.sodium_free)


def hex_into_caller_buffer(data):
    out = ctypes.create_string_buffer(len(data) * 2 + 1)
    return sodium.sodium_bin2hex(out, len(out), data, len(data))  # returns `out`: nothing to free


def caller_allocated_state(message):
    state = ffi.new("unsigned char[]", lib.crypto_generichash_statebytes())
    digest = ffi.new("unsigned char[]", 32)
    lib.crypto_generichash_init(state, ffi.NULL, 0, 32)
    lib.crypto_generichash_update(state, message, len(message))
    lib.crypto_generichash_final(state, digest, 32)
    return ffi.buffer(digest)[:]


def misuse_handler_kept():
    lib.sodium_set_misuse_handler(RNG_NAME)
