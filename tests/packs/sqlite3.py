"""SQLite through ctypes, the way small bindings load it (find_library("sqlite3")), and
through cffi's ABI mode (ffi.dlopen)."""

import ctypes
import ctypes.util

from cffi import FFI

lib = ctypes.CDLL(ctypes.util.find_library("sqlite3"))
lib.sqlite3_errmsg.restype = ctypes.c_char_p
lib.sqlite3_libversion.restype = ctypes.c_char_p
lib.sqlite3_column_text.restype = ctypes.c_void_p
lib.sqlite3_mprintf.restype = ctypes.c_void_p
lib.sqlite3_malloc.restype = ctypes.c_void_p
lib.sqlite3_errstr.restype = ctypes.c_char_p
lib.sqlite3_expanded_sql.restype = ctypes.c_void_p
lib.sqlite3_backup_init.restype = ctypes.c_void_p

ffi = FFI()
ffi.cdef("""
    typedef struct sqlite3 sqlite3;
    typedef struct sqlite3_stmt sqlite3_stmt;
    int sqlite3_open_v2(const char *, sqlite3 **, int, const char *);
    int sqlite3_close_v2(sqlite3 *);
    int sqlite3_prepare_v2(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
    int sqlite3_step(sqlite3_stmt *);
    int sqlite3_finalize(sqlite3_stmt *);
    const unsigned char *sqlite3_column_text(sqlite3_stmt *, int);
    int sqlite3_busy_handler(sqlite3 *, int (*)(void *, int), void *);
""")
C = ffi.dlopen("libsqlite3.so.0")

SQLITE_OK = 0
SQLITE_ROW = 100
BUSY = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)


# --- INVALID ---------------------------------------------------------------------

def open_failure_leaks_handle(path):
    db = ctypes.c_void_p()
    rc = lib.sqlite3_open(path, ctypes.byref(db))  # expect: OWN202:10
    if rc != SQLITE_OK:
        raise OSError(rc)  # the handle exists even when the open fails
    lib.sqlite3_close(db)


def statement_leaked(db, sql):
    stmt = ctypes.c_void_p()
    if lib.sqlite3_prepare_v2(db, sql, -1, ctypes.byref(stmt), None) != SQLITE_OK:  # expect: OWN201:8
        return None
    return lib.sqlite3_step(stmt)


def statement_finalized_twice(db, sql):
    pp = ffi.new("sqlite3_stmt **")
    if C.sqlite3_prepare_v2(db, sql, -1, pp, ffi.NULL) != SQLITE_OK:
        return
    stmt = pp[0]
    C.sqlite3_finalize(stmt)
    C.sqlite3_finalize(stmt)  # expect: OWN102:5


def text_used_after_finalize(db, sql):
    pp = ffi.new("sqlite3_stmt **")
    if C.sqlite3_prepare_v2(db, sql, -1, pp, ffi.NULL) != SQLITE_OK:
        return None
    stmt = pp[0]
    C.sqlite3_step(stmt)
    text = C.sqlite3_column_text(stmt, 0)
    C.sqlite3_finalize(stmt)
    return ffi.string(text)  # expect: OWN106:23


def errmsg_freed(db):
    msg = lib.sqlite3_errmsg(db)
    lib.sqlite3_free(msg)  # expect: OWN103:5


def mprintf_freed_with_libc(name):
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    sql = lib.sqlite3_mprintf(b"SELECT %Q", name)
    libc.free(sql)  # expect: OWN104:5


def version_freed():
    lib.sqlite3_free(lib.sqlite3_libversion())  # expect: OWN103:5


def connection_used_after_close(path):
    pp = ffi.new("sqlite3 **")
    C.sqlite3_open_v2(path, pp, 6, ffi.NULL)
    db = pp[0]
    C.sqlite3_close_v2(db)
    return C.sqlite3_busy_handler(db, ffi.NULL, ffi.NULL)  # expect: OWN101:35


def busy_handler_temporary(db):
    lib.sqlite3_busy_handler(db, BUSY(lambda arg, n: 0), None)  # expect: OWN301:5


# --- VALID -----------------------------------------------------------------------

def open_and_close_on_every_path(path):
    db = ctypes.c_void_p()
    rc = lib.sqlite3_open_v2(path, ctypes.byref(db), 1, None)
    try:
        if rc != SQLITE_OK:
            raise OSError(lib.sqlite3_errmsg(db))
        return lib.sqlite3_libversion()
    finally:
        lib.sqlite3_close_v2(db)


def rows(db, sql):
    pp = ffi.new("sqlite3_stmt **")
    if C.sqlite3_prepare_v2(db, sql, -1, pp, ffi.NULL) != SQLITE_OK:
        return []
    stmt = pp[0]
    out = []
    try:
        while C.sqlite3_step(stmt) == SQLITE_ROW:
            out.append(ffi.string(C.sqlite3_column_text(stmt, 0)))  # copied before finalize
    finally:
        C.sqlite3_finalize(stmt)
    return out


def formatted(name):
    sql = lib.sqlite3_mprintf(b"SELECT %Q", name)
    if not sql:
        raise MemoryError
    try:
        return ctypes.string_at(sql)
    finally:
        lib.sqlite3_free(sql)


def error_text(rc):
    return lib.sqlite3_errstr(rc)  # static: never freed


class Connection:
    def __init__(self, path):
        db = ctypes.c_void_p()
        lib.sqlite3_open(path, ctypes.byref(db))
        self._db = db
        self._busy = BUSY(self._on_busy)
        lib.sqlite3_busy_handler(self._db, self._busy, None)

    def _on_busy(self, arg, count):
        return int(count < 3)

    def close(self):
        if self._db:
            lib.sqlite3_close_v2(self._db)
            self._db = None


def backup(src, dst):
    handle = lib.sqlite3_backup_init(dst, b"main", src, b"main")
    if not handle:
        return False
    lib.sqlite3_backup_step(handle, -1)
    return lib.sqlite3_backup_finish(handle) == SQLITE_OK
