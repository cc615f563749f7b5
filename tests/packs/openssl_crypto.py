"""libcrypto through cryptography's compiled cffi module, the way its backend uses it
(`from cryptography.hazmat.bindings._openssl import ffi, lib`), and through ctypes."""

import ctypes
import ctypes.util

from cryptography.hazmat.bindings._openssl import ffi, lib

crypto = ctypes.CDLL(ctypes.util.find_library("crypto"))
crypto.BN_new.restype = ctypes.c_void_p
crypto.BN_bn2hex.restype = ctypes.c_void_p


# --- INVALID ---------------------------------------------------------------------

def digest_ctx_leaked(data):
    ctx = lib.EVP_MD_CTX_new()  # expect: OWN201:11
    lib.EVP_DigestInit_ex(ctx, lib.EVP_sha256(), ffi.NULL)
    lib.EVP_DigestUpdate(ctx, data, len(data))


def key_freed_twice():
    pkey = lib.EVP_PKEY_new()
    lib.EVP_PKEY_free(pkey)
    lib.EVP_PKEY_free(pkey)  # expect: OWN102:5


def bio_used_after_free(data):
    bio = lib.BIO_new_mem_buf(data, len(data))
    lib.BIO_free(bio)
    return lib.d2i_X509_bio(bio, ffi.NULL)  # expect: OWN101:29


def cert_freed_as_key(bio):
    x509 = lib.PEM_read_bio_X509(bio, ffi.NULL, ffi.NULL, ffi.NULL)
    lib.EVP_PKEY_free(x509)  # expect: OWN104:5


def subject_freed(x509):
    name = lib.X509_get_subject_name(x509)
    lib.X509_NAME_free(name)  # expect: OWN103:5


def group_used_after_key_freed():
    ec = lib.EC_KEY_new_by_curve_name(415)
    group = lib.EC_KEY_get0_group(ec)
    lib.EC_KEY_free(ec)
    return lib.EC_GROUP_get_degree(group)  # expect: OWN106:36


def hex_freed_with_libc(bn):
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    text = crypto.BN_bn2hex(bn)
    libc.free(text)  # expect: OWN104:5


def rsa_from_pkey_leaked(pkey):
    rsa = lib.EVP_PKEY_get1_RSA(pkey)  # expect: OWN201:11
    return lib.RSA_size(rsa)


def stack_leak_on_error(certs):
    sk = lib.sk_X509_new_null()  # expect: OWN202:10
    for cert in certs:
        if lib.sk_X509_push(sk, cert) == 0:
            raise MemoryError()
    lib.sk_X509_free(sk)


def keygen_leaked(ctx):
    pp = ffi.new("EVP_PKEY **")
    if lib.EVP_PKEY_keygen(ctx, pp) != 1:  # expect: OWN201:8
        return None
    return lib.EVP_PKEY_size(pp[0])


def gc_and_free():
    cipher_ctx = ffi.gc(lib.EVP_CIPHER_CTX_new(), lib.EVP_CIPHER_CTX_free)
    lib.EVP_CIPHER_CTX_free(cipher_ctx)  # expect: OWN105:5


def element_adopted_then_stack_pop_freed(sk):
    cert = ffi.gc(lib.sk_X509_value(sk, 0), lib.X509_free)
    lib.sk_X509_pop_free(sk, ffi.addressof(lib, "X509_free"))  # expect: OWN105:5
    return cert


def element_freed_then_stack_pop_freed(sk):
    cert = lib.sk_X509_value(sk, 0)
    name = lib.X509_get_subject_name(cert)
    lib.X509_free(cert)
    lib.sk_X509_pop_free(sk, ffi.addressof(lib, "X509_free"))  # expect: OWN102:5
    return name


def element_used_after_pop_free(sk):
    cert = lib.sk_X509_value(sk, 0)
    lib.sk_X509_pop_free(sk, ffi.addressof(lib, "X509_free"))
    return lib.X509_get_version(cert)  # expect: OWN106:33


# --- VALID -----------------------------------------------------------------------

def elements_adopted_then_stack_freed(sk):
    # The stack hands its elements over, then only the stack is freed.
    certs = []
    for i in range(lib.sk_X509_num(sk)):
        cert = lib.sk_X509_value(sk, i)
        certs.append(ffi.gc(cert, lib.X509_free))
    lib.sk_X509_free(sk)
    return certs


def element_referenced_then_stack_pop_freed(sk):
    cert = lib.sk_X509_value(sk, 0)
    lib.X509_up_ref(cert)
    lib.sk_X509_pop_free(sk, ffi.addressof(lib, "X509_free"))
    return ffi.gc(cert, lib.X509_free)


def element_used_before_pop_free(sk):
    version = lib.X509_get_version(lib.sk_X509_value(sk, 0))
    lib.sk_X509_pop_free(sk, ffi.addressof(lib, "X509_free"))
    return version


class Backend:
    def __init__(self):
        self._lib = lib
        self._ffi = ffi

    def create_mem_bio_gc(self):
        bio = self._lib.BIO_new(self._lib.BIO_s_mem())
        return self._ffi.gc(bio, self._lib.BIO_free)

    def rsa_from_numbers(self, n, e):
        rsa = self._lib.RSA_new()
        rsa = self._ffi.gc(rsa, self._lib.RSA_free)
        bn_n = self._lib.BN_new()
        bn_e = self._lib.BN_new()
        res = self._lib.RSA_set0_key(rsa, bn_n, bn_e, self._ffi.NULL)  # handed over
        assert res == 1
        pkey = self._lib.EVP_PKEY_new()
        pkey = self._ffi.gc(pkey, self._lib.EVP_PKEY_free)
        self._lib.EVP_PKEY_set1_RSA(pkey, rsa)  # takes its own reference
        return pkey

    def assign_key(self):
        pkey = self._lib.EVP_PKEY_new()
        try:
            ec = self._lib.EC_KEY_new_by_curve_name(415)
            if self._lib.EVP_PKEY_assign_EC_KEY(pkey, ec) != 1:
                self._lib.EC_KEY_free(ec)
                raise ValueError()
            return self._lib.EVP_PKEY_size(pkey)
        finally:
            self._lib.EVP_PKEY_free(pkey)

    def shared_certificate(self, x509):
        self._lib.X509_up_ref(x509)  # one more reference ...
        return self._ffi.gc(x509, self._lib.X509_free)  # ... released by the gc

    def oaep_label(self, pkey_ctx, label):
        labelptr = self._lib.OPENSSL_malloc(len(label))
        self._ffi.memmove(labelptr, label, len(label))
        res = self._lib.EVP_PKEY_CTX_set0_rsa_oaep_label(pkey_ctx, labelptr, len(label))
        assert res == 1  # the context owns the label now

    def certs_stack(self, certs):
        sk = self._lib.sk_X509_new_null()
        sk = self._ffi.gc(sk, self._lib.sk_X509_free)
        for cert in certs:
            self._lib.sk_X509_push(sk, cert)
        return sk

    def chain(self, store_ctx):
        chain = self._lib.X509_STORE_CTX_get1_chain(store_ctx)
        if chain == self._ffi.NULL:
            return 0
        n = self._lib.sk_X509_num(chain)
        self._lib.sk_X509_pop_free(chain, self._ffi.addressof(self._lib, "X509_free"))
        return n

    def serial_of(self, x509):
        serial = self._lib.X509_get_serialNumber(x509)  # internal pointer: not freed
        bn = self._lib.ASN1_INTEGER_to_BN(serial, self._ffi.NULL)
        return bn

    def pkcs12_key(self, p12, password):
        evp_pkey_ptr = self._ffi.new("EVP_PKEY **")
        x509_ptr = self._ffi.new("X509 **")
        sk_x509_ptr = self._ffi.new("Cryptography_STACK_OF_X509 **")
        res = self._lib.PKCS12_parse(p12, password, evp_pkey_ptr, x509_ptr, sk_x509_ptr)
        if res == 0:
            raise ValueError("Invalid password or PKCS12 data")
        if evp_pkey_ptr[0] != self._ffi.NULL:
            return self._ffi.gc(evp_pkey_ptr[0], self._lib.EVP_PKEY_free)
        return None


def hex_of(bn):
    text = crypto.BN_bn2hex(bn)
    try:
        return ctypes.string_at(text)
    finally:
        crypto.CRYPTO_free(text, b"", 0)
