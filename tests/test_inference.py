"""Lint-time inference from the project's own cdef declarations (SPEC §3 "Inference")."""

import json
import os
import textwrap

from ownlint.contracts import cdecls

from .clirun import run
from .expectations import ROOT

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "inferred.py")


def findings(*argv, cwd=None):
    code, out, err = run("--format", "json", *argv, cwd=cwd)
    assert code in (0, 1), err
    return json.loads(out)


def test_a_finding_on_an_inferred_contract_says_so_and_points_at_the_declaration():
    [leak] = [f for f in findings(FIXTURE) if f["code"] == "OWN201"]
    assert leak["message"] == "`w` acquired by `lib.widget_new` is never released (inferred contract)"
    related = leak["related"][-1]
    assert (related["line"], related["column"]) == (12, 13)
    assert related["message"] == ("the contract is inferred: `widget_new` creates a `widget *`, by its name "
                                  "and this declaration (a rule pack entry overrides it)")


def test_a_pack_entry_replaces_the_guess(tmp_path):
    pack = tmp_path / "widget.toml"
    pack.write_text(textwrap.dedent('''\
        [pack]
        name = "widget"

        [library]
        kind = "ffi-library"

        [functions.widget_new]
        returns = "static"
        '''))
    codes = {(f["line"], f["code"]) for f in findings("--pack", str(pack), FIXTURE)}
    assert (26, "OWN201") not in codes and (33, "OWN102") not in codes
    assert (32, "OWN103") in codes  # widget_free is still inferred, and frees what the pack says is static


def test_the_cdef_of_a_build_script_reaches_the_modules_that_use_its_library(tmp_path):
    package = tmp_path / "widgets"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_build.py").write_text(textwrap.dedent('''\
        from cffi import FFI

        ffibuilder = FFI()
        ffibuilder.cdef("""
            typedef struct widget widget;
            widget *widget_new(const char *name);
            void widget_free(widget *w);
        """)
        ffibuilder.set_source("widgets._widget_cffi", '#include "widget.h"', libraries=["widget"])
        '''))
    (package / "api.py").write_text(textwrap.dedent('''\
        from ._widget_cffi import ffi, lib


        def twice(name):
            w = lib.widget_new(name)
            lib.widget_free(w)
            lib.widget_free(w)
        '''))
    [double] = findings(".", cwd=tmp_path)
    assert (double["path"], double["line"], double["code"]) == ("widgets/api.py", 7, "OWN102")
    assert double["message"].endswith("(inferred contract)")
    assert (double["related"][-1]["path"], double["related"][-1]["line"]) == ("widgets/_build.py", 7)


def test_declarations_pycparser_cannot_read_infer_nothing(tmp_path):
    source = tmp_path / "odd.py"
    source.write_text(textwrap.dedent('''\
        from cffi import FFI
        ffi = FFI()
        ffi.cdef("widget *widget_new(void); void widget_free(widget *w); #define X ...")
        lib = ffi.dlopen("libwidget.so")

        def leak():
            w = lib.widget_new()
        '''))
    assert findings(str(source)) == []


def test_only_families_with_a_creator_and_a_destroyer_and_no_reference_count():
    declared = cdecls.functions('''
        typedef struct a a; typedef struct b b; typedef struct c c;
        a *a_new(void); void a_free(a *x);
        b *b_create(void);
        c *c_new(void); c *c_ref(c *x); void c_unref(c *x);
    ''')
    guesses = cdecls.inferred(declared)
    assert {(n, g.family, g.releases) for n, g in guesses.items()} == {("a_new", "a", None), ("a_free", "a", 0)}


def test_cffi_syntax_and_declarations_spread_over_several_cdefs(tmp_path):
    """Comments, directives and cffi's `...` are read as cffi reads them, and a later cdef
    may use the types of an earlier one (cffi accumulates them)."""
    source = tmp_path / "sheets.py"
    source.write_text(textwrap.dedent('''\
        import cffi

        ffi = cffi.FFI()
        ffi.cdef("""
            /* an opaque type */
            typedef ... sheet;
            #define SHEET_MAX ...
            enum mode { READ, WRITE, ... };
            sheet *sheet_open(const char *path, enum mode m);  // NULL on failure
        """)
        ffi.cdef("void sheet_close(sheet *s);")
        lib = ffi.dlopen("libsheet.so")


        def read(path):
            s = lib.sheet_open(path, lib.READ)
            if s == ffi.NULL:
                raise OSError(path)
            lib.sheet_close(s)
            lib.sheet_close(s)
        '''))
    [double] = findings(str(source))
    assert (double["line"], double["code"]) == (20, "OWN102")
    assert (double["related"][-1]["line"], double["related"][-1]["column"]) == (11, 16)


def test_a_value_handed_to_an_insert_function_is_taken_over(tmp_path):
    """`list_insert(list, item)` (insert, add, append, push, take, ...) takes over an item
    of a type the cdef creates: the item is not reported as leaked after it."""
    source = tmp_path / "lists.py"
    source.write_text(textwrap.dedent('''\
        from cffi import FFI

        ffi = FFI()
        ffi.cdef("""
            typedef struct list list;
            typedef struct item item;
            list *list_new(void);
            void list_free(list *l);
            item *item_new(int value);
            void item_free(item *i);
            void list_insert(list *l, item *i);
        """)
        lib = ffi.dlopen("liblist.so")


        def build():
            l = lib.list_new()
            kept = lib.item_new(1)
            lib.list_insert(l, kept)
            lost = lib.item_new(2)
            lib.list_free(l)
        '''))
    assert [(f["line"], f["code"]) for f in findings(str(source))] == [(20, "OWN201")]
    declared = cdecls.functions("typedef struct l l; typedef struct i i; l *l_new(void); void l_free(l *x);"
                                "i *i_new(void); void i_free(i *x); void l_append(l *x, i *y, int n);")
    assert cdecls.inferred(declared)["l_append"].takes == (1,)


def test_creators_pair_with_the_counterpart_their_verb_names():
    """`cpSpaceNew`/`cpSpaceFree` is a pair and `cpSpaceDestroy` (which undoes `cpSpaceInit`)
    is not in it; `NewFoo`/`DestroyFoo`, `*_open`/`*_close`, `*_alloc`/`*_free`,
    `*_new_from_file`/`*_free`; a creator without its counterpart, or of a type that counts
    references, is not guessed."""
    declared = cdecls.functions("""
        typedef struct cpSpace cpSpace; typedef struct Foo Foo; typedef struct fh fh;
        typedef struct buf buf; typedef struct img img; typedef struct obj obj; typedef struct lone lone;
        cpSpace *cpSpaceAlloc(void); cpSpace *cpSpaceInit(cpSpace *s); cpSpace *cpSpaceNew(void);
        void cpSpaceDestroy(cpSpace *s); void cpSpaceFree(cpSpace *s);
        Foo *NewFoo(int n); void DestroyFoo(Foo *f);
        fh *fh_open(const char *path); int fh_close(fh *f);
        buf *buf_alloc(size_t n); void buf_free(buf *b);
        img *img_new_from_file(const char *path); void img_free(img *i);
        obj *obj_new(void); obj *obj_ref(obj *o); void obj_unref(obj *o);
        lone *lone_create(void); void lone_close(lone *l);
    """)
    guesses = cdecls.inferred(declared)
    assert {name: (g.family, g.releases) for name, g in guesses.items()} == {
        "cpSpaceAlloc": ("cpspace", None), "cpSpaceNew": ("cpspace", None), "cpSpaceFree": ("cpspace", 0),
        "NewFoo": ("foo", None), "DestroyFoo": ("foo", 0),
        "fh_open": ("fh", None), "fh_close": ("fh", 0),
        "buf_alloc": ("buf", None), "buf_free": ("buf", 0),
        "img_new_from_file": ("img", None), "img_free": ("img", 0),
    }
    assert cdecls.pairs(declared)["cpSpaceNew"].counterpart == "cpSpaceFree"
    assert "cpSpaceDestroy" not in cdecls.pairs(declared)


def test_a_bare_verb_names_no_type():
    """Wand declares `CloneImages` and libc's `free` as `c_void_p` prototypes: `free` is
    not the counterpart of every `void *` creator (a false leak on `DestroyImage`'s value)."""
    declared = [cdecls.Function("CloneImages", "void", ("void",)), cdecls.Function("free", "", ("void",)),
                cdecls.Function("DestroyImage", "void", ("void",))]
    assert cdecls.pairs(declared) == {}
