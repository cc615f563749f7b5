"""libwayland through a compiled cffi module, imported as pywayland does."""

from pywayland._ffi import ffi, lib

_handles = []


# INVALID

def display_leak(name):
    display = lib.wl_display_connect(name)  # expect: OWN201:15
    if display == ffi.NULL:
        raise ConnectionError(name)
    return lib.wl_display_get_fd(display)


def registry_after_destroy(display):
    registry = lib.wl_display_get_registry(display)
    lib.wl_registry_destroy(registry)
    lib.wl_proxy_add_listener(registry, ffi.NULL, ffi.NULL)  # expect: OWN101:31


def queue_destroyed_twice(display):
    queue = lib.wl_display_create_queue(display)
    lib.wl_event_queue_destroy(queue)
    lib.wl_event_queue_destroy(queue)  # expect: OWN102:5


def client_display_destroyed_as_server(name):
    display = lib.wl_display_connect(name)
    lib.wl_display_destroy(display)  # expect: OWN104:5


def user_data_dropped(proxy, value):
    lib.wl_proxy_set_user_data(proxy, ffi.new_handle(value))  # expect: OWN302:5


def event_loop_borrowed_destroyed(display):
    loop = lib.wl_display_get_event_loop(display)
    lib.wl_event_loop_destroy(loop)  # expect: OWN103:5


def registry_destroyed_after_disconnect(name):
    display = lib.wl_display_connect(name)
    if display == ffi.NULL:
        raise ConnectionError(name)
    registry = lib.wl_display_get_registry(display)
    lib.wl_display_roundtrip(display)
    lib.wl_display_disconnect(display)
    lib.wl_registry_destroy(registry)  # expect: OWN106:5


def queue_used_after_disconnect(display):
    queue = lib.wl_display_create_queue(display)  # expect: OWN201:13
    lib.wl_display_disconnect(display)
    lib.wl_display_dispatch_queue(display, queue)  # expect: OWN101:35 OWN106:44


def timer_callback_dropped(loop, handler):
    source = lib.wl_event_loop_add_timer(loop, ffi.callback("int(void *)", handler), ffi.NULL)  # expect: OWN301:14
    return source


# VALID

def roundtrip(name):
    display = lib.wl_display_connect(name)
    if display == ffi.NULL:
        raise ConnectionError(name)
    try:
        return lib.wl_display_roundtrip(display)
    finally:
        lib.wl_display_disconnect(display)


def managed_display(name):
    return ffi.gc(lib.wl_display_connect(name), lib.wl_display_disconnect)


def user_data_kept(proxy, value):
    handle = ffi.new_handle(value)
    _handles.append(handle)
    lib.wl_proxy_set_user_data(proxy, handle)


def bound_registry(display):
    registry = lib.wl_display_get_registry(display)
    lib.wl_display_roundtrip(display)
    lib.wl_registry_destroy(registry)


def registry_destroyed_before_disconnect(name):
    display = lib.wl_display_connect(name)
    if display == ffi.NULL:
        raise ConnectionError(name)
    registry = lib.wl_display_get_registry(display)
    lib.wl_display_roundtrip(display)
    lib.wl_registry_destroy(registry)
    lib.wl_display_disconnect(display)


def timer_removed_before_its_callback_goes(loop, handler):
    callback = ffi.callback("int(void *)", handler)
    source = lib.wl_event_loop_add_timer(loop, callback, ffi.NULL)
    lib.wl_event_loop_dispatch(loop, 0)
    lib.wl_event_source_remove(source)
