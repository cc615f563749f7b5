"""A Wand-style binding: the getters that leaked in Wand 0.2-0.6, and how they were fixed."""

import ctypes
import ctypes.util

library = ctypes.CDLL(ctypes.util.find_library("MagickWand"))

library.NewMagickWand.restype = ctypes.c_void_p
library.NewPixelWand.restype = ctypes.c_void_p
library.DestroyMagickWand.argtypes = [ctypes.c_void_p]
# Owned strings declared as c_char_p: ctypes keeps the text and drops the pointer.
library.MagickGetImageSignature.argtypes = [ctypes.c_void_p]
library.MagickGetImageSignature.restype = ctypes.c_char_p  # expect: OWN502:43
library.MagickGetFont.restype = ctypes.c_char_p  # expect: OWN502:33
# The fix: keep the pointer, copy the text, release the pointer.
library.MagickGetImageFormat.restype = ctypes.c_void_p
library.MagickRelinquishMemory.argtypes = [ctypes.c_void_p]


class Image:
    def __init__(self, filename):
        self.wand = library.NewMagickWand()
        if not self.wand:
            raise MemoryError("NewMagickWand")
        library.MagickReadImage(self.wand, filename)

    @property
    def signature(self):
        return library.MagickGetImageSignature(self.wand).decode()  # expect: OWN201:16

    @property
    def format(self):
        pointer = library.MagickGetImageFormat(self.wand)
        try:
            return ctypes.string_at(pointer).decode()
        finally:
            library.MagickRelinquishMemory(pointer)

    def close(self):
        wand, self.wand = self.wand, None
        if wand:
            library.DestroyMagickWand(wand)


def stroke_width(image):
    pixel = library.NewPixelWand()  # expect: OWN201:13
    return library.MagickGetImageWidth(image.wand)


class c_magick_char_p(ctypes.c_char_p):
    """Wand's own restype: the string is released when the Python object goes."""

    def __del__(self):
        library.MagickRelinquishMemory(self)


library.MagickGetOption.restype = c_magick_char_p


def option(image, key):
    # No finding: with a restype class of the program's own, the class owns the result.
    return library.MagickGetOption(image.wand, key).value
