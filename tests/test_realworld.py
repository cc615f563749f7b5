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
    findings = _lint_release(tmp_path_factory, package, version)
    # OWN901 only says a file is not Python 3 (old releases ship Python 2 modules).
    assert [f for f in findings if f["code"] != "OWN901"] == []


def confirmed_bugs(ids):
    if not os.path.isdir(REALWORLD):
        return []
    with open(os.path.join(REALWORLD, "cases.tsv"), newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row["id"] in ids]


def _fetch(tmp_path_factory, package, version):
    dest = tmp_path_factory.mktemp(f"{package}-{version}")
    fetch = subprocess.run([sys.executable, os.path.join(REALWORLD, "fetch.py"), package, version, str(dest)],
                           capture_output=True, text=True, timeout=300)
    if fetch.returncode != 0:
        pytest.skip(f"could not download {package} {version}")
    return dest


def _lint_release(tmp_path_factory, package, version, packs=()):
    dest = _fetch(tmp_path_factory, package, version)
    code, out, err = run("--format", "json", *(arg for pack in packs for arg in ("--pack", pack)), str(dest))
    assert code in (0, 1), err
    return json.loads(out)


def every_release():
    if not os.path.isdir(REALWORLD):
        return []
    with open(os.path.join(REALWORLD, "cases.tsv"), newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    found = {(row["package"], row[key]) for row in rows for key in ("buggy_version", "fixed_version")}
    return sorted(found | set(clean_releases()))


LIBRARIES: list = []  # printed at the end of the run (conftest.py)


@pytest.mark.parametrize("package,version", every_release())
def test_libraries_are_seen(tmp_path_factory, package, version):
    """`ownlint libraries` on each release: the C libraries it recognises and how many C
    functions it sees called through them (recorded, and printed at the end)."""
    dest = _fetch(tmp_path_factory, package, version)
    code, out, err = run("libraries", "--no-cache", "--format", "json", str(dest))
    assert code in (0, 2), err  # 2: files that are not Python 3 (OWN901 lines on stderr)
    libraries = json.loads(out)["libraries"]
    called = sum(len(library["functions"]) for library in libraries)
    known = sum(1 for library in libraries for f in library["functions"] if f["contract"])
    names = ", ".join(f"{library['name']} ({len(library['functions'])})" for library in libraries)
    LIBRARIES.append(f"libraries: {package} {version}: {called} C functions, {known} with a contract: {names}")
    assert called > 0, "no C function seen"


MAGICKWAND = os.path.join(ROOT, "examples", "magickwand", "magickwand.toml")
# Bugs the shipped packs alone can see, and Wand's with the example MagickWand pack.
PACKS = {"Wand": (MAGICKWAND,)}
FOUND = {"pygit2-01", "pygit2-02", "wand-01", "wand-02", "wand-04", "wand-07", "wand-08", "wand-09"}


@pytest.mark.parametrize("row", confirmed_bugs(FOUND), ids=lambda r: r["id"])
def test_confirmed_bug_is_reported_and_gone_when_fixed(tmp_path_factory, row):
    lines = {int(x) for x in row["line"].split(",")}

    def statements(findings, only_lines=None):
        """The source text of the flagged lines in the bug's file."""
        found = set()
        for f in findings:
            if f["path"].replace(os.sep, "/").endswith(row["file_in_artifact"]):
                if only_lines is None or f["line"] in only_lines:
                    with open(f["path"], encoding="utf-8") as handle:
                        found.add(handle.read().splitlines()[f["line"] - 1].strip())
        return found

    packs = PACKS.get(row["package"], ())
    buggy = statements(_lint_release(tmp_path_factory, row["package"], row["buggy_version"], packs), lines)
    assert buggy, "the confirmed bug is not reported"
    fixed = statements(_lint_release(tmp_path_factory, row["package"], row["fixed_version"], packs))
    assert not buggy & fixed, "the fixed statement is still reported"
