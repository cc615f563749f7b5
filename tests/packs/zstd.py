"""zstd through cffi, the way python-zstandard's backend_cffi loads it
(`from ._cffi import ffi, lib`, here the same compiled module name)."""

from zstandard._cffi import ffi, lib


# --- INVALID ---------------------------------------------------------------------

def cctx_leaked(data):
    cctx = lib.ZSTD_createCCtx()  # expect: OWN201:12
    if cctx == ffi.NULL:
        raise MemoryError()
    out = ffi.new("char[]", lib.ZSTD_compressBound(len(data)))
    return lib.ZSTD_compressCCtx(cctx, out, len(out), data, len(data), 3)


def dctx_used_after_free(frame):
    dctx = lib.ZSTD_createDCtx()
    lib.ZSTD_freeDCtx(dctx)
    return lib.ZSTD_DCtx_reset(dctx, lib.ZSTD_reset_session_only)  # expect: OWN101:32


def cdict_freed_twice(data):
    cdict = lib.ZSTD_createCDict(data, len(data), 3)
    lib.ZSTD_freeCDict(cdict)
    lib.ZSTD_freeCDict(cdict)  # expect: OWN102:5


def ddict_freed_as_cdict(data):
    ddict = lib.ZSTD_createDDict(data, len(data))
    lib.ZSTD_freeCDict(ddict)  # expect: OWN104:5


def params_leak_on_error(level):
    params = lib.ZSTD_createCCtxParams()  # expect: OWN202:14
    if params == ffi.NULL:
        raise MemoryError()
    rc = lib.ZSTD_CCtxParams_setParameter(params, lib.ZSTD_c_compressionLevel, level)
    if lib.ZSTD_isError(rc):
        raise ValueError("bad level")
    lib.ZSTD_freeCCtxParams(params)


def gc_and_free():
    dctx = ffi.gc(lib.ZSTD_createDCtx(), lib.ZSTD_freeDCtx)
    lib.ZSTD_freeDCtx(dctx)  # expect: OWN105:5


# --- VALID -----------------------------------------------------------------------

def cctx_in_finally(data):
    cctx = lib.ZSTD_createCCtx()
    if cctx == ffi.NULL:
        raise MemoryError()
    try:
        out = ffi.new("char[]", lib.ZSTD_compressBound(len(data)))
        n = lib.ZSTD_compressCCtx(cctx, out, len(out), data, len(data), 3)
        return ffi.buffer(out, n)[:]
    finally:
        lib.ZSTD_freeCCtx(cctx)


def cstream_is_a_cctx():
    zcs = lib.ZSTD_createCCtx()
    lib.ZSTD_freeCStream(zcs)  # CCtx and CStream are one type


class Decompressor:
    def __init__(self, dict_data):
        dctx = lib.ZSTD_createDCtx()
        if dctx == ffi.NULL:
            raise MemoryError()
        self._dctx = ffi.gc(dctx, lib.ZSTD_freeDCtx, size=lib.ZSTD_sizeof_DCtx(dctx))
        ddict = lib.ZSTD_createDDict_advanced(dict_data, len(dict_data), lib.ZSTD_dlm_byRef,
                                              lib.ZSTD_dct_auto, lib.ZSTD_defaultCMem)
        if ddict == ffi.NULL:
            raise MemoryError()
        self._ddict = ffi.gc(ddict, lib.ZSTD_freeDDict)
        self._dict_data = dict_data
        lib.ZSTD_DCtx_refDDict(self._dctx, self._ddict)  # only referenced: still ours


def cdict_referenced_then_freed(cctx, data):
    cdict = lib.ZSTD_createCDict(data, len(data), 3)
    try:
        lib.ZSTD_CCtx_refCDict(cctx, cdict)
        lib.ZSTD_CCtx_refCDict(cctx, ffi.NULL)
    finally:
        lib.ZSTD_freeCDict(cdict)


def static_context(size):
    workspace = ffi.new("char[]", size)
    cctx = lib.ZSTD_initStaticCCtx(workspace, size)  # lives in the workspace: no free
    return lib.ZSTD_compressBound(1) if cctx != ffi.NULL else 0


def error_name(code):
    return ffi.string(lib.ZSTD_getErrorName(code))


class Prefixed:
    def __init__(self, cctx, prefix):
        self._view = ffi.from_buffer(prefix)
        lib.ZSTD_CCtx_refPrefix(cctx, self._view, len(prefix))
