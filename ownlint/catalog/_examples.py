"""The preamble that rule examples share: the C library loaded through ctypes."""

LIBC = '''import ctypes
import ctypes.util

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = libc.strdup.restype = libc.getenv.restype = ctypes.c_void_p
libc.fopen.restype = libc.strchr.restype = ctypes.c_void_p
'''
