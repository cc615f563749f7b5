"""libcurl through a compiled cffi module, as curl_cffi binds it (`from ._wrapper import ffi, lib`)."""

from ._curl_cffi import ffi, lib


# --- INVALID ---------------------------------------------------------------------------


def easy_leaks(url):
    curl = lib.curl_easy_init()  # expect: OWN201:12
    if curl == ffi.NULL:
        raise MemoryError
    return lib.curl_easy_perform(curl)


def used_after_cleanup():
    curl = lib.curl_easy_init()
    lib.curl_easy_cleanup(curl)
    return lib.curl_easy_perform(curl)  # expect: OWN101:34


def escaped_leaks(curl, text):
    escaped = lib.curl_easy_escape(curl, text, len(text))  # expect: OWN201:15
    return ffi.string(escaped)


def escaped_freed_as_handle(curl, text):
    escaped = lib.curl_easy_escape(curl, text, len(text))
    lib.curl_easy_cleanup(escaped)  # expect: OWN104:5


def version_freed():
    lib.curl_free(lib.curl_version())  # expect: OWN103:5


def url_part_leaks(url):
    part = ffi.new("char **")
    if lib.curl_url_get(url, 5, part, 0) != 0:  # expect: OWN201:8
        return None
    return ffi.string(part[0])


def duplicate_cleaned_twice(curl):
    copy = lib.curl_easy_duphandle(curl)
    if copy == ffi.NULL:
        return
    lib.curl_easy_cleanup(copy)
    lib.curl_easy_cleanup(copy)  # expect: OWN102:5


# --- VALID -----------------------------------------------------------------------------


def fetch(url):
    curl = lib.curl_easy_init()
    if curl == ffi.NULL:
        raise MemoryError
    try:
        return lib.curl_easy_perform(curl)
    finally:
        lib.curl_easy_cleanup(curl)


def escape(curl, text):
    escaped = lib.curl_easy_escape(curl, text, len(text))
    if escaped == ffi.NULL:
        return None
    try:
        return ffi.string(escaped)
    finally:
        lib.curl_free(escaped)


def url_part(url):
    part = ffi.new("char **")
    if lib.curl_url_get(url, 5, part, 0) != 0:
        return None
    value = ffi.string(part[0])
    lib.curl_free(part[0])
    return value


class Curl:
    def __init__(self):
        self._curl = ffi.gc(lib.curl_easy_init(), lib.curl_easy_cleanup)

    def perform(self):
        return lib.curl_easy_perform(self._curl)


class Multi:
    def __init__(self):
        self._multi = lib.curl_multi_init()

    def add(self, curl):
        return lib.curl_multi_add_handle(self._multi, curl)

    def close(self):
        if self._multi is not None:
            lib.curl_multi_cleanup(self._multi)
            self._multi = None


def version():
    return ffi.string(lib.curl_version())


def attach_subparts(curl, part):
    sub = lib.curl_mime_init(curl)
    if lib.curl_mime_subparts(part, sub) != 0:
        lib.curl_mime_free(sub)  # not taken on failure
        return None
    return part
