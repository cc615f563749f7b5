"""libvips through cffi, loaded as pyvips does in ABI mode (sonames in variables)."""

from cffi import FFI

ffi = FFI()
ffi.cdef("typedef struct _VipsImage VipsImage;")

_vips_libname = "libvips.so.42"
_gobject_libname = "libgobject-2.0.so.0"
gobject_lib = ffi.dlopen(_gobject_libname)
vips_lib = ffi.dlopen(_vips_libname)
glib_lib = gobject_lib


# ---- invalid --------------------------------------------------------------------

def leak_image(width, height):
    image = vips_lib.vips_image_new_matrix_from_array(width, height, ffi.NULL, 0)  # expect: OWN201:13
    if image == ffi.NULL:
        raise RuntimeError("vips")
    return vips_lib.vips_image_get_width(image)


def leak_memory(image):
    size = ffi.new("size_t *")
    data = vips_lib.vips_image_write_to_memory(image, size)  # expect: OWN201:12
    if data == ffi.NULL:
        raise RuntimeError("vips")
    return size[0]


def free_error_buffer():
    text = vips_lib.vips_error_buffer()
    glib_lib.g_free(text)  # expect: OWN103:5


def unref_memory(image):
    size = ffi.new("size_t *")
    data = vips_lib.vips_image_write_to_memory(image, size)
    gobject_lib.g_object_unref(data)  # expect: OWN104:5


def operation_leak(name):
    op = vips_lib.vips_operation_new(name)  # expect: OWN201:10
    vop = vips_lib.vips_cache_operation_build(op)
    if vop == ffi.NULL:
        raise RuntimeError("vips")
    return ffi.gc(vop, gobject_lib.g_object_unref)


# ---- valid ----------------------------------------------------------------------

def write_to_memory(image):
    size = ffi.new("size_t *")
    data = vips_lib.vips_image_write_to_memory(image, size)
    if data == ffi.NULL:
        raise RuntimeError("vips")
    data = ffi.gc(data, glib_lib.g_free)
    return ffi.buffer(data, size[0])


def build(name):
    op = ffi.gc(vips_lib.vips_operation_new(name), gobject_lib.g_object_unref)
    vop = vips_lib.vips_cache_operation_build(op)
    if vop == ffi.NULL:
        vips_lib.vips_object_unref_outputs(op)
        raise RuntimeError("vips")
    return ffi.gc(vop, gobject_lib.g_object_unref)


def fields(image):
    names = []
    array = vips_lib.vips_image_get_fields(image)
    i = 0
    while array[i] != ffi.NULL:
        names.append(ffi.string(array[i]))
        glib_lib.g_free(array[i])
        i += 1
    glib_lib.g_free(array)
    return names


def blob(gvalue, value):
    memory = glib_lib.g_malloc(len(value))
    ffi.memmove(memory, value, len(value))
    vips_lib.vips_value_set_blob_free(gvalue, memory, len(value))


def error_text():
    return ffi.string(vips_lib.vips_error_buffer())
