"""FreeType through ctypes, loaded as freetype-py does (find_library, module-level aliases)."""

import ctypes
import ctypes.util
from ctypes import POINTER, byref, c_char_p, c_void_p

_lib = ctypes.CDLL(ctypes.util.find_library("freetype"))
_lib.FT_Get_Postscript_Name.restype = c_char_p
_lib.FT_Get_Sfnt_Table.restype = c_void_p
_lib.FT_Error_String.restype = c_char_p

FT_Init_FreeType = _lib.FT_Init_FreeType
FT_Done_FreeType = _lib.FT_Done_FreeType
FT_New_Face = _lib.FT_New_Face
FT_New_Memory_Face = _lib.FT_New_Memory_Face
FT_Done_Face = _lib.FT_Done_Face
FT_Reference_Face = _lib.FT_Reference_Face
FT_Get_Glyph = _lib.FT_Get_Glyph
FT_Done_Glyph = _lib.FT_Done_Glyph
FT_Stroker_New = _lib.FT_Stroker_New
FT_Stroker_Done = _lib.FT_Stroker_Done


class FT_Exception(Exception):
    pass


# ---- invalid --------------------------------------------------------------------

def face_leak(library, path):
    face = c_void_p()
    error = FT_New_Face(library, path, 0, byref(face))  # expect: OWN201:13
    if error:
        raise FT_Exception(error)
    return face.value


def glyph_twice(slot):
    glyph = c_void_p()
    if FT_Get_Glyph(slot, byref(glyph)):
        raise FT_Exception("glyph")
    FT_Done_Glyph(glyph)
    FT_Done_Glyph(glyph)  # expect: OWN102:5


def stroker_as_face(library):
    stroker = c_void_p()
    error = FT_Stroker_New(library, byref(stroker))
    if error:
        raise FT_Exception(error)
    FT_Done_Face(stroker)  # expect: OWN104:5


def library_leak_on_error(path):
    library = c_void_p()
    error = FT_Init_FreeType(byref(library))  # expect: OWN202:13
    if error:
        raise FT_Exception(error)
    face = c_void_p()
    if FT_New_Face(library, path, 0, byref(face)):
        raise FT_Exception("face")
    FT_Done_Face(face)
    FT_Done_FreeType(library)


# ---- valid ----------------------------------------------------------------------

def open_and_close(path):
    library = c_void_p()
    error = FT_Init_FreeType(byref(library))
    if error:
        raise FT_Exception(error)
    try:
        face = c_void_p()
        error = FT_New_Face(library, path, 0, byref(face))
        if error:
            raise FT_Exception(error)
        try:
            return ctypes.string_at(_lib.FT_Get_Postscript_Name(face))
        finally:
            FT_Done_Face(face)
    finally:
        FT_Done_FreeType(library)


class Face:
    def __init__(self, library, data):
        face = c_void_p()
        error = FT_New_Memory_Face(library, data, len(data), 0, byref(face))
        if error:
            raise FT_Exception(error)
        self._data = data
        self._face = face

    def share(self):
        FT_Reference_Face(self._face)
        return self._face

    def __del__(self):
        FT_Done_Face(self._face)


def glyph(slot):
    glyph = c_void_p()
    error = FT_Get_Glyph(slot, byref(glyph))
    if error:
        raise FT_Exception(error)
    try:
        return glyph.value
    finally:
        FT_Done_Glyph(glyph)


def error_text(code):
    return _lib.FT_Error_String(code)
