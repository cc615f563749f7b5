"""MagickWand through ctypes, loaded as bindings do (find_library("MagickWand")): wands and
their destroyers, strings and arrays released with MagickRelinquishMemory (not libc's free),
borrowed iterator rows, kept progress monitors."""

import ctypes
import ctypes.util

library = ctypes.CDLL(ctypes.util.find_library("MagickWand"))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
library.NewMagickWand.restype = ctypes.c_void_p
library.CloneMagickWand.restype = ctypes.c_void_p
library.MagickAppendImages.restype = ctypes.c_void_p
library.NewPixelWand.restype = ctypes.c_void_p
library.NewDrawingWand.restype = ctypes.c_void_p
library.NewPixelIterator.restype = ctypes.c_void_p
library.MagickGetException.restype = ctypes.c_void_p
library.MagickGetFont.restype = ctypes.c_void_p
library.MagickGetImageFormat.restype = ctypes.c_void_p
library.MagickGetImageSignature.restype = ctypes.c_void_p
library.MagickToMime.restype = ctypes.c_void_p
library.DrawGetFont.restype = ctypes.c_void_p
library.PixelGetColorAsString.restype = ctypes.c_void_p
library.MagickQueryFonts.restype = ctypes.c_void_p
library.MagickQueryFontMetrics.restype = ctypes.c_void_p
library.MagickRelinquishMemory.restype = ctypes.c_void_p
library.DestroyMagickWand.restype = ctypes.c_void_p
library.DestroyPixelWand.restype = ctypes.c_void_p
library.DestroyDrawingWand.restype = ctypes.c_void_p
library.DestroyPixelIterator.restype = ctypes.c_void_p
library.MagickGetImagesBlob.restype = ctypes.c_void_p
library.MagickGetVersion.restype = ctypes.c_void_p
library.PixelGetNextIteratorRow.restype = ctypes.c_void_p
library.MagickGetImageHistogram.restype = ctypes.c_void_p
library.DestroyPixelWands.restype = ctypes.c_void_p
library.DestroyString.restype = ctypes.c_void_p
library.MagickGetImageRegion.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]

PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_longlong, ctypes.c_ulonglong, ctypes.c_void_p)


# INVALID


def signature_leaks(wand):
    p = library.MagickGetImageSignature(wand)  # expect: OWN201:9
    return ctypes.string_at(p)


def mime_freed_by_libc(fmt):
    p = library.MagickToMime(fmt)
    if p:
        text = ctypes.string_at(p)
        libc.free(p)  # expect: OWN104:9
        return text
    return None


def exception_text_leaks(wand):
    severity = ctypes.c_int()
    desc = library.MagickGetException(wand, ctypes.byref(severity))  # expect: OWN201:12
    if severity.value:
        raise RuntimeError(ctypes.string_at(desc))


def temporary_pixel_wand(drawing):
    pixel = library.NewPixelWand()  # expect: OWN201:13
    library.DrawGetStrokeColor(drawing, pixel)
    return library.PixelGetRed(pixel)


def pixel_wand_leaks_on_error(wand):
    pixel = library.NewPixelWand()  # expect: OWN202:13
    if not library.MagickGetImageBorderColor(wand, pixel):
        raise RuntimeError("no border color")
    color = ctypes.string_at(library.PixelGetColorAsString(pixel))  # expect: OWN201:30
    library.DestroyPixelWand(pixel)
    return color


def appended_wand_leaks(wand):
    length = ctypes.c_size_t()
    both = library.MagickAppendImages(wand, 1)  # expect: OWN201:12
    blob = library.MagickGetImagesBlob(both, ctypes.byref(length))
    data = ctypes.string_at(blob, length.value)
    library.MagickRelinquishMemory(blob)
    return data


def destroyed_twice(wand):
    clone = library.CloneMagickWand(wand)
    library.DestroyMagickWand(clone)
    library.DestroyMagickWand(clone)  # expect: OWN102:5


def wrong_destroyer():
    drawing = library.NewDrawingWand()
    library.DestroyPixelWand(drawing)  # expect: OWN104:5


def row_used_after_iterator(wand):
    it = library.NewPixelIterator(wand)
    n = ctypes.c_size_t()
    row = library.PixelGetNextIteratorRow(it, ctypes.byref(n))
    library.DestroyPixelIterator(it)
    return library.PixelGetRed(row)  # expect: OWN106:32


def row_freed(wand):
    it = library.NewPixelIterator(wand)
    n = ctypes.c_size_t()
    row = library.PixelGetNextIteratorRow(it, ctypes.byref(n))
    library.MagickRelinquishMemory(row)  # expect: OWN103:5
    library.DestroyPixelIterator(it)


def version_freed():
    v = library.MagickGetVersion(None)
    library.MagickRelinquishMemory(v)  # expect: OWN103:5


def font_metrics_leak(wand, drawing, text):
    metrics = ctypes.cast(library.MagickQueryFontMetrics(wand, drawing, text), ctypes.POINTER(ctypes.c_double))  # expect: OWN201:27
    return metrics[4]


def temporary_monitor(wand, func):
    library.MagickSetProgressMonitor(wand, PROGRESS(func), None)  # expect: OWN301:5


# VALID


def font_relinquished(wand):
    p = library.MagickGetFont(wand)
    if not p:
        return None
    try:
        return ctypes.string_at(p)
    finally:
        library.MagickRelinquishMemory(p)


def mime_destroyed(fmt):
    p = library.MagickToMime(fmt)
    if p:
        text = ctypes.string_at(p)
        p = library.DestroyString(p)
        return text
    return None


def drawing_font(drawing):
    p = library.DrawGetFont(drawing)
    text = ctypes.string_at(p) if p else None
    library.MagickRelinquishMemory(p)
    return text


def fonts(pattern):
    n = ctypes.c_size_t()
    p = library.MagickQueryFonts(pattern, ctypes.byref(n))
    names = ctypes.cast(p, ctypes.POINTER(ctypes.c_char_p))
    result = [names[i] for i in range(n.value)]
    library.MagickRelinquishMemory(p)
    return result


def histogram(wand):
    n = ctypes.c_size_t()
    wands = library.MagickGetImageHistogram(wand, ctypes.byref(n))
    if not wands:
        return 0
    count = n.value
    library.DestroyPixelWands(wands, n)
    return count


def iterate(wand):
    it = library.NewPixelIterator(wand)
    n = ctypes.c_size_t()
    total = 0
    try:
        row = library.PixelGetNextIteratorRow(it, ctypes.byref(n))
        while row:
            total += n.value
            row = library.PixelGetNextIteratorRow(it, ctypes.byref(n))
    finally:
        library.DestroyPixelIterator(it)
    return total


def region(wand):
    part = library.MagickGetImageRegion(wand, 10, 10, 0, 0)
    if not part:
        raise RuntimeError("region")
    return part


class Image:
    def __init__(self):
        self.wand = library.NewMagickWand()
        self.monitor = PROGRESS(self.progress)
        library.MagickSetProgressMonitor(self.wand, self.monitor, None)

    def progress(self, text, offset, span, data):
        return 1

    def close(self):
        if self.wand:
            library.DestroyMagickWand(self.wand)
            self.wand = None


def version():
    return ctypes.string_at(library.MagickGetVersion(None))


def lifecycle():
    library.MagickWandGenesis()
    wand = library.NewMagickWand()
    library.DestroyMagickWand(wand)
    library.MagickWandTerminus()
