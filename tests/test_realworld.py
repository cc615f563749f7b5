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


# Findings on the known-clean releases that are real bugs (each read and confirmed against
# the code; see the closing notes): Wand 0.6.13 leaks a pixel wand overwritten by
# MagickGetBackgroundColor's own, pixel wands when raise_exception() returns, a drawing
# wand when TypeError is raised, the MagickAppendImages wand of _repr_png_, and the FILE
# objects of libc.fdopen (never fclose'd, so that Python's descriptor stays open).
TRUE_FINDINGS = {
    ("Wand", "0.6.13"): {
        ("wand/image.py", 1505, "OWN202"), ("wand/image.py", 1581, "OWN202"), ("wand/image.py", 2086, "OWN202"),
        ("wand/image.py", 7036, "OWN202"), ("wand/image.py", 9625, "OWN201"), ("wand/image.py", 10117, "OWN201"),
        ("wand/image.py", 10189, "OWN201"), ("wand/sequence.py", 252, "OWN201"),
    },
}


@pytest.mark.parametrize("package,version", clean_releases())
def test_no_false_findings_on_clean_release(tmp_path_factory, package, version):
    """With no pack and no configuration (the shipped packs switch themselves on)."""
    findings = _lint_release(tmp_path_factory, package, version)
    top = f"{package}-{version}/"
    # OWN901 only says a file is not Python 3 (old releases ship Python 2 modules).
    seen = {(f["path"].replace(os.sep, "/").split(top)[-1], f["line"], f["code"])
            for f in findings if f["code"] != "OWN901"}
    assert seen == TRUE_FINDINGS.get((package, version), set())


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


# Confirmed bugs found with no pack and no configuration at their labelled lines (and gone
# in the fixed releases). The others (wand-03, wand-05, pygit2-05, sounddevice-01)
# are listed with their reasons in README, "Known problems".
FOUND = {
    "wand-01", "wand-02", "wand-04", "wand-06", "wand-07", "wand-08", "wand-09", "libarchive-c-01",
    "libarchive-c-02", "pygit2-01", "pygit2-02", "pygit2-03", "pygit2-04", "weasyprint-01", "weasyprint-02", "weasyprint-03",
}


def _lines(spec: str) -> set:
    """`188-190` or `192,216,233`: the labelled lines."""
    out = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        out |= set(range(int(first), int(last or first) + 1))
    return out


@pytest.mark.parametrize("row", confirmed_bugs(FOUND), ids=lambda r: r["id"])
def test_confirmed_bug_is_reported_and_gone_when_fixed(tmp_path_factory, row):
    lines = _lines(row["line"])

    def statements(findings, only_lines=None):
        """The source text of the flagged lines in the bug's file."""
        found = set()
        for f in findings:
            if f["path"].replace(os.sep, "/").endswith(row["file_in_artifact"]):
                if only_lines is None or f["line"] in only_lines:
                    with open(f["path"], encoding="utf-8") as handle:
                        found.add(handle.read().splitlines()[f["line"] - 1].strip())
        return found

    release = _lint_release(tmp_path_factory, row["package"], row["buggy_version"])
    buggy = statements(release, lines)
    assert buggy, "the confirmed bug is not reported"
    # A statement of the same text reported elsewhere in the file (weasyprint 56.1 has a
    # second, unfixed `attr_list = pango.pango_attr_list_new()` leak) cannot tell.
    twins = statements([f for f in release if f["line"] not in lines])
    fixed = statements(_lint_release(tmp_path_factory, row["package"], row["fixed_version"]))
    assert not (buggy - twins) & fixed, "the fixed statement is still reported"
