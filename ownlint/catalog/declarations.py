"""Rules OWN5xx: what ctypes declarations say about ownership."""

from ..types import Rule

OWN502 = Rule(
    code="OWN502",
    severity="warning",
    name="owned-string-as-char-p",
    summary="An owned `char *` result is declared `restype = c_char_p`, so the pointer needed to free it is lost.",
    fix="Declare `restype = c_void_p`, copy the text with `ctypes.string_at`, then release the pointer.",
    what=(
        "Reports `lib.f.restype = c_char_p` (or `c_wchar_p`) for a function whose contract "
        "says it returns a newly allocated string the caller must release."
    ),
    why=(
        "With `restype = c_char_p`, ctypes copies the C string into a Python `bytes` object "
        "and discards the pointer. The program can no longer release the string, so every "
        "call leaks it. MagickWand, libgit2 and GLib getters that return `char *` are "
        "typical victims."
    ),
    known_problems=(
        "Only declarations on library objects created in the same module are read, and the "
        "function needs a contract (`returns = \"owned\"`) in a rule pack."
    ),
    example=(
        "library.MagickGetImageSignature.restype = ctypes.c_char_p  # OWN502\n"
        "signature = library.MagickGetImageSignature(wand)"
    ),
    use_instead=(
        "library.MagickGetImageSignature.restype = ctypes.c_void_p\n"
        "pointer = library.MagickGetImageSignature(wand)\n"
        "signature = ctypes.string_at(pointer)\n"
        "library.MagickRelinquishMemory(pointer)"
    ),
    invalid=(
        '''import ctypes

libc = ctypes.CDLL(None)
libc.strdup.restype = ctypes.c_char_p  # expect: OWN502:23


def copy(text):
    return libc.strdup(text)
''',
    ),
    valid=(
        '''import ctypes

libc = ctypes.CDLL(None)
libc.strdup.restype = ctypes.c_void_p
libc.getenv.restype = ctypes.c_char_p  # static storage: c_char_p is right


def copy(text):
    pointer = libc.strdup(text)
    try:
        return ctypes.string_at(pointer)
    finally:
        libc.free(pointer)
''',
    ),
    references=(
        "https://docs.python.org/3/library/ctypes.html#return-types",
        "https://docs.python.org/3/library/ctypes.html#ctypes.string_at",
    ),
)

RULES = (OWN502,)
