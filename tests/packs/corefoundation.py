"""Core Foundation and Core Graphics through ctypes, loaded as pyglet and mss do."""

import ctypes
from ctypes import c_void_p, cdll, util

cf = cdll.LoadLibrary(util.find_library("CoreFoundation"))
core = cdll.LoadLibrary(util.find_library("CoreGraphics"))
cf.CFStringCreateWithCString.restype = c_void_p
cf.CFStringCreateWithCString.argtypes = [c_void_p, ctypes.c_char_p, ctypes.c_uint32]
cf.CFArrayGetValueAtIndex.restype = c_void_p
cf.CFDataGetBytePtr.restype = c_void_p
cf.CFRetain.restype = c_void_p
cf.CFDataCreateCopy.restype = c_void_p
core.CGWindowListCreateImage.restype = c_void_p
core.CGImageGetDataProvider.restype = c_void_p
core.CGDataProviderCopyData.restype = c_void_p
core.CGColorSpaceCreateDeviceRGB.restype = c_void_p
core.CGBitmapContextCreate.restype = c_void_p
kCFStringEncodingUTF8 = 0x08000100


# INVALID

def string_leak(text):
    string = cf.CFStringCreateWithCString(None, text, kCFStringEncodingUTF8)  # expect: OWN201:14
    return cf.CFStringGetLength(string)


def item_released(array):
    item = cf.CFArrayGetValueAtIndex(array, 0)
    cf.CFRelease(item)  # expect: OWN103:5


def pixels_leak_on_error(rect):
    image = core.CGWindowListCreateImage(rect, 1, 0, 0)
    if not image:
        return None
    try:
        provider = core.CGImageGetDataProvider(image)
        data = core.CGDataProviderCopyData(provider)  # expect: OWN202:16
        if core.CGImageGetBitsPerPixel(image) != 32:
            raise ValueError("unsupported depth")
        pixels = ctypes.string_at(cf.CFDataGetBytePtr(data), cf.CFDataGetLength(data))
        cf.CFRelease(data)
        return pixels
    finally:
        core.CGImageRelease(image)


def bytes_after_release(data):
    copy = cf.CFDataCreateCopy(None, data)
    cf.CFRelease(copy)
    return cf.CFDataGetBytePtr(copy)  # expect: OWN101:32


def colorspace_released_twice():
    space = core.CGColorSpaceCreateDeviceRGB()
    core.CGColorSpaceRelease(space)
    cf.CFRelease(space)  # expect: OWN102:5


# VALID

def string_length(text):
    string = cf.CFStringCreateWithCString(None, text, kCFStringEncodingUTF8)
    try:
        return cf.CFStringGetLength(string)
    finally:
        cf.CFRelease(string)


def kept_item(array):
    item = cf.CFArrayGetValueAtIndex(array, 0)
    return cf.CFRetain(item)


def retain_then_release(obj):
    cf.CFRetain(obj)
    cf.CFRelease(obj)


def bitmap_context(width, height):
    space = core.CGColorSpaceCreateDeviceRGB()
    context = core.CGBitmapContextCreate(None, width, height, 8, width * 4, space, 1)
    core.CGColorSpaceRelease(space)
    return context
