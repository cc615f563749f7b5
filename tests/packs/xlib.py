"""Xlib and Xrandr through ctypes, loaded as mss does."""

import ctypes
from ctypes import POINTER, byref, c_int, c_ulong, c_void_p, cdll
from ctypes.util import find_library

_X11 = find_library("X11")
_XRANDR = find_library("Xrandr")
xlib = cdll.LoadLibrary(_X11)
xrandr = cdll.LoadLibrary(_XRANDR)
xlib.XOpenDisplay.restype = c_void_p
xlib.XGetImage.restype = c_void_p
xlib.XGetAtomName.restype = c_void_p
xlib.XListFonts.restype = POINTER(ctypes.c_char_p)
xlib.XCreateGC.restype = c_void_p
xlib.XKeysymToString.restype = ctypes.c_char_p
xrandr.XRRGetScreenResourcesCurrent.restype = c_void_p
xrandr.XRRGetCrtcInfo.restype = c_void_p
_ERRORHANDLER = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p)
_handlers = []


# INVALID

def image_leak(display, window):
    ximage = xlib.XGetImage(display, window, 0, 0, 10, 10, 0xFFFFFFFF, 2)  # expect: OWN201:14
    if not ximage:
        raise RuntimeError("XGetImage failed")
    return ctypes.string_at(ximage, 16)


def image_freed_with_xfree(display, window):
    ximage = xlib.XGetImage(display, window, 0, 0, 10, 10, 0xFFFFFFFF, 2)
    if ximage:
        xlib.XFree(ximage)  # expect: OWN104:9


def crtc_leak_in_loop(display, window):
    resources = xrandr.XRRGetScreenResourcesCurrent(display, window)
    sizes = []
    try:
        for crtc in range(4):
            info = xrandr.XRRGetCrtcInfo(display, resources, crtc)  # expect: OWN202:20
            if not info:
                continue
            if crtc == 3:
                continue
            sizes.append(ctypes.string_at(info, 8))
            xrandr.XRRFreeCrtcInfo(info)
    finally:
        xrandr.XRRFreeScreenResources(resources)
    return sizes


def display_used_after_close():
    display = xlib.XOpenDisplay(None)
    if not display:
        return None
    xlib.XCloseDisplay(display)
    return xlib.XDefaultRootWindow(display)  # expect: OWN101:36


def property_leak(display, window, atom):
    actual_type = c_ulong()
    actual_format = c_int()
    nitems = c_ulong()
    after = c_ulong()
    data = c_void_p()
    status = xlib.XGetWindowProperty(  # expect: OWN201:14
        display, window, atom, 0, 1024, 0, 0,
        byref(actual_type), byref(actual_format), byref(nitems), byref(after), byref(data))
    if status != 0:
        return None
    return nitems.value


def keysym_name_freed(keysym):
    name = xlib.XKeysymToString(keysym)
    xlib.XFree(name)  # expect: OWN103:5


def gc_freed_twice(display, drawable):
    gc = xlib.XCreateGC(display, drawable, 0, None)
    xlib.XFreeGC(display, gc)
    xlib.XFreeGC(display, gc)  # expect: OWN102:5


def error_handler_dropped(handler):
    xlib.XSetErrorHandler(_ERRORHANDLER(handler))  # expect: OWN301:5


# VALID

def grab(display, window):
    ximage = xlib.XGetImage(display, window, 0, 0, 10, 10, 0xFFFFFFFF, 2)
    if not ximage:
        raise RuntimeError("XGetImage failed")
    try:
        return ctypes.string_at(ximage, 16)
    finally:
        xlib.XDestroyImage(ximage)


def monitors(display, window):
    resources = xrandr.XRRGetScreenResourcesCurrent(display, window)
    try:
        found = []
        for crtc in range(4):
            info = xrandr.XRRGetCrtcInfo(display, resources, crtc)
            if not info:
                continue
            found.append(ctypes.string_at(info, 8))
            xrandr.XRRFreeCrtcInfo(info)
        return found
    finally:
        xrandr.XRRFreeScreenResources(resources)


def atom_name(display, atom):
    name = xlib.XGetAtomName(display, atom)
    try:
        return ctypes.string_at(name)
    finally:
        xlib.XFree(name)


def property_bytes(display, window, atom):
    actual_type = c_ulong()
    actual_format = c_int()
    nitems = c_ulong()
    after = c_ulong()
    data = c_void_p()
    status = xlib.XGetWindowProperty(
        display, window, atom, 0, 1024, 0, 0,
        byref(actual_type), byref(actual_format), byref(nitems), byref(after), byref(data))
    if status != 0:
        return None
    try:
        return ctypes.string_at(data, nitems.value)
    finally:
        xlib.XFree(data)


def handler_kept(handler):
    callback = _ERRORHANDLER(handler)
    _handlers.append(callback)
    xlib.XSetErrorHandler(callback)


def key_name(keysym):
    return xlib.XKeysymToString(keysym)
