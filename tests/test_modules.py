"""What crosses modules: each file sees the modules Python would import for it, whatever
else the run lints, and a warm run (the cache, the scan index) gives the cold run's answer."""

import json
import textwrap

from .clirun import run
from .expectations import STACK_PACK

WRAPPER = textwrap.dedent(
    """\
    import ctypes

    lib = ctypes.CDLL("libstack.so")
    lib.stack_create.restype = lib.stack_global.restype = ctypes.c_void_p


    def make():
        return lib.stack_create(4)
    """
)
CALLER = textwrap.dedent(
    """\
    from helpers import make


    def forgotten():
        s = make()
        print(s)
    """
)
LEAK = "`s` (acquired by `make`) is never released"


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def findings(root, *args):
    code, out, err = run("--pack", str(STACK_PACK), "--format", "json", *args, cwd=root)
    assert err == ""
    return code, [(f["path"], f["line"], f["code"]) for f in json.loads(out)]


def test_skip_file_drops_the_modules_findings_not_its_exports(tmp_path):
    write(tmp_path, {
        "helpers.py": "# ownlint: skip-file\n" + WRAPPER + "\n\ndef leaky():\n    s = lib.stack_create(1)\n",
        "app.py": CALLER,
    })
    for extra in (("--no-cache",), (), ()):  # cold, then filling and reading the cache
        assert findings(tmp_path, *extra, ".") == (1, [("app.py", 5, "OWN201")])
        assert findings(tmp_path, *extra, "helpers.py") == (0, [])


def test_same_named_top_level_modules_in_two_folders_are_two_modules(tmp_path):
    """`a/helpers.py` makes what it returns; `b/helpers.py` does not: `b/app.py` imports
    its own folder's `helpers`, as Python would run it, whatever else is linted."""
    write(tmp_path, {
        "a/helpers.py": WRAPPER,
        "a/app.py": CALLER,
        "b/helpers.py": WRAPPER.replace("return lib.stack_create(4)", "return lib.stack_global()"),
        "b/app.py": CALLER,
        "c/app.py": CALLER,  # both are importable from c (sys.path decides): neither is assumed
        "d/helpers.py": "def make():\n    return object()\n",
        "d/app.py": CALLER,
        "e/app.py": CALLER.replace("from helpers", "from lone"),
        "f/lone.py": WRAPPER,
    })
    expected = [("a/app.py", 5, "OWN201"), ("e/app.py", 5, "OWN201")]
    for extra in (("--no-cache",), (), ()):
        assert findings(tmp_path, *extra, ".") == (1, expected)
        assert findings(tmp_path, *extra, "b", "a") == (1, [("a/app.py", 5, "OWN201")])
        assert findings(tmp_path, *extra, "b") == (0, [])
        assert findings(tmp_path, *extra, "d", "a") == (1, [("a/app.py", 5, "OWN201")])


def test_the_project_root_comes_before_other_folders(tmp_path):
    """Run from the project root (where `python -m` and pytest put it on sys.path), a
    module there wins over a same-named one in a folder that is not the importer's."""
    write(tmp_path, {
        "helpers.py": WRAPPER,
        "tools/helpers.py": "def make():\n    return object()\n",
        "tests/test_app.py": CALLER,
    })
    for extra in (("--no-cache",), (), ()):
        assert findings(tmp_path, *extra, ".") == (1, [("tests/test_app.py", 5, "OWN201")])


def test_the_dotted_module_name_is_part_of_the_cache_key(tmp_path):
    """`from ..core import make` means something only inside a package: adding
    `pkg/__init__.py` makes `mod.py` `pkg.sub.mod` (`sub/` is then a namespace
    subpackage, PEP 420), and its leak appears."""
    write(tmp_path, {
        "pkg/core.py": WRAPPER,
        "pkg/sub/mod.py": CALLER.replace("from helpers import", "from ..core import"),
    })
    assert findings(tmp_path, ".") == (0, [])
    (tmp_path / "pkg" / "__init__.py").write_text("")
    assert findings(tmp_path, ".") == (1, [("pkg/sub/mod.py", 5, "OWN201")])
    assert findings(tmp_path, "--no-cache", ".") == (1, [("pkg/sub/mod.py", 5, "OWN201")])
    (tmp_path / "pkg" / "__init__.py").unlink()
    assert findings(tmp_path, ".") == (0, [])