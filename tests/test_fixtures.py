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
