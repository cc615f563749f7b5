"""Pango through cffi, loaded as WeasyPrint does: a loader function over candidate names."""

from contextlib import suppress

from cffi import FFI

ffi = FFI()
ffi.cdef("typedef struct _PangoLayout PangoLayout; typedef struct _PangoAttrList PangoAttrList;")


def _dlopen(ffi, *names):
    for name in names:
        with suppress(OSError):
            return ffi.dlopen(name)
    return ffi.dlopen(names[0])


gobject = _dlopen(ffi, "gobject-2.0-0", "gobject-2.0", "libgobject-2.0-0", "libgobject-2.0.so.0")
pango = _dlopen(ffi, "pango-1.0-0", "pango-1.0", "libpango-1.0-0", "libpango-1.0.so.0")


# ---- invalid --------------------------------------------------------------------

def attributes_never_unrefd(layout, spacing):
    attr_list = pango.pango_attr_list_new()  # expect: OWN201:17
    pango.pango_attr_list_insert(attr_list, pango.pango_attr_letter_spacing_new(spacing))
    pango.pango_layout_set_attributes(layout, attr_list)


def unref_borrowed_attributes(layout):
    attr_list = pango.pango_layout_get_attributes(layout)
    if attr_list != ffi.NULL:
        pango.pango_attr_list_unref(attr_list)  # expect: OWN103:9


def attribute_used_after_insert(attr_list, spacing):
    attr = pango.pango_attr_letter_spacing_new(spacing)
    pango.pango_attr_list_insert(attr_list, attr)
    pango.pango_attribute_destroy(attr)  # expect: OWN107:5


def layout_freed_as_description(context):
    layout = pango.pango_layout_new(context)
    pango.pango_font_description_free(layout)  # expect: OWN104:5


def text_after_unref(context):
    layout = pango.pango_layout_new(context)
    text = pango.pango_layout_get_text(layout)
    gobject.g_object_unref(layout)
    return ffi.string(text)  # expect: OWN106:23


def description_leak(font):
    description = pango.pango_font_describe(font)  # expect: OWN201:19
    return pango.pango_font_description_get_size(description)


# ---- valid ----------------------------------------------------------------------

def spacing(layout, spacing):
    attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    attr = pango.pango_attr_letter_spacing_new(spacing)
    attr.start_index, attr.end_index = 0, 1
    pango.pango_attr_list_change(attr_list, attr)
    pango.pango_layout_set_attributes(layout, attr_list)


def set_and_unref(layout):
    attr_list = pango.pango_attr_list_new()
    pango.pango_layout_set_attributes(layout, attr_list)
    pango.pango_attr_list_unref(attr_list)


def layout_for(context):
    return ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)


def family_of(font):
    description = ffi.gc(pango.pango_font_describe(font), pango.pango_font_description_free)
    return ffi.string(pango.pango_font_description_get_family(description))


def description_string(description):
    text = pango.pango_font_description_to_string(description)
    try:
        return ffi.string(text)
    finally:
        gobject.g_free(text)


def first_line(layout):
    line = pango.pango_layout_get_line_readonly(layout, 0)
    return line.start_index


def metrics(context, font, language):
    metrics = ffi.gc(pango.pango_context_get_metrics(context, font, language), pango.pango_font_metrics_unref)
    return pango.pango_font_metrics_get_ascent(metrics)


def language():
    return pango.pango_language_from_string(b"en")
