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
