"""SDL2 through ctypes, loaded as PySDL2 does (CDLL of the found SDL2 library)."""

import ctypes
from ctypes.util import find_library

_dll = ctypes.CDLL(find_library("SDL2"))
_dll.SDL_CreateRenderer.restype = ctypes.c_void_p
_dll.SDL_CreateTextureFromSurface.restype = ctypes.c_void_p
_dll.SDL_CreateRGBSurface.restype = ctypes.c_void_p
_dll.SDL_GetWindowSurface.restype = ctypes.c_void_p
_dll.SDL_RWFromFile.restype = ctypes.c_void_p
_dll.SDL_LoadBMP_RW.restype = ctypes.c_void_p
_dll.SDL_GetClipboardText.restype = ctypes.c_void_p
_dll.SDL_GetError.restype = ctypes.c_char_p
SDL_CreateWindow = _dll.SDL_CreateWindow
SDL_CreateWindow.restype = ctypes.c_void_p
_EVENTFILTER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_filters = []


# INVALID

def texture_leak(renderer, surface):
    texture = _dll.SDL_CreateTextureFromSurface(renderer, surface)  # expect: OWN201:15
    if not texture:
        raise RuntimeError(_dll.SDL_GetError())
    _dll.SDL_RenderCopy(renderer, texture, None, None)


def surface_freed_twice():
    surface = _dll.SDL_CreateRGBSurface(0, 32, 32, 32, 0, 0, 0, 0)
    _dll.SDL_FreeSurface(surface)
    _dll.SDL_FreeSurface(surface)  # expect: OWN102:5


def window_surface_freed(window):
    surface = _dll.SDL_GetWindowSurface(window)
    _dll.SDL_FreeSurface(surface)  # expect: OWN103:5


def window_surface_after_destroy(window):
    surface = _dll.SDL_GetWindowSurface(window)
    _dll.SDL_DestroyWindow(window)
    _dll.SDL_FillRect(surface, None, 0)  # expect: OWN106:23


def clipboard_with_wrong_free(libc):
    text = _dll.SDL_GetClipboardText()
    value = ctypes.string_at(text)
    _dll.SDL_DestroyWindow(text)  # expect: OWN104:5
    return value


def clipboard_leak():
    text = _dll.SDL_GetClipboardText()  # expect: OWN201:12
    return ctypes.string_at(text)


def error_freed():
    _dll.SDL_free(_dll.SDL_GetError())  # expect: OWN103:5


def rwops_leak_on_error(path):
    rw = _dll.SDL_RWFromFile(path, b"rb")  # expect: OWN202:10
    if not rw:
        return None
    size = _dll.SDL_RWsize(rw)
    if size < 0:
        return None
    _dll.SDL_RWclose(rw)
    return size


def filter_dropped(handler):
    _dll.SDL_SetEventFilter(_EVENTFILTER(handler), None)  # expect: OWN301:5


# VALID

def window_and_renderer(title):
    window = SDL_CreateWindow(title, 0, 0, 640, 480, 0)
    if not window:
        raise RuntimeError(_dll.SDL_GetError())
    try:
        renderer = _dll.SDL_CreateRenderer(window, -1, 0)
        if not renderer:
            raise RuntimeError(_dll.SDL_GetError())
        _dll.SDL_RenderPresent(renderer)
        _dll.SDL_DestroyRenderer(renderer)
    finally:
        _dll.SDL_DestroyWindow(window)


def clipboard():
    text = _dll.SDL_GetClipboardText()
    try:
        return ctypes.string_at(text)
    finally:
        _dll.SDL_free(text)


def load_bmp(path):
    rw = _dll.SDL_RWFromFile(path, b"rb")
    if not rw:
        raise IOError(path)
    return _dll.SDL_LoadBMP_RW(rw, 1)


def fill_window(window):
    surface = _dll.SDL_GetWindowSurface(window)
    _dll.SDL_FillRect(surface, None, 0)
    _dll.SDL_UpdateWindowSurface(window)


def filter_kept(handler):
    callback = _EVENTFILTER(handler)
    _filters.append(callback)
    _dll.SDL_SetEventFilter(callback, None)
