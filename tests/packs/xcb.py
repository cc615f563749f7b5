"""libxcb through cffi's ABI mode, loaded as xcffib does."""

import ctypes.util

from cffi import FFI

ffi = FFI()
ffi.cdef("""
typedef struct xcb_connection_t xcb_connection_t;
typedef struct { unsigned int sequence; } xcb_get_geometry_cookie_t;
typedef struct { unsigned char response_type; unsigned short width, height; } xcb_get_geometry_reply_t;
typedef struct { unsigned char response_type; } xcb_generic_event_t;
typedef struct xcb_setup_t xcb_setup_t;
xcb_connection_t *xcb_connect(const char *displayname, int *screenp);
void xcb_disconnect(xcb_connection_t *c);
int xcb_connection_has_error(xcb_connection_t *c);
const xcb_setup_t *xcb_get_setup(xcb_connection_t *c);
xcb_get_geometry_cookie_t xcb_get_geometry(xcb_connection_t *c, unsigned int drawable);
xcb_get_geometry_reply_t *xcb_get_geometry_reply(xcb_connection_t *c, xcb_get_geometry_cookie_t cookie, void **e);
xcb_generic_event_t *xcb_wait_for_event(xcb_connection_t *c);
void free(void *);
""")
soname = ctypes.util.find_library("xcb")
lib = ffi.dlopen(soname)
C = ffi.dlopen(None)


# INVALID

def geometry_leak(conn, window):
    reply = lib.xcb_get_geometry_reply(conn, lib.xcb_get_geometry(conn, window), ffi.NULL)  # expect: OWN201:13
    if reply == ffi.NULL:
        raise RuntimeError("no reply")
    return reply.width, reply.height


def connection_leak_on_error():
    conn = lib.xcb_connect(ffi.NULL, ffi.NULL)  # expect: OWN202:12
    if lib.xcb_connection_has_error(conn):
        raise ConnectionError("cannot connect")
    lib.xcb_disconnect(conn)


def setup_after_disconnect():
    conn = lib.xcb_connect(ffi.NULL, ffi.NULL)
    setup = lib.xcb_get_setup(conn)
    lib.xcb_disconnect(conn)
    return lib.xcb_setup_roots_iterator(setup)  # expect: OWN106:41


def setup_freed(conn):
    setup = lib.xcb_get_setup(conn)
    C.free(setup)  # expect: OWN103:5


def event_freed_twice(conn):
    event = lib.xcb_wait_for_event(conn)
    if event == ffi.NULL:
        return None
    kind = event.response_type
    C.free(event)
    C.free(event)  # expect: OWN102:5
    return kind


# VALID

def geometry(conn, window):
    reply = lib.xcb_get_geometry_reply(conn, lib.xcb_get_geometry(conn, window), ffi.NULL)
    if reply == ffi.NULL:
        raise RuntimeError("no reply")
    try:
        return reply.width, reply.height
    finally:
        C.free(reply)


def managed_reply(conn, cookie):
    return ffi.gc(lib.xcb_get_geometry_reply(conn, cookie, ffi.NULL), C.free)


def connect():
    conn = lib.xcb_connect(ffi.NULL, ffi.NULL)
    if lib.xcb_connection_has_error(conn):
        lib.xcb_disconnect(conn)
        raise ConnectionError("cannot connect")
    return conn
