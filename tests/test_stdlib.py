"""The whole standard library of the running interpreter: every file analysed or reported, no crash."""

import sysconfig

import pytest

from ownlint.contracts import packs
from ownlint.run import config, discovery, engine

pytestmark = pytest.mark.slow


def test_standard_library_is_linted_without_a_crash():
    stdlib = sysconfig.get_paths()["stdlib"]
    settings = config.build(None, extend_exclude=["site-packages"])
    contracts = packs.load_contracts(settings.packs)
    files = [item for item in discovery.discover([stdlib], settings) if isinstance(item, discovery.Target)]
    result = engine.lint([stdlib], settings, contracts, jobs=2)
    assert result.files == len(files) > 500
    broken = [e for e in result.errors if "internal error" in e.message or "crashed" in e.message]
    assert broken == []
    # Correct code, ownlint's own concern: the standard library's ctypes users are clean.
    assert [f for f in result.findings if f.code != "OWN901"] == []
    print(f"standard library: {result.files} files, {len(result.errors)} unreadable, "
          f"{sum(f.code == 'OWN901' for f in result.findings)} unparsable (OWN901), 0 crashes")
