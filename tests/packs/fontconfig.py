"""Fontconfig through cffi, loaded through a loader function (as WeasyPrint does)."""

from contextlib import suppress

from cffi import FFI

ffi = FFI()
ffi.cdef("typedef struct _FcConfig FcConfig; typedef struct _FcPattern FcPattern;")


def _dlopen(ffi, *names):
    for name in names:
        with suppress(OSError):
            return ffi.dlopen(name)
    return ffi.dlopen(names[0])


fontconfig = _dlopen(ffi, "fontconfig-1", "fontconfig", "libfontconfig", "libfontconfig.so.1")
libc = ffi.dlopen(None)


# ---- invalid --------------------------------------------------------------------

class FontConfiguration:
    def __init__(self, font_map, pango):
        self._config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
        pango.pango_fc_font_map_set_config(font_map, self._config)
        fontconfig.FcConfigDestroy(self._config)  # expect: OWN105:9


def prepared_leak(config, pattern, font):
    prepared = fontconfig.FcFontRenderPrepare(config, pattern, font)  # expect: OWN201:16
    if prepared == ffi.NULL:
        return None
    return fontconfig.FcPatternGetString(prepared, b"file", 0, ffi.new("FcChar8 **"))


def destroy_library_fonts(config):
    fonts = fontconfig.FcConfigGetFonts(config, 0)
    fontconfig.FcFontSetDestroy(fonts)  # expect: OWN103:5


def name_freed_as_pattern(pattern):
    name = fontconfig.FcNameUnparse(pattern)
    fontconfig.FcPatternDestroy(name)  # expect: OWN104:5


def pattern_leak():
    pattern = fontconfig.FcPatternCreate()  # expect: OWN201:15
    fontconfig.FcDefaultSubstitute(pattern)


# ---- valid ----------------------------------------------------------------------

class Configuration:
    def __init__(self, font_map, pango):
        self._config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
        pango.pango_fc_font_map_set_config(font_map, self._config)


def match(config, name):
    pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
    fontconfig.FcPatternAddString(pattern, b"fullname", name)
    fontconfig.FcConfigSubstitute(config, pattern, 0)
    fontconfig.FcDefaultSubstitute(pattern)
    result = ffi.new("FcResult *")
    matching = fontconfig.FcFontMatch(config, pattern, result)
    if matching == ffi.NULL:
        return None
    matching = ffi.gc(matching, fontconfig.FcPatternDestroy)
    return matching


def _matched(result):
    if result == 0:  # FcResultMatch
        return True
    if result == 4:  # FcResultOutOfMemory
        raise MemoryError
    return False


def match_checked_by_status(config, pattern):
    # FcFontMatch returns NULL whenever *result is not FcResultMatch (pyglet 2.1's idiom):
    # nothing to release on the other path.
    result = ffi.new("FcResult *")
    matching = fontconfig.FcFontMatch(config, pattern, result)
    if _matched(result[0]):
        return ffi.gc(matching, fontconfig.FcPatternDestroy)
    return None


def unparse(pattern):
    name = fontconfig.FcNameUnparse(pattern)
    if name == ffi.NULL:
        return None
    try:
        return ffi.string(name)
    finally:
        libc.free(name)


def add_to_set(fontset):
    pattern = fontconfig.FcPatternCreate()
    if not fontconfig.FcFontSetAdd(fontset, pattern):
        fontconfig.FcPatternDestroy(pattern)


def shared(config):
    fontconfig.FcConfigReference(config)
    fontconfig.FcConfigDestroy(config)


def listing(config, pattern):
    objects = fontconfig.FcObjectSetBuild(b"family", ffi.NULL)
    try:
        fonts = fontconfig.FcFontList(config, pattern, objects)
        try:
            return fonts.nfont
        finally:
            fontconfig.FcFontSetDestroy(fonts)
    finally:
        fontconfig.FcObjectSetDestroy(objects)
