"""PDFium through ctypes, loaded as ctypesgen-generated bindings (pypdfium2_raw) do."""

import ctypes
import ctypes.util

_lib = ctypes.CDLL(ctypes.util.find_library("pdfium"))
FPDF_LoadDocument = _lib.FPDF_LoadDocument
FPDF_LoadDocument.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
FPDF_LoadDocument.restype = ctypes.c_void_p
_lib.FPDF_LoadMemDocument.restype = ctypes.c_void_p
_lib.FPDF_LoadPage.restype = ctypes.c_void_p
_lib.FPDFText_LoadPage.restype = ctypes.c_void_p
_lib.FPDFBitmap_Create.restype = ctypes.c_void_p
_lib.FPDFPageObj_CreateNewRect.restype = ctypes.c_void_p
_lib.FPDFTextObj_GetFont.restype = ctypes.c_void_p


# INVALID

def page_count_leak(path):
    doc = FPDF_LoadDocument(path, None)  # expect: OWN201:11
    if not doc:
        raise OSError(path)
    return _lib.FPDF_GetPageCount(doc)


def page_leak_on_error(doc, index):
    page = _lib.FPDF_LoadPage(doc, index)  # expect: OWN202:12
    if not page:
        return None
    width = _lib.FPDF_GetPageWidthF(page)
    if width <= 0:
        raise ValueError("empty page")
    _lib.FPDF_ClosePage(page)
    return width


def text_page_used_after_close(page):
    text = _lib.FPDFText_LoadPage(page)
    _lib.FPDFText_ClosePage(text)
    return _lib.FPDFText_CountChars(text)  # expect: OWN101:37


def page_closed_as_document(doc):
    page = _lib.FPDF_LoadPage(doc, 0)
    _lib.FPDF_CloseDocument(page)  # expect: OWN104:5


def bitmap_destroyed_twice():
    bitmap = _lib.FPDFBitmap_Create(100, 100, 1)
    _lib.FPDFBitmap_FillRect(bitmap, 0, 0, 100, 100, 0xFFFFFFFF)
    _lib.FPDFBitmap_Destroy(bitmap)
    _lib.FPDFBitmap_Destroy(bitmap)  # expect: OWN102:5


def inserted_object_destroyed(page):
    rect = _lib.FPDFPageObj_CreateNewRect(0, 0, 10, 10)
    _lib.FPDFPage_InsertObject(page, rect)
    _lib.FPDFPageObj_Destroy(rect)  # expect: OWN107:5


def font_of_text_closed(text_object):
    font = _lib.FPDFTextObj_GetFont(text_object)
    _lib.FPDFFont_Close(font)  # expect: OWN103:5


def document_outlives_its_buffer(data):
    buf = ctypes.create_string_buffer(data, len(data))
    doc = _lib.FPDF_LoadMemDocument(buf, len(data), None)  # expect: OWN303:11
    if not doc:
        raise ValueError("not a PDF")
    return doc


def buffer_replaced_while_open(chunks):
    buf = ctypes.create_string_buffer(chunks[0])
    doc = _lib.FPDF_LoadMemDocument(buf, len(chunks[0]), None)
    buf = ctypes.create_string_buffer(chunks[1])  # expect: OWN303:5
    count = _lib.FPDF_GetPageCount(doc)
    _lib.FPDF_CloseDocument(doc)
    return count


# VALID

def page_widths(path):
    doc = FPDF_LoadDocument(path, None)
    if not doc:
        raise OSError(path)
    try:
        widths = []
        for index in range(_lib.FPDF_GetPageCount(doc)):
            page = _lib.FPDF_LoadPage(doc, index)
            if not page:
                continue
            try:
                widths.append(_lib.FPDF_GetPageWidthF(page))
            finally:
                _lib.FPDF_ClosePage(page)
        return widths
    finally:
        _lib.FPDF_CloseDocument(doc)


def add_rect(page):
    rect = _lib.FPDFPageObj_CreateNewRect(0, 0, 10, 10)
    _lib.FPDFPageObj_SetFillColor(rect, 255, 0, 0, 255)
    _lib.FPDFPage_InsertObject(page, rect)
    return _lib.FPDFPage_GenerateContent(page)


def open_document(data):
    doc = _lib.FPDF_LoadMemDocument(data, len(data), None)
    if not doc:
        raise ValueError("not a PDF")
    return doc


def buffer_kept_until_closed(data):
    buf = ctypes.create_string_buffer(data, len(data))
    doc = _lib.FPDF_LoadMemDocument(buf, len(data), None)
    if not doc:
        raise ValueError("not a PDF")  # a document that failed to load keeps nothing
    try:
        return _lib.FPDF_GetPageCount(doc)
    finally:
        _lib.FPDF_CloseDocument(doc)


class Document:
    def __init__(self, data):
        self._buf = ctypes.create_string_buffer(data, len(data))  # lives as long as the document
        self._doc = _lib.FPDF_LoadMemDocument(self._buf, len(data), None)

    def close(self):
        _lib.FPDF_CloseDocument(self._doc)
