"""HarfBuzz and hb-subset through cffi (ffi.dlopen of the sonames)."""

from cffi import FFI

ffi = FFI()
ffi.cdef("typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;")
harfbuzz = ffi.dlopen("libharfbuzz.so.0")
harfbuzz_subset = ffi.dlopen("libharfbuzz-subset.so.0")


# ---- invalid --------------------------------------------------------------------

def subset_leaks(face):
    hb_input = harfbuzz_subset.hb_subset_input_create_or_fail()  # expect: OWN201:16
    if hb_input == ffi.NULL:
        return None
    subset = harfbuzz_subset.hb_subset_or_fail(face, hb_input)  # expect: OWN201:14
    if subset == ffi.NULL:
        return None
    return harfbuzz.hb_face_get_glyph_count(subset)


def destroy_borrowed_face(font):
    face = harfbuzz.hb_font_get_face(font)
    harfbuzz.hb_face_destroy(face)  # expect: OWN103:5


def blob_as_face(face):
    blob = harfbuzz.hb_face_reference_blob(face)
    harfbuzz.hb_face_destroy(blob)  # expect: OWN104:5


def buffer_after_destroy():
    buffer = harfbuzz.hb_buffer_create()
    harfbuzz.hb_buffer_destroy(buffer)
    harfbuzz.hb_buffer_add_utf8(buffer, b"x", 1, 0, 1)  # expect: OWN101:33


# ---- valid ----------------------------------------------------------------------

def subset(face):
    hb_input = harfbuzz_subset.hb_subset_input_create_or_fail()
    if hb_input == ffi.NULL:
        return None
    try:
        glyphs = harfbuzz_subset.hb_subset_input_glyph_set(hb_input)
        harfbuzz.hb_set_add(glyphs, 0)
        subset = harfbuzz_subset.hb_subset_or_fail(face, hb_input)
        if subset == ffi.NULL:
            return None
        subset = ffi.gc(subset, harfbuzz.hb_face_destroy)
        return subset
    finally:
        harfbuzz_subset.hb_subset_input_destroy(hb_input)


def face_data(face):
    blob = ffi.gc(harfbuzz.hb_face_reference_blob(face), harfbuzz.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    data = harfbuzz.hb_blob_get_data(blob, length)
    return ffi.unpack(data, length[0])


def keep_face(font):
    face = harfbuzz.hb_font_get_face(font)
    return ffi.gc(harfbuzz.hb_face_reference(face), harfbuzz.hb_face_destroy)


def font_for(blob):
    face = harfbuzz.hb_face_create(blob, 0)
    font = harfbuzz.hb_font_create(face)
    harfbuzz.hb_face_destroy(face)
    return ffi.gc(font, harfbuzz.hb_font_destroy)
