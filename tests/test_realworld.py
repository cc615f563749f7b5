"""End-to-end precision on released, known-clean bindings (shared/realworld/clean.tsv).

Downloads sdists, so it is marked `network` and left out of the default run:
`python -m pytest -m network`.
"""

import csv
import json
import os
import subprocess
import sys

import pytest

from .expectations import ROOT
from .test_cli import run

REALWORLD = os.path.join(os.path.dirname(ROOT), "shared", "realworld")

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(not os.path.isdir(REALWORLD), reason="shared/realworld is not beside the project"),
]


def clean_releases():
    if not os.path.isdir(REALWORLD):
        return []
    with open(os.path.join(REALWORLD, "clean.tsv"), newline="") as handle:
        return [(row["package"], row["version"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.parametrize("package,version", clean_releases())
def test_no_ownership_findings_on_clean_release(tmp_path_factory, package, version):
    dest = tmp_path_factory.mktemp(package)
    fetch = subprocess.run([sys.executable, os.path.join(REALWORLD, "fetch.py"), package, version, str(dest)],
                           capture_output=True, text=True, timeout=300)
    if fetch.returncode != 0:
        pytest.skip(f"could not download {package} {version}: {fetch.stderr[-200:]}")
    code, out, err = run("--format", "json", str(dest))
    assert code in (0, 1), err
    # OWN901 only says a file is not Python 3 (old releases ship Python 2 modules).
    assert [f for f in json.loads(out) if f["code"] != "OWN901"] == []
