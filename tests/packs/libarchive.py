"""libarchive through ctypes (find_library("archive")): archives and entries with their free
functions, callbacks an archive keeps until it is freed, strings that belong to the archive
or the entry."""

import ctypes
import ctypes.util

lib = ctypes.CDLL(ctypes.util.find_library("archive"))
lib.archive_read_new.restype = ctypes.c_void_p
lib.archive_write_new.restype = ctypes.c_void_p
lib.archive_entry_new.restype = ctypes.c_void_p
lib.archive_entry_clone.restype = ctypes.c_void_p
lib.archive_entry_pathname.restype = ctypes.c_void_p
lib.archive_error_string.restype = ctypes.c_void_p
lib.archive_version_string.restype = ctypes.c_char_p

READ_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
SEEK_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_longlong, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_longlong, ctypes.c_int)
OPEN_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
CLOSE_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
NO_OPEN_CB = ctypes.cast(None, OPEN_CALLBACK)
NO_CLOSE_CB = ctypes.cast(None, CLOSE_CALLBACK)


# INVALID


def reader_leaks(path):
    a = lib.archive_read_new()  # expect: OWN201:9
    lib.archive_read_support_format_all(a)
    return lib.archive_read_open_filename(a, path, 10240)


def freed_twice():
    a = lib.archive_write_new()
    lib.archive_write_free(a)
    lib.archive_write_free(a)  # expect: OWN102:5


def temporary_seek_callback(read_func, seek_func):
    read_cb = READ_CALLBACK(read_func)
    a = lib.archive_read_new()
    try:
        lib.archive_read_set_seek_callback(a, SEEK_CALLBACK(seek_func))  # expect: OWN301:9
        lib.archive_read_open(a, None, NO_OPEN_CB, read_cb, NO_CLOSE_CB)
        return lib.archive_read_next_header(a, ctypes.byref(ctypes.c_void_p()))
    finally:
        lib.archive_read_free(a)


def temporary_read_callback(read_func):
    a = lib.archive_read_new()
    lib.archive_read_open(a, None, NO_OPEN_CB, READ_CALLBACK(read_func), NO_CLOSE_CB)  # expect: OWN301:5
    return a


def entry_with_wrong_free():
    e = lib.archive_entry_new()
    lib.archive_read_free(e)  # expect: OWN104:5


def pathname_after_free(entry):
    copy = lib.archive_entry_clone(entry)
    name = lib.archive_entry_pathname(copy)
    lib.archive_entry_free(copy)
    return ctypes.string_at(name)  # expect: OWN106:29


def error_text_freed(a):
    msg = lib.archive_error_string(a)
    lib.archive_entry_free(msg)  # expect: OWN103:5


# VALID


def list_names(path):
    a = lib.archive_read_new()
    if not a:
        raise MemoryError
    try:
        lib.archive_read_support_filter_all(a)
        lib.archive_read_support_format_all(a)
        if lib.archive_read_open_filename(a, path, 10240) != 0:
            raise OSError(ctypes.string_at(lib.archive_error_string(a)))
        entry = ctypes.c_void_p()
        names = []
        while lib.archive_read_next_header(a, ctypes.byref(entry)) == 0:
            names.append(ctypes.string_at(lib.archive_entry_pathname(entry)))
        return names
    finally:
        lib.archive_read_free(a)


class StreamReader:
    def __init__(self, stream):
        self.stream = stream
        self.archive = lib.archive_read_new()
        self.read_cb = READ_CALLBACK(self._read)
        self.seek_cb = SEEK_CALLBACK(self._seek)
        lib.archive_read_set_seek_callback(self.archive, self.seek_cb)
        lib.archive_read_open(self.archive, None, NO_OPEN_CB, self.read_cb, NO_CLOSE_CB)

    def _read(self, archive, data, buffer):
        return 0

    def _seek(self, archive, data, offset, whence):
        return self.stream.seek(offset, whence)

    def close(self):
        if self.archive:
            lib.archive_read_free(self.archive)
            self.archive = None


def callbacks_for_one_read(read_func, path):
    read_cb = READ_CALLBACK(read_func)
    a = lib.archive_read_new()
    try:
        lib.archive_read_open(a, None, NO_OPEN_CB, read_cb, NO_CLOSE_CB)
        return lib.archive_read_next_header(a, ctypes.byref(ctypes.c_void_p()))
    finally:
        lib.archive_read_free(a)


def write_entry(a, name, data):
    e = lib.archive_entry_new()
    try:
        lib.archive_entry_set_pathname(e, name)
        lib.archive_entry_set_size(e, len(data))
        lib.archive_write_header(a, e)
        lib.archive_write_data(a, data, len(data))
    finally:
        lib.archive_entry_free(e)


def version():
    return lib.archive_version_string()
