"""OWN103, OWN104 and OWN106: releasing what the program does not own, or with the wrong function."""

from cffi import FFI

ffi = FFI()
ffi.cdef("""
    typedef struct Stack Stack;
    Stack *stack_create(int capacity);
    void stack_destroy(Stack *stack);
    const char *stack_name(const Stack *stack);
    const char *stack_version(void);
    Stack *stack_global(void);
    char *stack_to_string(const Stack *stack);
    void stack_string_free(char *s);
    void free(void *ptr);
""")
lib = ffi.dlopen("libstack_c.so")
libc = ffi.dlopen(None)


def label(capacity):
    s = lib.stack_create(capacity)
    name = lib.stack_name(s)
    lib.stack_destroy(s)
    return ffi.string(name)  # expect: OWN106:23


def reset_global():
    lib.stack_destroy(lib.stack_global())  # expect: OWN103:5


def version():
    v = lib.stack_version()
    text = ffi.string(v)
    libc.free(v)  # expect: OWN103:5
    return text


def dump(s):
    text = lib.stack_to_string(s)
    if text == ffi.NULL:
        return None
    result = ffi.string(text)
    libc.free(text)  # expect: OWN104:5
    return result
