"""--write-baseline / --baseline: adopted findings stay hidden through edits, new ones show."""

import json
import os
import stat

from .clirun import run

SECOND_BUG = '''

def again(n):
    other = libc.malloc(n)
    libc.free(other)
    libc.free(other)
'''


def baselined(project):
    code, out, err = run("--write-baseline", "baseline.json", ".", cwd=project)
    assert (code, out, err) == (0, "", "ownlint: wrote 1 finding to baseline.json\n")
    return json.loads((project / "baseline.json").read_text())


def test_baseline_file_lists_what_it_accepts(project):
    document = baselined(project)
    (entry,) = document["findings"]
    assert document["ownlint-baseline"] == 1
    assert {k: v for k, v in entry.items() if k != "fingerprint"} == {
        "code": "OWN102",
        "path": "buggy.py",
        "symbol": "twice",
        "message": "`buf` is released again by `libc.free`; it was already released (line 9)",
    }


def test_baselined_finding_is_hidden(project):
    baselined(project)
    code, out, _ = run("--baseline", "baseline.json", ".", cwd=project)
    assert (code, out) == (0, "All checks passed (2 files checked, 1 baselined finding not shown; contracts for 2 of 2 C functions called).\n")


def test_baselined_finding_stays_hidden_after_lines_are_inserted_and_reformatted(project):
    baselined(project)
    source = (project / "buggy.py").read_text()
    source = "# Licensed under MIT.\n\n" + source
    source = source.replace("def twice(n):", "HEADER = 1\n\n\ndef twice(n):")
    lines = source.splitlines()
    lines[-1] = "    libc.free( buf )   # still wrong"  # whitespace and a comment do not count
    (project / "buggy.py").write_text("\n".join(lines) + "\n")
    code, out, _ = run("--baseline", "baseline.json", ".", cwd=project)
    assert (code, out) == (0, "All checks passed (2 files checked, 1 baselined finding not shown; contracts for 2 of 2 C functions called).\n")
    code, out, _ = run(".", cwd=project)  # without the baseline it is still there, lines lower
    assert code == 1 and out.startswith("buggy.py:15:5: OWN102")


def test_new_finding_shows_through_the_baseline(project):
    baselined(project)
    with (project / "buggy.py").open("a") as handle:
        handle.write(SECOND_BUG)
    code, out, _ = run("--baseline", "baseline.json", ".", cwd=project)
    assert code == 1
    assert out.startswith("buggy.py:16:5: OWN102 `other` is released again")
    assert out.endswith("Found 1 finding in 1 file; 1 baselined finding not shown; contracts for 2 of 2 C functions called.\n")


def test_baseline_is_per_path(project):
    baselined(project)
    (project / "copy.py").write_text((project / "buggy.py").read_text())
    code, out, _ = run("--baseline", "baseline.json", ".", cwd=project)
    assert code == 1 and out.startswith("copy.py:10:5: OWN102")


def test_baseline_path_does_not_depend_on_how_paths_are_spelled(project):
    baselined(project)
    code, _, _ = run("--baseline", "baseline.json", "./buggy.py", cwd=project)
    assert code == 0
    code, _, _ = run("--baseline", str(project / "baseline.json"), str(project / "buggy.py"), cwd=project)
    assert code == 0


def test_missing_baseline(project):
    code, out, err = run("--baseline", "nope.json", ".", cwd=project)
    assert (code, out) == (2, "")
    assert err == "ownlint: error: nope.json: `--baseline`: baseline file not found; create it with --write-baseline\n"


def test_baseline_that_is_not_json(project):
    (project / "b.json").write_text("{oops")
    code, _, err = run("--baseline", "b.json", ".", cwd=project)
    assert code == 2
    assert err.startswith("ownlint: error: b.json: `--baseline`: not a baseline written by ownlint (invalid JSON: ")


def test_baseline_of_another_shape(project):
    (project / "b.json").write_text('{"findings": []}')
    code, _, err = run("--baseline", "b.json", ".", cwd=project)
    assert code == 2
    assert err == ("ownlint: error: b.json: `--baseline`: not an ownlint baseline (expected "
                   "`\"ownlint-baseline\": 1`); write a new one with --write-baseline\n")
    (project / "b.json").write_text('{"ownlint-baseline": 1, "findings": [{"code": "OWN101"}]}')
    code, _, err = run("--baseline", "b.json", ".", cwd=project)
    assert err == ("ownlint: error: b.json: `--baseline`: `findings` must be a list of objects "
                   "with a `fingerprint` string\n")


def test_write_baseline_writes_through_a_symbolic_link(project):
    (project / "kept").mkdir()
    (project / "kept" / "baseline.json").write_text("{}\n")
    (project / "kept" / "baseline.json").chmod(0o640)
    (project / "link.json").symlink_to("kept/baseline.json")
    (project / "dangling.json").symlink_to("kept/new.json")
    for name in ("link.json", "dangling.json"):
        code, out, err = run("--write-baseline", name, ".", cwd=project)
        assert (code, out, err) == (0, "", f"ownlint: wrote 1 finding to {name}\n")
        assert (project / name).is_symlink()
    assert json.loads((project / "kept" / "baseline.json").read_text())["findings"][0]["code"] == "OWN102"
    assert json.loads((project / "kept" / "new.json").read_text())["findings"][0]["code"] == "OWN102"
    assert (project / "kept" / "baseline.json").stat().st_mode & 0o777 == 0o640  # its mode is kept
    assert sorted(p.name for p in (project / "kept").iterdir()) == ["baseline.json", "new.json"]
    code, out, _ = run("--baseline", "link.json", ".", cwd=project)
    assert (code, out) == (0, "All checks passed (2 files checked, 1 baselined finding not shown; contracts for 2 of 2 C functions called).\n")


def test_write_baseline_refuses_what_is_not_a_regular_file(project):
    os.mkfifo(project / "pipe.json")
    (project / "folder.json").mkdir()
    (project / "to-pipe.json").symlink_to("pipe.json")
    for name in ("pipe.json", "to-pipe.json", "folder.json"):  # (never a real device: tests may run as root)
        code, out, err = run("--write-baseline", name, ".", cwd=project)
        assert (code, out) == (2, "")
        assert err == (f"ownlint: error: {name}: `--write-baseline`: not a regular file (a directory, named pipe, "
                       "socket or device); give a regular file or a new path\n")
    assert stat.S_ISFIFO((project / "pipe.json").lstat().st_mode)
    assert (project / "to-pipe.json").is_symlink() and (project / "folder.json").is_dir()
    assert sorted(p.name for p in project.iterdir()) == ["buggy.py", "clean.py", "folder.json", "pipe.json",
                                                          "to-pipe.json"]
    code, _, err = run("--write-baseline", "missing/baseline.json", ".", cwd=project)
    assert (code, err) == (2, "ownlint: error: missing/baseline.json: `--write-baseline`: cannot write the "
                              "baseline: its directory does not exist\n")


ODD_ENDS = "\x0c\x0b\x1c\x1d\x1e\x85\u2028\u2029"  # line ends to str.splitlines, not to Python


def test_lines_are_numbered_as_python_numbers_them(project):
    """Characters that str.splitlines() breaks at, inside a comment and a string, are no
    line ends: the code frame shows the flagged line and the fingerprint hashes it."""
    plain = (project / "buggy.py").read_text()
    odd = plain.replace("import ctypes\n", f"import ctypes  # a{ODD_ENDS}b\nNAME = 'x{ODD_ENDS}y'\n", 1)
    (project / "buggy.py").write_text(odd)
    code, out, _ = run("buggy.py", cwd=project)
    assert code == 1
    assert out.splitlines()[:3] == [
        "buggy.py:11:5: OWN102 `buf` is released again by `libc.free`; it was already released (line 10)",
        "   |",
        "11 |     libc.free(buf)",
    ]
    fingerprint = baselined(project)["findings"][0]["fingerprint"]
    (project / "buggy.py").write_text(plain.replace("import ctypes\n", "import ctypes  # a\nNAME = 'xy'\n", 1))
    assert baselined(project)["findings"][0]["fingerprint"] == fingerprint
    (project / "buggy.py").write_text(odd)
    baselined(project)
    (project / "buggy.py").write_text(odd.replace(
        "    libc.free(buf)\n    libc.free(buf)\n", "    libc.free(buf)\n    libc.free(buf); print(n)\n"))
    code, out, _ = run("--baseline", "baseline.json", "buggy.py", cwd=project)
    assert code == 1 and out.startswith("buggy.py:11:5: OWN102")
