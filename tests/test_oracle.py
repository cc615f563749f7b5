"""The shared oracle (valgrind-confirmed programs), when it is present beside the project.

Every confirmed bug of a class the implemented rules cover must be reported at its
labelled line (or an accepted alternative) with a matching code, and the clean programs
must get no OWN1xx/OWN2xx/OWN4xx finding.
"""

import csv
import json
import os

import pytest

from .expectations import ROOT, STACK_PACK
from .test_cli import run

ORACLE = os.path.join(os.path.dirname(ROOT), "shared", "oracle")
CODES = {
    "use-after-free": {"OWN101", "OWN106", "OWN107", "OWN402"},
    "double-free": {"OWN102", "OWN401"},
    "leak": {"OWN201", "OWN202", "OWN204"},
    "free-borrowed": {"OWN103"},
    "gc-double-destroy": {"OWN105"},
    "callback-gc": {"OWN301"},
    "handle-gc": {"OWN302"},
}

pytestmark = pytest.mark.skipif(not os.path.isdir(ORACLE), reason="shared/oracle is not beside the project")


def labels():
    with open(os.path.join(ORACLE, "labels.tsv"), newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def findings():
    code, out, err = run("--pack", STACK_PACK, "--format", "json", os.path.join(ORACLE, "cases"))
    assert code in (0, 1), err
    found = {}
    for finding in json.loads(out):
        found.setdefault(os.path.basename(finding["path"]), set()).add((finding["line"], finding["code"]))
    return found


def test_oracle_cases():
    found = findings()
    for row in labels():
        reported = found.get(row["case"], set())
        if row["intended"] == "clean":
            assert not reported, (row["case"], reported)
        elif row["intended"] in CODES:
            lines = {int(row["line"])} | {int(x) for x in row["alt_lines"].split(",") if x.strip().isdigit()}
            hits = {(line, code) for line, code in reported if line in lines and code in CODES[row["intended"]]}
            assert hits, (row["case"], row["intended"], row["line"], reported)


def test_oracle_cffi_cases_without_a_pack_through_their_cdefs():
    """With no stack pack at all, the programs whose bugs need only a creator and a
    destroyer are found through the contracts inferred from their own `ffi.cdef` or ctypes
    prototypes (`restype = c_void_p`, `argtypes = [c_void_p]`), and say so; the clean ones
    stay clean. (Borrowed names and retained callbacks need a pack.)"""
    code, out, err = run("--format", "json", os.path.join(ORACLE, "cases"))
    assert code in (0, 1), err
    found = {(os.path.basename(f["path"]), f["line"], f["code"]) for f in json.loads(out)}
    assert found == {
        ("cf01_peek_after_destroy.py", 24, "OWN101"),
        ("cf06_del_after_close.py", 33, "OWN401"),
        ("cf08_early_return.py", 18, "OWN202"),
        ("cf19_gc_and_close.py", 31, "OWN105"),
        ("ct03_history_wrapper.py", 35, "OWN402"),
        ("ct05_export_finally.py", 38, "OWN102"),
        ("ct09_forgot_destroy.py", 15, "OWN201"),
    }
    assert all(f["message"].endswith("(inferred contract)") for f in json.loads(out))
