"""`ownlint libraries`, `ownlint packs` and the summary line: what ownlint says it knows of the C side."""

import json
import textwrap

import pytest

from .clirun import run

BINDING = textwrap.dedent(
    '''\
    import ctypes
    from ctypes.util import find_library

    _foo = ctypes.CDLL(find_library("foo"))
    _foo.foo_new.restype = ctypes.c_void_p
    libc = ctypes.CDLL(find_library("c"))


    def use():
        h = _foo.foo_new()
        _foo.foo_run(h)
        _foo.foo_run(h)
        _foo.foo_free(h)
        libc.free(None)
    '''
)

PACK = textwrap.dedent(
    '''\
    [pack]
    name = "mylib"

    [library]
    paths = ["mylib"]

    [functions.mylib_open]
    returns = "owned"
    '''
)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "binding.py").write_text(BINDING)
    return tmp_path


def test_libraries_json_lists_every_library_function_and_contract(project):
    code, out, err = run("libraries", "--no-cache", "--format", "json", ".", cwd=project)
    assert (code, err) == (0, "")
    assert json.loads(out) == {"libraries": [
        {"name": "c", "kind": "ctypes", "loaded_at": [{"path": "binding.py", "line": 6}], "packs": ["libc"],
         "functions": [{"name": "free", "calls": 1, "contract": "libc", "pattern": None}]},
        {"name": "foo", "kind": "ctypes", "loaded_at": [{"path": "binding.py", "line": 4}], "packs": [],
         "functions": [{"name": "foo_free", "calls": 1, "contract": None, "pattern": None},
                       {"name": "foo_new", "calls": 1, "contract": None, "pattern": None},
                       {"name": "foo_run", "calls": 2, "contract": None, "pattern": None}]},
    ]}


def test_libraries_text(project):
    code, out, _ = run("libraries", "--no-cache", ".", cwd=project)
    assert code == 0
    assert out == textwrap.dedent(
        """\
        c (ctypes): loaded at binding.py:6; packs: libc
          free     1 call   libc

        foo (ctypes): loaded at binding.py:4; packs: none
          foo_free     1 call   -  (no contract: arguments are only used)
          foo_new      1 call   -  (no contract: arguments are only used)
          foo_run      2 calls  -  (no contract: arguments are only used)

        2 C libraries, 4 C functions called, 1 with a contract.
        """
    )


def test_libraries_name_the_pattern_that_gave_a_contract(project):
    """An entry that names a function wins over a pattern; `ownlint libraries` says which
    of the two gave each function its contract."""
    (project / "foo.toml").write_text(textwrap.dedent(
        """\
        [pack]
        name = "foo"

        [families]
        foo = "foo handles"

        [functions."foo_*_free"]
        releases = 0
        family = "foo"

        [functions.foo_free]
        releases = 0
        family = "foo"

        [functions."foo_r?n"]
        """))
    (project / "more.py").write_text("from binding import _foo\n\n\ndef f(h):\n    _foo.foo_tree_free(h)\n")
    code, out, _ = run("libraries", "--no-cache", "--pack", "foo.toml", "--format", "json", ".", cwd=project)
    assert code == 0
    foo = next(library for library in json.loads(out)["libraries"] if library["name"] == "foo")
    assert foo["functions"] == [
        {"name": "foo_free", "calls": 1, "contract": "foo", "pattern": None},
        {"name": "foo_new", "calls": 1, "contract": None, "pattern": None},
        {"name": "foo_run", "calls": 2, "contract": "foo", "pattern": "foo_r?n"},
        {"name": "foo_tree_free", "calls": 1, "contract": "foo", "pattern": "foo_*_free"},
    ]
    code, out, _ = run("libraries", "--no-cache", "--pack", "foo.toml", ".", cwd=project)
    assert "  foo_run           2 calls  foo (pattern foo_r?n)\n" in out
    assert "  foo_free          1 call   foo\n" in out


def test_summary_names_what_has_no_pack_and_an_unmatched_pack(project):
    (project / "mylib.toml").write_text(PACK)
    code, out, _ = run("--no-cache", "--pack", "mylib.toml", ".", cwd=project)
    assert (code, out) == (0, "All checks passed (1 file checked; contracts for 1 of 4 C functions called; "
                              "no pack for foo (see 'ownlint libraries'); pack mylib.toml matched no call).\n")
    code, out, _ = run("--no-cache", "-q", ".", cwd=project)
    assert (code, out) == (0, "")


def test_sarif_carries_the_counts(project):
    code, out, _ = run("--no-cache", "--format", "sarif", ".", cwd=project)
    assert json.loads(out)["runs"][0]["properties"] == {"ownlint": {
        "cFunctionsCalled": 4, "cFunctionsWithContracts": 1, "librariesWithoutPack": ["foo"], "unmatchedPacks": []}}


def test_packs_lists_the_shipped_packs():
    code, out, _ = run("packs", "--format", "json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)["packs"]}
    assert rows["libc"]["default"] is True and rows["libc"]["functions"] > 30
    assert all(row["paths"] or row["modules"] or row["prefixes"] for row in rows.values() if not row["default"])
    code, out, _ = run("packs")
    assert out.startswith(min(rows))  # sorted by name
    assert "always active" in out


def test_a_library_pack_with_a_bad_regex_names_file_line_and_key(tmp_path):
    (tmp_path / "bad.toml").write_text('[pack]\nname = "bad"\n\n[library]\nmodules = ["(unclosed"]\n')
    (tmp_path / "x.py").write_text("import ctypes\n")
    code, _, err = run("--no-cache", "--pack", "bad.toml", "x.py", cwd=tmp_path)
    assert code == 2
    assert err == (f"ownlint: error: {tmp_path / 'bad.toml'}:5: `library.modules`: invalid regular expression "
                   "'(unclosed': missing ), unterminated subpattern at position 0\n")


def test_a_library_loaded_from_a_computed_path_is_named_by_the_argument_as_written(tmp_path):
    (tmp_path / "binding.py").write_text(textwrap.dedent(
        '''\
        import ctypes
        from .paths import candidates

        lib = ctypes.CDLL(candidates()[0])
        lib.foo_run(1)
        '''
    ))
    code, out, err = run("libraries", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert code == 0, err
    assert [row["name"] for row in json.loads(out)["libraries"]] == ["candidates()[0]"]


UNREAD = textwrap.dedent(
    '''\
    from cffi import FFI

    ffi = FFI()
    ffi.cdef("""
        typedef struct w w;
        w *w_new(void);
        void w_free(w *x);
    """)
    ffi.cdef("""
        int ok(void);
        int broken(;
    """)
    lib = ffi.dlopen("libw.so")


    def leaked():
        x = lib.w_new()
    '''
)


def test_libraries_says_where_an_inferred_contract_comes_from_and_which_cdef_it_could_not_read(tmp_path):
    (tmp_path / "b.py").write_text(UNREAD)
    code, out, err = run("libraries", "b.py", cwd=tmp_path)
    assert (code, err) == (0, "")
    assert out == textwrap.dedent(
        '''\
        not read: b.py:11: a cdef that cannot be parsed (before: ;); nothing is inferred from it

        libw.so (cffi): loaded at b.py:13; packs: none
          w_new     1 call   inferred from cdef

        1 C library, 1 C function called, 1 with a contract.
        '''
    )
    code, out, err = run("libraries", "--format", "json", "b.py", cwd=tmp_path)
    unread = [entry["unread"] for entry in json.loads(out)["libraries"] if "unread" in entry]
    assert unread == [[{"path": "b.py", "line": 11, "error": "before: ;"}]]


def test_sarif_marks_findings_on_inferred_contracts(tmp_path):
    (tmp_path / "b.py").write_text(UNREAD)
    code, out, err = run("--format", "sarif", "b.py", cwd=tmp_path)
    results = json.loads(out)["runs"][0]["results"]
    assert code == 1
    assert [(r["ruleId"], r.get("properties")) for r in results] == [("OWN201", {"inferredContract": True})]


def test_a_configured_header_that_cannot_be_parsed_names_its_line(tmp_path):
    (tmp_path / "ownlint.toml").write_text('headers = ["inc/bad.h"]\n')
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "bad.h").write_text("/* x */\nint ok(void);\nint broken(int;\n")
    (tmp_path / "a.py").write_text("import ctypes\nlib = ctypes.CDLL('x')\nlib.ok()\n")
    code, out, err = run("a.py", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith(f"ownlint: error: {tmp_path / 'inc' / 'bad.h'}:3: cannot parse the C header: ")


def test_libusb_0_1_is_not_taken_for_libusb_1_0(tmp_path):
    """pyusb loads libusb-0.1 (`libusb0`, libusb-win32's DLL) beside libusb-1.0: another
    API, which the libusb pack does not describe."""
    (tmp_path / "backends.py").write_text(textwrap.dedent(
        '''\
        import ctypes
        from ctypes.util import find_library

        legacy = ctypes.CDLL(find_library("libusb0"))
        legacy.usb_init()
        old = ctypes.CDLL("libusb-0.1.so.4")
        old.usb_init()
        current = ctypes.CDLL(find_library("usb-1.0"))
        current.libusb_exit(None)
        windows = ctypes.CDLL("libusb-1.0.dll")
        windows.libusb_exit(None)
        '''
    ))
    code, out, err = run("libraries", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert code == 0, err
    assert {row["name"]: row["packs"] for row in json.loads(out)["libraries"]} == {
        "libusb0": [], "libusb-0.1.so.4": [], "usb-1.0": ["libusb"], "libusb-1.0.dll": ["libusb"]}
