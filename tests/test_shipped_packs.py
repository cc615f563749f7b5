"""Every shipped pack of a C library: it loads, says how its library is recognised and
where its contracts come from, and its fixture (tests/packs/<pack>.py, linted with no
configuration at all) reports exactly what the fixture's comments expect."""

import glob
import os

import pytest

from ownlint import catalog
from ownlint.contracts import packs, tomlsource

from .expectations import ROOT, actual, expected

DEFAULT = [code for code, rule in catalog.RULES.items() if rule.default]
LIBRARY_PACKS = packs.shipped_library_packs()
FIXTURES = sorted(glob.glob(os.path.join(ROOT, "tests", "packs", "*.py")))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: os.path.basename(p))
def test_pack_fixture_with_no_configuration(path):
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    assert actual(path, extra_packs=(), select=DEFAULT) == expected(source)


@pytest.mark.parametrize("name", LIBRARY_PACKS)
def test_library_pack_is_recognisable_documented_and_tested(name):
    path = os.path.join(packs.shipped_pack_dir(), f"{name}.toml")
    pack = packs.parse_pack(tomlsource.load(path))
    library = pack.library
    assert library.paths or library.modules or library.prefixes, "say how the library is recognised"
    data = tomlsource.load(path).data
    assert data["pack"].get("doc"), "[pack] doc: the library's documentation the pack was written from"
    undocumented = [f for f, table in data.get("functions", {}).items() if not table.get("doc")]
    assert not undocumented, f"cite the page each entry was written from (`doc`): {undocumented[:5]}"
    assert os.path.isfile(os.path.join(ROOT, "tests", "packs", f"{name}.py")), "add tests/packs/<pack>.py"
