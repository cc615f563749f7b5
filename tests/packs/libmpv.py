"""libmpv through ctypes (find_library("mpv"), as python-mpv does): client handles created
and destroyed, property strings freed with mpv_free (not libc's free), static error texts,
borrowed events, callbacks mpv keeps."""

import ctypes
import ctypes.util

backend = ctypes.CDLL(ctypes.util.find_library("mpv"))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
backend.mpv_create.restype = ctypes.c_void_p
backend.mpv_create_client.restype = ctypes.c_void_p
backend.mpv_get_property_string.restype = ctypes.c_void_p
backend.mpv_get_property_osd_string.restype = ctypes.c_void_p
backend.mpv_error_string.restype = ctypes.c_void_p
backend.mpv_client_name.restype = ctypes.c_void_p
backend.mpv_wait_event.restype = ctypes.c_void_p
WakeupCallback = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


# INVALID


def handle_leaks():
    handle = backend.mpv_create()  # expect: OWN201:14
    return backend.mpv_initialize(handle)


def property_leaks(handle, name):
    p = backend.mpv_get_property_string(handle, name)  # expect: OWN201:9
    if not p:
        return None
    return ctypes.string_at(p)


def property_freed_by_libc(handle, name):
    p = backend.mpv_get_property_osd_string(handle, name)
    if p:
        text = ctypes.string_at(p)
        libc.free(p)  # expect: OWN104:9
        return text
    return None


def error_text_freed(code):
    backend.mpv_free(backend.mpv_error_string(code))  # expect: OWN103:5


def name_after_destroy(handle):
    client = backend.mpv_create_client(handle, b"py")
    name = backend.mpv_client_name(client)
    backend.mpv_destroy(client)
    return ctypes.string_at(name)  # expect: OWN106:29


def destroyed_twice(handle):
    client = backend.mpv_create_client(handle, None)
    backend.mpv_destroy(client)
    backend.mpv_terminate_destroy(client)  # expect: OWN102:5


def temporary_wakeup(handle, func):
    backend.mpv_set_wakeup_callback(handle, WakeupCallback(func), None)  # expect: OWN301:5


# VALID


def property(handle, name):
    p = backend.mpv_get_property_string(handle, name)
    if not p:
        return None
    try:
        return ctypes.string_at(p)
    finally:
        backend.mpv_free(p)


def error_text(code):
    return ctypes.string_at(backend.mpv_error_string(code))


def next_event_id(handle):
    event = backend.mpv_wait_event(handle, 0.0)
    return ctypes.cast(event, ctypes.POINTER(ctypes.c_int))[0]


class MPV:
    def __init__(self, func):
        self.handle = backend.mpv_create()
        backend.mpv_initialize(self.handle)
        self._wakeup = WakeupCallback(func)
        backend.mpv_set_wakeup_callback(self.handle, self._wakeup, None)

    def terminate(self):
        if self.handle:
            backend.mpv_terminate_destroy(self.handle)
            self.handle = None
