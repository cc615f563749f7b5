"""cairo through cffi, loaded the way cairocffi does (find_library names, then sonames)."""

from ctypes.util import find_library

from cffi import FFI

ffi = FFI()
ffi.cdef("typedef struct _cairo cairo_t; typedef struct _cairo_surface cairo_surface_t;")


def dlopen(ffi, library_names, filenames):
    for name in library_names:
        found = find_library(name)
        if found:
            filenames = (found, *filenames)
    for filename in filenames:
        try:
            return ffi.dlopen(filename)
        except OSError:
            pass
    raise OSError("cairo not found")


cairo = dlopen(ffi, ("cairo-2", "cairo", "libcairo-2"), ("libcairo.so.2", "libcairo.2.dylib"))


# ---- invalid --------------------------------------------------------------------

def leak_surface(width, height):
    surface = cairo.cairo_image_surface_create(0, width, height)  # expect: OWN201:15
    return cairo.cairo_image_surface_get_width(surface)


def destroy_borrowed_target(cr):
    target = cairo.cairo_get_target(cr)
    cairo.cairo_surface_destroy(target)  # expect: OWN103:5


def wrong_destroyer():
    pattern = cairo.cairo_pattern_create_rgb(1.0, 0.0, 0.0)
    cairo.cairo_surface_destroy(pattern)  # expect: OWN104:5


def use_after_destroy(surface):
    cr = cairo.cairo_create(surface)
    cairo.cairo_destroy(cr)
    cairo.cairo_paint(cr)  # expect: OWN101:23


def path_twice(cr):
    path = cairo.cairo_copy_path(cr)
    cairo.cairo_path_destroy(path)
    cairo.cairo_path_destroy(path)  # expect: OWN102:5


def free_static_string(status):
    text = cairo.cairo_status_to_string(status)
    cairo.cairo_path_destroy(text)  # expect: OWN103:5


def gc_and_destroy(width, height):
    surface = ffi.gc(cairo.cairo_image_surface_create(0, width, height), cairo.cairo_surface_destroy)
    cairo.cairo_surface_destroy(surface)  # expect: OWN105:5


# ---- valid ----------------------------------------------------------------------

def draw(width, height):
    surface = cairo.cairo_image_surface_create(0, width, height)
    try:
        cr = cairo.cairo_create(surface)
        cairo.cairo_surface_destroy(surface)  # cairo_create references the target
        try:
            cairo.cairo_paint(cr)
        finally:
            cairo.cairo_destroy(cr)
    finally:
        pass


def managed(width, height):
    surface = ffi.gc(cairo.cairo_image_surface_create(0, width, height), cairo.cairo_surface_destroy)
    return surface


def keep_target(cr):
    target = cairo.cairo_surface_reference(cairo.cairo_get_target(cr))
    return ffi.gc(target, cairo.cairo_surface_destroy)


def pattern_as_source(cr):
    pattern = cairo.cairo_pattern_create_linear(0, 0, 1, 1)
    cairo.cairo_set_source(cr, pattern)
    cairo.cairo_pattern_destroy(pattern)
    cairo.cairo_paint(cr)


def borrowed_data(surface):
    data = cairo.cairo_image_surface_get_data(surface)
    return data[0]


def ref_then_destroy(cr):
    cairo.cairo_reference(cr)
    cairo.cairo_destroy(cr)


def version():
    return ffi.string(cairo.cairo_version_string())
