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
        returns = "owned"  # inferred: the name creates a Stack
        family = "stack"
        may_fail = "null"

        [functions.stack_destroy]
        releases = 0  # inferred: the name destroys a Stack
        family = "stack"

        [functions.stack_push]

        [functions.stack_name]

        [functions.queue_new]
        returns = "owned"  # inferred: the name creates a Queue
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
    assert err == ("ownlint: error: plain.py: no `ffi.cdef(\"...\")` declarations found; "
                   "`infer` reads cffi cdef strings\n")


def test_infer_with_unparsable_declarations(tmp_path):
    (tmp_path / "bad.py").write_text('from cffi import FFI\nffi = FFI()\nffi.cdef("int f(;")\n')
    code, _, err = run("infer", "bad.py", cwd=tmp_path)
    assert code == 2
    assert err.startswith("ownlint: error: bad.py: cannot parse the C declarations of `ffi.cdef`: ")
