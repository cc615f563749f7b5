"""libsndfile through cffi (ffi.dlopen of find_library("sndfile"), as soundfile does): SNDFILE
handles opened with sf_open* and closed with sf_close, strings the handle owns, static
version and error texts, the virtual I/O user data."""

import ctypes.util

from cffi import FFI

_ffi = FFI()
_ffi.cdef("""
typedef struct SNDFILE_tag SNDFILE;
typedef struct { long long frames; int samplerate; int channels; int format; int sections; int seekable; } SF_INFO;
typedef long long sf_count_t;
typedef struct { void *get_filelen; void *seek; void *read; void *write; void *tell; } SF_VIRTUAL_IO;
SNDFILE *sf_open(const char *path, int mode, SF_INFO *sfinfo);
SNDFILE *sf_open_fd(int fd, int mode, SF_INFO *sfinfo, int close_desc);
SNDFILE *sf_open_virtual(SF_VIRTUAL_IO *sfvirtual, int mode, SF_INFO *sfinfo, void *user_data);
int sf_close(SNDFILE *sndfile);
const char *sf_strerror(SNDFILE *sndfile);
const char *sf_error_number(int errnum);
const char *sf_version_string(void);
const char *sf_get_string(SNDFILE *sndfile, int str_type);
sf_count_t sf_readf_double(SNDFILE *sndfile, double *ptr, sf_count_t frames);
""")
_snd = _ffi.dlopen(ctypes.util.find_library("sndfile"))


# INVALID


def read_leaks(path, frames):
    info = _ffi.new("SF_INFO *")
    f = _snd.sf_open(path, 0x10, info)  # expect: OWN201:9
    if f == _ffi.NULL:
        raise OSError(_ffi.string(_snd.sf_strerror(_ffi.NULL)))
    buf = _ffi.new("double[]", frames)
    return _snd.sf_readf_double(f, buf, frames)


def closed_twice(fd):
    info = _ffi.new("SF_INFO *")
    f = _snd.sf_open_fd(fd, 0x10, info, 0)
    _snd.sf_close(f)
    _snd.sf_close(f)  # expect: OWN102:5


def title_after_close(path):
    info = _ffi.new("SF_INFO *")
    f = _snd.sf_open(path, 0x10, info)
    title = _snd.sf_get_string(f, 1)
    _snd.sf_close(f)
    return _ffi.string(title)  # expect: OWN106:24


def version_closed():
    _snd.sf_close(_snd.sf_version_string())  # expect: OWN103:5


def temporary_user_data(vio, obj):
    info = _ffi.new("SF_INFO *")
    f = _snd.sf_open_virtual(vio, 0x10, info, _ffi.new_handle(obj))  # expect: OWN302:9
    return f


class SoundFile:
    def __init__(self, path):
        self._info = _ffi.new("SF_INFO *")
        self._file = _snd.sf_open(path, 0x10, self._info)

    def close(self):
        _snd.sf_close(self._file)

    def __del__(self):
        _snd.sf_close(self._file)  # expect: OWN401:9


# VALID


def read_all(path, frames):
    info = _ffi.new("SF_INFO *")
    f = _snd.sf_open(path, 0x10, info)
    if f == _ffi.NULL:
        raise OSError(_ffi.string(_snd.sf_strerror(_ffi.NULL)))
    try:
        buf = _ffi.new("double[]", frames)
        return _snd.sf_readf_double(f, buf, frames)
    finally:
        _snd.sf_close(f)


def error_text(code):
    return _ffi.string(_snd.sf_error_number(code))


class VirtualFile:
    def __init__(self, vio, obj):
        self._info = _ffi.new("SF_INFO *")
        self._handle = _ffi.new_handle(obj)
        self._file = _snd.sf_open_virtual(vio, 0x10, self._info, self._handle)

    def title(self):
        p = _snd.sf_get_string(self._file, 1)
        return _ffi.string(p) if p else None

    def close(self):
        if self._file is not None:
            _snd.sf_close(self._file)
            self._file = None

    def __del__(self):
        self.close()
