"""Fixture programs (tests/fixtures and the shipped examples) report exactly what their comments expect."""

import glob
import os

import pytest

from ownlint import catalog

from .expectations import ROOT, actual, expected

DEFAULT = [code for code, rule in catalog.RULES.items() if rule.default]

FILES = sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "*.py"))) + sorted(
    glob.glob(os.path.join(ROOT, "examples", "stack", "*.py"))
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: os.path.relpath(p, ROOT))
def test_fixture(path):
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    assert actual(path, select=DEFAULT) == expected(source)


def test_package_fixture():
    """Wrappers across modules: `app.py` never mentions ctypes or cffi, yet what the
    package's functions acquire and release is followed into it."""
    package = os.path.join(ROOT, "tests", "fixtures", "package")
    assert actual(package, select=DEFAULT, relative_to=package) == _expected_in(package)


def _expected_in(package: str) -> set:
    wanted = set()
    for folder, _dirs, names in os.walk(package):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    wanted |= {(os.path.relpath(path, package), *item) for item in expected(handle.read())}
    return wanted


def test_wand_style_package():
    """Wand 0.6: `library = libraries[0]` out of the tuple a loader function returns, and
    `restype = c_char_p` declared on a parameter in another module, reported at the call."""
    package = os.path.join(ROOT, "tests", "fixtures", "wandlike")
    pack = os.path.join(ROOT, "examples", "magickwand", "magickwand.toml")
    assert actual(package, extra_packs=(pack,), select=DEFAULT, relative_to=package) == _expected_in(package)


def test_magickwand_example():
    """OWN502 on a Wand-style getter declared `restype = c_char_p`, with its own pack."""
    path = os.path.join(ROOT, "examples", "magickwand", "image.py")
    pack = os.path.join(ROOT, "examples", "magickwand", "magickwand.toml")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    assert actual(path, extra_packs=(pack,), select=DEFAULT) == expected(source)


def test_strict_unchecked_null_in_acquisition_fixture():
    """OWN503 (strict): an unchecked malloc passed to memset; not a cast, nor a result
    whose errcheck raises on NULL."""
    path = os.path.join(ROOT, "tests", "fixtures", "acquisition.py")
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    unchecked = lines.index("    ctypes.memset(p, 0, n)") + 1
    assert actual(path, select=["OWN503"]) == {(unchecked, 19, "OWN503")}


def test_library_objects_across_modules():
    """Issue 13: libraries reached through imported loaders, module and object attributes,
    cryptography-style Binding classes, compiled cffi modules in every import form, bound
    functions star-imported, and Shapely-style wrapper instances."""
    package = os.path.join(ROOT, "tests", "fixtures", "recognition")
    assert actual(package, select=DEFAULT, relative_to=package) == _expected_in(package)


def test_status_checks_written_as_comparisons():
    """`success = ">= 0"` or `["== 1"]` in a pack, and `rc < 0`, `<= -1`, `!= 1` in the code."""
    folder = os.path.join(ROOT, "tests", "fixtures", "status")
    path = os.path.join(folder, "program.py")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    assert actual(path, extra_packs=(os.path.join(folder, "status.toml"),), select=DEFAULT) == expected(source)


def test_header_fixture():
    """A C header named in the configuration (`headers = ["include/gizmo.h"]`, relative to
    the configuration file) gives contracts to the calls of a library with no pack."""
    from ownlint.contracts import packs
    from ownlint.run import config, engine

    folder = os.path.join(ROOT, "tests", "fixtures", "headers")
    settings = config.build(os.path.join(folder, "ownlint.toml"), select=DEFAULT)
    result = engine.lint([folder], settings, packs.load_contracts(settings.packs))
    assert not result.errors, result.errors
    found = {(os.path.relpath(f.path, folder), f.span.line, f.span.col1, f.code) for f in result.findings}
    assert found == _expected_in(folder)
    assert all(f.message.endswith("(inferred contract)") for f in result.findings)
    declared = {(os.path.abspath(r.path), r.span.line) for f in result.findings for r in f.related
                if r.message.startswith("the contract is inferred")}
    header = os.path.join(folder, "include", "gizmo.h")
    assert declared == {(header, 20), (header, 23), (header, 24)}


def test_assertion_helpers_and_comparison_forms():
    """`_check(rc >= 0)`, `ensure(p)` imported from another module, `_openssl_assert(p !=
    ffi.NULL)`: a project function that raises unless its argument holds is a check; and
    each comparison form (`<`, `<=`, `>`, `>=`, `==`, `!=`, `< 1`, `== -1`, `not p`,
    `p == ffi.NULL`, `p is None`) refines by the pack's success condition. OWN503 shows
    what a check proves."""
    folder = os.path.join(ROOT, "tests", "fixtures", "asserts")
    found = actual(folder, extra_packs=(os.path.join(folder, "asserts.toml"),), select=DEFAULT + ["OWN503"],
                   relative_to=folder)
    assert found == _expected_in(folder)
