"""GLib/GObject through cffi (ffi.dlopen of the sonames) and through ctypes."""

import ctypes
import ctypes.util

from cffi import FFI

ffi = FFI()
ffi.cdef("void *g_malloc(size_t); void g_free(void *); char *g_strdup(const char *);")
glib = ffi.dlopen("libglib-2.0.so.0")
gobject = ffi.dlopen("libgobject-2.0.so.0")

cglib = ctypes.CDLL(ctypes.util.find_library("glib-2.0"))
cglib.g_strdup.restype = ctypes.c_void_p
cglib.g_strdup.argtypes = [ctypes.c_char_p]
cglib.g_free.argtypes = [ctypes.c_void_p]


# ---- invalid --------------------------------------------------------------------

def leak_copy(text):
    copy = glib.g_strdup(text)  # expect: OWN201:12
    return len(ffi.string(copy))


def free_twice(n):
    block = glib.g_malloc(n)
    glib.g_free(block)
    glib.g_free(block)  # expect: OWN102:5


def ctypes_use_after_free(text):
    copy = cglib.g_strdup(text)
    cglib.g_free(copy)
    return ctypes.string_at(copy)  # expect: OWN101:29


def unref_twice(gtype):
    obj = gobject.g_object_new(gtype, ffi.NULL)
    gobject.g_object_unref(obj)
    gobject.g_object_unref(obj)  # expect: OWN102:5


def free_object_with_g_free(gtype):
    obj = gobject.g_object_new(gtype, ffi.NULL)
    glib.g_free(obj)  # expect: OWN104:5


def temporary_handler(instance, handler):
    gobject.g_signal_connect_data(instance, b"notify", ffi.callback("void(void *)", handler), ffi.NULL, ffi.NULL, 0)  # expect: OWN301:5


def free_static_type_name(gtype):
    name = gobject.g_type_name(gtype)
    glib.g_free(name)  # expect: OWN103:5


def one_unref_too_many(obj):
    gobject.g_object_ref(obj)
    gobject.g_object_unref(obj)
    gobject.g_object_unref(obj)  # expect: OWN102:5


def reference_never_given_back(obj):
    gobject.g_object_ref(obj)  # expect: OWN201:5
    return gobject.g_type_name_from_instance(obj)


def created_referenced_released_once(gtype):
    obj = gobject.g_object_new(gtype, ffi.NULL)  # expect: OWN201:11
    gobject.g_object_ref(obj)
    gobject.g_object_unref(obj)


def created_referenced_released_three_times(gtype):
    obj = gobject.g_object_new(gtype, ffi.NULL)
    other = gobject.g_object_ref(obj)
    gobject.g_object_unref(obj)
    gobject.g_object_unref(other)
    gobject.g_object_unref(obj)  # expect: OWN102:5


# ---- valid ----------------------------------------------------------------------

def created_referenced_released_twice(gtype):
    obj = gobject.g_object_new(gtype, ffi.NULL)
    other = gobject.g_object_ref(obj)
    gobject.g_object_unref(obj)
    name = gobject.g_type_name_from_instance(other)
    gobject.g_object_unref(other)
    return name


def referenced_and_managed(obj):
    return ffi.gc(gobject.g_object_ref(obj), gobject.g_object_unref)


def kept_on_self(self, obj):
    self._obj = gobject.g_object_ref(obj)


def references_in_a_loop(objects):
    for obj in objects:  # elements of a container: not counted
        gobject.g_object_ref(obj)
    for obj in objects:
        gobject.g_object_unref(obj)


def references_counted_by_path(obj, n):
    for _ in range(n):  # a count that differs by path is not followed
        gobject.g_object_ref(obj)
    gobject.g_object_unref(obj)


def new_object_sunk(gtype):
    # A new object may carry a floating reference that ref_sink takes over: not counted.
    obj = gobject.g_object_new(gtype, ffi.NULL)
    gobject.g_object_ref_sink(obj)
    gobject.g_object_unref(obj)


def copy_in_finally(text):
    copy = glib.g_strdup(text)
    try:
        return ffi.string(copy)
    finally:
        glib.g_free(copy)


def managed_copy(text):
    return ffi.gc(glib.g_strdup(text), glib.g_free)


def ref_and_unref(obj):
    gobject.g_object_ref(obj)
    gobject.g_object_unref(obj)


def sink(obj):
    return ffi.gc(gobject.g_object_ref_sink(obj), gobject.g_object_unref)


class Watcher:
    def __init__(self, instance, handler):
        self._callback = ffi.callback("void(void *)", handler)
        gobject.g_signal_connect_data(instance, b"notify", self._callback, ffi.NULL, ffi.NULL, 0)


def bytes_take(n):
    data = glib.g_malloc(n)
    gbytes = glib.g_bytes_new_take(data, n)
    return ffi.gc(gbytes, glib.g_bytes_unref)


def bytes_data(gbytes, size):
    data = glib.g_bytes_get_data(gbytes, size)
    return ffi.buffer(data, size[0])[:]
