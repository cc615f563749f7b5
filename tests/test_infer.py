"""`ownlint infer FILE`: a draft pack from cffi cdef declarations, usable as it is."""

import textwrap

from .clirun import run

BINDING = textwrap.dedent(
    '''\
    from cffi import FFI

    ffi = FFI()
    ffi.cdef("""
        typedef struct Stack Stack;
        typedef struct Queue Queue;
        Stack *stack_create(int capacity);
        void stack_destroy(Stack *stack);
        bool stack_push(Stack *stack, int value);
        const char *stack_name(const Stack *stack);
        Queue *queue_new(size_t size);
        void queue_free(Queue *queue);
        struct opts { int flags; ...; };
    """)
    lib = ffi.dlopen("libstack.so")


    def mixed_up():
        q = lib.queue_new(4)
        lib.stack_destroy(q)


    def twice():
        s = lib.stack_create(4)
        lib.stack_destroy(s)
        lib.stack_destroy(s)
    '''
)


def test_infer_prints_a_draft_pack(tmp_path):
    (tmp_path / "binding.py").write_text(BINDING)
    code, out, err = run("infer", "binding.py", cwd=tmp_path)
    assert (code, err) == (0, "")
    assert out == textwrap.dedent(
        '''\
        # Draft rule pack inferred by `ownlint infer binding.py`: review before use.
        # Ownership is guessed from function names only; see `ownlint explain` and README
        # (Writing a rule pack) for every key.

        [pack]
        name = "binding"

        [library]
        kind = "ffi-library"

        [families]
        queue = "Queue objects (inferred from the names)"
        stack = "Stack objects (inferred from the names)"

        # stack_name returns a char *: owned (and released by what?), borrowed (`returns = "borrowed"`, `owner = i`) or static? Not guessed.

        [functions.stack_create]
        returns = "owned"  # inferred: the name creates a Stack, released by stack_destroy
        family = "stack"
        may_fail = "null"

        [functions.stack_destroy]
        releases = 0  # inferred: the name destroys a Stack
        family = "stack"

        [functions.stack_push]

        [functions.stack_name]

        [functions.queue_new]
        returns = "owned"  # inferred: the name creates a Queue, released by queue_free
        family = "queue"
        may_fail = "null"

        [functions.queue_free]
        releases = 0  # inferred: the name destroys a Queue
        family = "queue"
        '''
    )


def test_the_draft_pack_finds_bugs(tmp_path):
    (tmp_path / "binding.py").write_text(BINDING)
    code, _, _ = run("infer", "binding.py", "--output-file", "binding.toml", cwd=tmp_path)
    assert code == 0
    code, out, err = run("--format", "json", "--pack", "binding.toml", "binding.py", cwd=tmp_path)
    import json

    found = [(f["line"], f["code"]) for f in json.loads(out)]
    assert (code, err) == (1, "")
    assert found == [(20, "OWN104"), (26, "OWN102")]


def test_infer_without_cdef_is_a_clear_error(tmp_path):
    (tmp_path / "plain.py").write_text("import ctypes\n")
    code, out, err = run("infer", "plain.py", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == ("ownlint: error: plain.py: no `ffi.cdef(\"...\")` declarations or ctypes prototypes "
                   "(`restype`, `argtypes`) found; `infer` reads those, or a C header\n")


def test_infer_with_unparsable_declarations(tmp_path):
    (tmp_path / "bad.py").write_text('from cffi import FFI\nffi = FFI()\nffi.cdef("int f(;")\n')
    code, _, err = run("infer", "bad.py", cwd=tmp_path)
    assert code == 2
    assert err == "ownlint: error: bad.py:3: cannot parse the C declarations of `ffi.cdef`: before: ;\n"


def test_an_error_names_the_line_of_the_python_file_not_a_prelude(tmp_path):
    (tmp_path / "bad.py").write_text('from cffi import FFI\nffi = FFI()\nffi.cdef("""\n    int ok(void);\n'
                                     '    int broken(;\n""")\n')
    code, out, err = run("infer", "bad.py", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == "ownlint: error: bad.py:5: cannot parse the C declarations of `ffi.cdef`: before: ;\n"


MULTI = textwrap.dedent(
    '''\
    from cffi import FFI

    ffibuilder = FFI()
    ffibuilder.set_source("pkg._native", None)
    ffibuilder.cdef("""
        typedef struct git_repository git_repository;
        typedef struct git_odb git_odb;
    """)
    ffibuilder.cdef("""
        int git_repository_open(git_repository **out, const char *path);
        git_odb *git_odb_new_in(git_repository *repo);
        void git_odb_free(git_odb *db);
        git_odb *git_odb_ref(git_odb *db);
        void git_odb_unref(git_odb *db);
    """)
    '''
)


def test_several_cdefs_share_their_types_and_set_source_names_the_module(tmp_path):
    (tmp_path / "build.py").write_text(MULTI)
    code, out, err = run("infer", "build.py", "--output-file", "native.toml", cwd=tmp_path)
    assert (code, err) == (0, "")
    pack = (tmp_path / "native.toml").read_text()
    assert 'name = "native"' in pack
    assert "modules = ['pkg\\._native']  # the module `ffi.set_source` names" in pack
    # reference counted: a question, not a released-once pair
    assert "# git_odb_new_in: the name creates, but its type counts references: owned, released, borrowed? " \
           "Not guessed." in pack
    assert "[functions.git_odb_new_in]\n\n" in pack
    assert '[functions.git_odb_ref]\nrefs = 0  # inferred: the name adds a reference\nreturns = "alias"\nalias_of = 0' \
        in pack
    (tmp_path / "use.py").write_text("from pkg._native import lib\n\n\ndef f(repo):\n    return lib.git_odb_new_in(repo)\n")
    code, out, err = run("--pack", "native.toml", "use.py", cwd=tmp_path)
    assert (code, err) == (0, ""), out  # the pack loads (and the caller hands the result on)


def test_a_header(tmp_path):
    (tmp_path / "foo.h").write_text(textwrap.dedent('''\
        #ifndef FOO_H
        #define FOO_H
        #include <stddef.h>
        /* a comment */
        #ifdef __cplusplus
        extern "C" {
        #endif
        typedef struct foo foo;
        FOO_API foo *foo_create(size_t n) __attribute__((malloc));
        FOO_API void foo_destroy(foo *f);
        FOO_API int foo_size(const foo *f);
        #ifdef __cplusplus
        }
        #endif
        #endif
        '''))
    code, out, err = run("infer", "foo.h", cwd=tmp_path)
    assert (code, err) == (0, "")
    assert '[functions.foo_create]\nreturns = "owned"  # inferred: the name creates a foo, released by foo_destroy' in out
    assert '[functions.foo_destroy]\nreleases = 0' in out


def test_a_malformed_header_names_its_line(tmp_path):
    (tmp_path / "bad.h").write_text("/* one */\nint ok(void);\nint broken(int;\n")
    code, out, err = run("infer", "bad.h", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith("ownlint: error: bad.h:3: cannot parse the C header: ")


def test_ctypes_prototypes(tmp_path):
    (tmp_path / "binding.py").write_text(textwrap.dedent('''\
        import ctypes
        lib = ctypes.CDLL("libx.so")
        lib.NewThing.restype = ctypes.c_void_p
        lib.DestroyThing.argtypes = [ctypes.c_void_p]
        lib.thing_name.restype = ctypes.c_char_p
        '''))
    code, out, err = run("infer", "binding.py", cwd=tmp_path)
    assert (code, err) == (0, "")
    assert '[functions.NewThing]\nreturns = "owned"  # inferred: the name creates a void, released by DestroyThing\n' \
           'family = "thing"' in out
    assert '[functions.DestroyThing]\nreleases = 0  # inferred: the name destroys a void\nfamily = "thing"' in out
