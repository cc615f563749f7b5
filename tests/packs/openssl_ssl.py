"""libssl through ctypes (CDLL of the libssl soname, as small TLS bindings do) and
through cryptography's compiled cffi module (as pyOpenSSL uses it)."""

import ctypes
import ctypes.util

from cryptography.hazmat.bindings._openssl import ffi, lib

ssl = ctypes.CDLL(ctypes.util.find_library("ssl"))
ssl.SSL_CTX_new.restype = ctypes.c_void_p
ssl.TLS_method.restype = ctypes.c_void_p
ssl.SSL_new.restype = ctypes.c_void_p
ssl.SSL_get_peer_certificate.restype = ctypes.c_void_p
ssl.SSL_get0_peer_certificate.restype = ctypes.c_void_p
ssl.SSL_get1_session.restype = ctypes.c_void_p

VERIFY = ffi.callback("int(int, X509_STORE_CTX *)", lambda ok, store: ok)


# --- INVALID ---------------------------------------------------------------------

def context_leaked():
    ctx = ssl.SSL_CTX_new(ssl.TLS_method())  # expect: OWN201:11
    ssl.SSL_CTX_set_options(ctx, 0)


def connection_used_after_free(ctx):
    conn = ssl.SSL_new(ctx)
    ssl.SSL_free(conn)
    return ssl.SSL_connect(conn)  # expect: OWN101:28


def peer_certificate_leaked(conn):
    cert = ssl.SSL_get_peer_certificate(conn)  # expect: OWN201:12
    return bool(cert)


def borrowed_peer_certificate_freed(conn):
    cert = ssl.SSL_get0_peer_certificate(conn)
    ssl.X509_free(cert)  # expect: OWN103:5


def session_freed_as_context(conn):
    session = ssl.SSL_get1_session(conn)
    ssl.SSL_CTX_free(session)  # expect: OWN104:5


def store_used_after_handover(ctx):
    store = lib.X509_STORE_new()
    lib.SSL_CTX_set_cert_store(ctx, store)
    lib.X509_STORE_free(store)  # expect: OWN107:5


def verify_callback_temporary(ctx):
    lib.SSL_CTX_set_verify(ctx, 1, ffi.callback("int(int, X509_STORE_CTX *)", lambda ok, s: ok))  # expect: OWN301:5


# --- VALID -----------------------------------------------------------------------

class Context:
    def __init__(self):
        ctx = lib.SSL_CTX_new(lib.TLS_method())
        if ctx == ffi.NULL:
            raise MemoryError()
        self._context = ffi.gc(ctx, lib.SSL_CTX_free)
        self._verify = VERIFY
        lib.SSL_CTX_set_verify(self._context, 1, self._verify)

    def add_chain(self, x509):
        copy = lib.X509_dup(x509)
        if lib.SSL_CTX_add_extra_chain_cert(self._context, copy) != 1:
            lib.X509_free(copy)  # not taken on failure
            raise ValueError()


class Connection:
    def __init__(self, context):
        ssl_ = lib.SSL_new(context._context)
        self._ssl = ffi.gc(ssl_, lib.SSL_free)
        rbio = lib.BIO_new(lib.BIO_s_mem())
        wbio = lib.BIO_new(lib.BIO_s_mem())
        lib.SSL_set_bio(self._ssl, rbio, wbio)  # the SSL owns both BIOs now

    def peer_certificate(self):
        cert = lib.SSL_get1_peer_certificate(self._ssl)
        if cert == ffi.NULL:
            return None
        return ffi.gc(cert, lib.X509_free)

    def peer_certificate_name(self):
        cert = lib.SSL_get0_peer_certificate(self._ssl)  # borrowed: not freed
        return lib.X509_get_subject_name(cert)

    def session(self):
        session = lib.SSL_get1_session(self._ssl)
        try:
            return lib.SSL_SESSION_get_time(session)
        finally:
            lib.SSL_SESSION_free(session)


def ctypes_context_closed():
    ctx = ssl.SSL_CTX_new(ssl.TLS_method())
    try:
        conn = ssl.SSL_new(ctx)
        ssl.SSL_free(conn)
    finally:
        ssl.SSL_CTX_free(ctx)
