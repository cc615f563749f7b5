"""PortAudio through cffi (ffi.dlopen("portaudio"), as sounddevice does) and ctypes: streams
opened through a PaStream ** and closed with Pa_CloseStream, stream callbacks kept until the
stream is closed, information PortAudio owns."""

import ctypes
import ctypes.util

from cffi import FFI

ffi = FFI()
ffi.cdef("""
typedef void PaStream;
typedef int PaError;
typedef int PaStreamCallback(const void *input, void *output, unsigned long frameCount,
                             const void *timeInfo, unsigned long statusFlags, void *userData);
PaError Pa_OpenDefaultStream(PaStream **stream, int numInputChannels, int numOutputChannels,
                             unsigned long sampleFormat, double sampleRate,
                             unsigned long framesPerBuffer, PaStreamCallback *streamCallback,
                             void *userData);
PaError Pa_CloseStream(PaStream *stream);
PaError Pa_StartStream(PaStream *stream);
const char *Pa_GetErrorText(PaError errorCode);
""")
_lib = ffi.dlopen("portaudio")

pa = ctypes.CDLL(ctypes.util.find_library("portaudio"))
pa.Pa_GetDeviceInfo.restype = ctypes.c_void_p
pa.Pa_GetErrorText.restype = ctypes.c_char_p
pa.Pa_GetStreamInfo.restype = ctypes.c_void_p
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong,
                            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p)


# INVALID


def stream_leaks():
    stream = ctypes.c_void_p()
    err = pa.Pa_OpenDefaultStream(ctypes.byref(stream), 0, 2, 1, 44100.0, 256, None, None)  # expect: OWN201:11
    if err != 0:
        raise RuntimeError(err)
    pa.Pa_StartStream(stream)


def closed_twice():
    pp = ffi.new("PaStream **")
    if _lib.Pa_OpenDefaultStream(pp, 0, 2, 1, 44100.0, 256, ffi.NULL, ffi.NULL) != 0:
        raise RuntimeError("open")
    stream = pp[0]
    _lib.Pa_CloseStream(stream)
    _lib.Pa_CloseStream(stream)  # expect: OWN102:5


def temporary_callback(func):
    stream = ctypes.c_void_p()
    pa.Pa_OpenDefaultStream(ctypes.byref(stream), 0, 2, 1, 44100.0, 256, CALLBACK(func), None)  # expect: OWN301:5
    return stream


def device_info_freed(i):
    info = pa.Pa_GetDeviceInfo(i)
    pa.Pa_CloseStream(info)  # expect: OWN103:5


def used_after_close(stream):
    info = pa.Pa_GetStreamInfo(stream)
    pa.Pa_CloseStream(stream)
    return pa.Pa_StartStream(info)  # expect: OWN106:30


class Stream:
    def __init__(self):
        stream = ctypes.c_void_p()
        if pa.Pa_OpenDefaultStream(ctypes.byref(stream), 0, 2, 1, 44100.0, 256, None, None) == 0:
            self._ptr = stream

    def close(self):
        pa.Pa_CloseStream(self._ptr)

    def __del__(self):
        pa.Pa_CloseStream(self._ptr)  # expect: OWN401:9


# VALID


def play_blocking(frames):
    stream = ctypes.c_void_p()
    err = pa.Pa_OpenDefaultStream(ctypes.byref(stream), 0, 2, 1, 44100.0, 256, None, None)
    if err:
        raise RuntimeError(ctypes.string_at(pa.Pa_GetErrorText(err)))
    try:
        pa.Pa_StartStream(stream)
        pa.Pa_WriteStream(stream, frames, len(frames))
    finally:
        pa.Pa_CloseStream(stream)


def play_cffi():
    pp = ffi.new("PaStream **")
    err = _lib.Pa_OpenDefaultStream(pp, 0, 2, 1, 44100.0, 256, ffi.NULL, ffi.NULL)
    if err:
        raise RuntimeError(ffi.string(_lib.Pa_GetErrorText(err)))
    stream = pp[0]
    try:
        _lib.Pa_StartStream(stream)
    finally:
        _lib.Pa_CloseStream(stream)


class CallbackStream:
    def __init__(self, func):
        self._callback = ffi.callback("PaStreamCallback", func)
        pp = ffi.new("PaStream **")
        err = _lib.Pa_OpenDefaultStream(pp, 0, 2, 1, 44100.0, 256, self._callback, ffi.NULL)
        if err:
            raise RuntimeError(ffi.string(_lib.Pa_GetErrorText(err)))
        self._ptr = pp[0]

    def close(self):
        if self._ptr:
            _lib.Pa_CloseStream(self._ptr)
            self._ptr = None

    def __del__(self):
        self.close()


def device_name(i):
    info = pa.Pa_GetDeviceInfo(i)
    return info
