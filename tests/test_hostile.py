"""Hostile input: every odd file becomes a finding or an error line, and the run goes on.

Each test lints the odd file next to `buggy.py` (a real double free), so it also shows
that the rest of the run is reported.
"""

import json
import os
import sys

import pytest

from ownlint.run import engine

from .clirun import run

BUGGY_FINDING = ("buggy.py", 10, 5, "OWN102")


def lint_json(project, *paths):
    code, out, err = run("--format", "json", "--no-cache", *(paths or (".",)), cwd=project)
    found = [(f["path"], f["line"], f["column"], f["code"], f["message"]) for f in json.loads(out)]
    return code, found, err


def only(found, path):
    return [f[1:] for f in found if f[0] == path]


def assert_buggy_reported(found):
    assert [f[:4] for f in found if f[0] == "buggy.py"] == [BUGGY_FINDING]


UNPARSABLE = "cannot analyse this file: "


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("python2.py", b"import ctypes\nprint 'hello'\n",
     (2, 1, "syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?")),
    ("syntax.py", b"import ctypes\n\ndef f(:\n    pass\n", (3, 7, "syntax error: invalid syntax")),
    ("tabs.py", b"import ctypes\nif True:\n    try:\n\t    import os\n    except ImportError:\n\t    os = None\n",
     (1, 1, "libcst cannot parse it, although Python can (tokenizer error: no matching outer block for dedent; "
            "mixed tabs and spaces?)")),
    ("latin1.py", b"import ctypes\nname = '\xe9t\xe9'\n",
     (2, 9, "cannot decode it as utf-8 (invalid continuation byte at byte 22; "
            "is it a binary file, or does it need a coding cookie?)")),
    ("klingon.py", b"# -*- coding: klingon -*-\nimport ctypes\n",
     (1, 1, "its coding cookie names an encoding Python does not know (unknown encoding: klingon)")),
    ("nul.py", b"import ctypes\x00\n", (1, 1, "it contains NUL bytes (is it a binary file?)")),
    ("binary.py", bytes(range(128, 256)) + b" ctypes",
     (1, 1, "cannot decode it as utf-8 (invalid start byte at byte 0; "
            "is it a binary file, or does it need a coding cookie?)")),
    ("brackets.py", b"import ctypes\nx = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
     (1, 1, "it is nested deeper than Python allows")),
    ("unary.py", b"import ctypes\nx = " + b"-" * 5000 + b"1\n", (1, 1, "it is nested deeper than Python can compile")),
    ("attributes.py", b"import ctypes\nx = a" + b".b" * 20000 + b"\n",
     (1, 1, "it is nested deeper than Python can compile")),
    ("lambdas.py", b"import ctypes\nx = " + b"lambda: " * 3000 + b"1\n",
     (1, 1, "it is nested deeper than Python can compile")),
])
def test_unanalysable_file_is_an_own901_finding(project, name, content, expected):
    (project / name).write_bytes(content)
    code, found, err = lint_json(project)
    line, column, reason = expected
    assert only(found, name) == [(line, column, "OWN901", UNPARSABLE + reason)]
    assert_buggy_reported(found)
    assert (code, err) == (1, "")


def test_encodings_that_python_accepts_are_analysed(project):
    leak = b"libc = ctypes.CDLL(None)\nlibc.malloc.restype = ctypes.c_void_p\n\ndef f():\n    p = libc.malloc(8)\n"
    (project / "cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport ctypes\nNAME = '\xe9t\xe9'\n" + leak)
    (project / "bom.py").write_bytes(b"\xef\xbb\xbfimport ctypes\nNAME = '\xc3\xa9t\xc3\xa9'\n" + leak)
    (project / "utf16.py").write_bytes("# coding: utf-16\nimport ctypes\n".encode("utf-16"))
    code, found, err = lint_json(project)
    assert [f[:4] for f in found if f[0] in ("bom.py", "cookie.py")] == [
        ("bom.py", 7, 9, "OWN201"), ("cookie.py", 8, 9, "OWN201"),
    ]
    assert code == 1


def test_empty_file(project):
    (project / "empty.py").write_bytes(b"")
    (project / "only_ctypes.py").write_bytes(b"import ctypes")  # no newline at the end
    code, out, _ = run("--no-cache", "empty.py", "only_ctypes.py", cwd=project)
    assert (code, out) == (0, "All checks passed (2 files checked; no C library calls found).\n")


@pytest.mark.slow
def test_fifty_thousand_lines(project):
    body = "".join(f"value_{i} = {i}\n" for i in range(50_000))
    (project / "huge.py").write_text(
        f"import ctypes\nlibc = ctypes.CDLL(None)\n{body}\nlibc.malloc.restype = ctypes.c_void_p\ndef f():\n    p = libc.malloc(8)\n"
    )
    code, found, _ = lint_json(project)
    assert only(found, "huge.py") == [(50_006, 9, "OWN201", "`p` acquired by `libc.malloc` is never released")]
    assert_buggy_reported(found)


def test_a_parser_crash_loses_one_file(project):
    # CPython accepts this; libcst's native parser overflows its stack and kills the process.
    (project / "chain.py").write_text("import ctypes\nx = " + " and ".join(["a"] * 10_000) + "\n")
    code, found, err = lint_json(project)
    assert_buggy_reported(found)
    assert err == ("ownlint: chain.py: the analysis crashed its worker process (a parser crash?); "
                   "the file was not analysed\n")
    assert code == 2


def test_an_internal_error_is_one_error_line_and_debug_shows_the_traceback(project, monkeypatch):
    (project / "other.py").write_text("import ctypes\n")

    def explode(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr("ownlint.run.parse.analyse_module", explode)
    code, out, err = run("--no-cache", "-j", "1", "other.py", cwd=project)
    assert code == 2
    assert err == "ownlint: other.py: internal error while analysing: KeyError: 'boom' (run with --debug for the traceback)\n"
    code, out, err = run("--no-cache", "--debug", "other.py", cwd=project)
    assert err.startswith("ownlint: other.py: internal error while analysing: KeyError: 'boom'\nTraceback")
    assert "in explode" in err


def test_unreadable_file(project, monkeypatch):
    real_open = open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    (project / "secret.py").write_text("import ctypes\n")
    monkeypatch.setattr(engine, "open", guarded, raising=False)
    code, found, err = lint_json(project)
    assert err == "ownlint: secret.py: cannot read file: Permission denied\n"
    assert_buggy_reported(found)
    assert code == 2


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")
def test_symlink_loops_broken_links_and_fifos(project):
    (project / "sub").mkdir()
    os.symlink("..", project / "sub" / "up")  # a directory loop: not followed
    os.symlink("b.py", project / "a.py")
    os.symlink("a.py", project / "b.py")
    os.symlink("nowhere.py", project / "dangling.py")
    os.mkfifo(project / "pipe.py")  # reading it would block forever
    code, found, err = lint_json(project)
    assert err.splitlines() == [
        "ownlint: a.py: symbolic link loop (too many levels of symbolic links)",
        "ownlint: b.py: symbolic link loop (too many levels of symbolic links)",
        "ownlint: dangling.py: broken symbolic link (its target does not exist)",
        "ownlint: pipe.py: not a regular file (a named pipe, socket or device); skipped",
    ]
    assert_buggy_reported(found)
    assert code == 2


def test_paths_that_do_not_exist(project):
    code, found, err = lint_json(project, "buggy.py", "missing.py", "gone/")
    assert err == "ownlint: gone/: no such file or directory\nownlint: missing.py: no such file or directory\n"
    assert_buggy_reported(found)
    assert code == 2


def test_a_file_that_disappears_during_the_run(project, monkeypatch):
    (project / "fleeting.py").write_text("import ctypes\n")
    real = engine.discover

    def discover_then_delete(paths, settings):
        items = list(real(paths, settings))
        os.remove(project / "fleeting.py")  # after discovery, before it is read
        return iter(items)

    monkeypatch.setattr(engine, "discover", discover_then_delete)
    code, found, err = lint_json(project)
    assert err == "ownlint: fleeting.py: cannot read file: No such file or directory\n"
    assert_buggy_reported(found)
    assert code == 2


NEWER_SYNTAX = '''\
import ctypes

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p

def matching(command):
    match command:
        case ["free", *rest] if rest:
            p = libc.malloc(8)  # expect: OWN201:17
        case {"size": size, **others}:
            q = libc.malloc(size)
            libc.free(q)
            libc.free(q)  # expect: OWN102:13
        case _:
            pass


type Buffer = bytes


def first[T](items: list[T]) -> T:
    r = libc.malloc(8)
    libc.free(r)
    libc.free(r)  # expect: OWN102:5
    return items[0]


class Box[T]:
    def get(self) -> T: ...


def groups():
    s = libc.malloc(8)
    try:
        libc.free(s)
    except* ValueError:
        pass
    libc.free(s)  # expect: OWN102:5


def walrus(values):
    return [y for v in values if (y := libc.malloc(v))]
'''


def test_newer_syntax_is_analysed(project):
    (project / "newer.py").write_text(NEWER_SYNTAX)
    code, found, err = lint_json(project)
    expected = []
    for number, line in enumerate(NEWER_SYNTAX.splitlines(), 1):
        if "# expect: " in line:
            code_, column = line.split("# expect: ")[1].split(":")
            expected.append((number, int(column), code_))
    assert [f[:3] for f in only(found, "newer.py")] == expected
    assert err == ""


def _deep_if_chain(branches):
    import libcst

    source = "if x == 0:\n    pass\n" + "".join(f"elif x == {i}:\n    pass\n" for i in range(1, branches))
    return libcst.parse_module(source).body[0]


def test_an_exception_that_cannot_be_printed_is_still_one_error_line(project, monkeypatch):
    # libcst's repr of a deep node recurses once per level: formatting `KeyError(node)`
    # used to raise inside the error handler and end the whole run.
    (project / "other.py").write_text("import ctypes\n")
    node = _deep_if_chain(2000)

    def explode(*args, **kwargs):
        raise KeyError(node)

    monkeypatch.setattr("ownlint.run.parse.analyse_module", explode)
    code, found, err = lint_json(project)
    assert err == ("ownlint: buggy.py: internal error while analysing: KeyError: <If> (run with --debug for the traceback)\n"
                   "ownlint: clean.py: internal error while analysing: KeyError: <If> (run with --debug for the traceback)\n"
                   "ownlint: other.py: internal error while analysing: KeyError: <If> (run with --debug for the traceback)\n")
    assert code == 2
    code, out, err = run("--no-cache", "--debug", "other.py", cwd=project)
    assert err.startswith("ownlint: other.py: internal error while analysing: KeyError: <If>\nTraceback")
    assert "in explode" in err and code == 2


def test_a_file_over_the_size_limit_is_not_read(project):
    # A sparse file: 64 MB that take no space. Reading a huge file whole used to end the
    # run with a MemoryError.
    with open(project / "huge.py", "wb") as handle:
        handle.write(b"import ctypes\n")
        handle.truncate(64 * 10**6)
    code, found, err = lint_json(project)
    assert err == "ownlint: huge.py: larger than the size limit of 10 MB (`max-file-size`); the file was not analysed\n"
    assert_buggy_reported(found)
    assert code == 2
    (project / "big.py").write_text("import ctypes\n" + "# padding\n" * 200)
    code, found, err = lint_json(project, "--max-file-size", "1kB", "buggy.py", "big.py")
    assert err == "ownlint: big.py: larger than the size limit of 1 kB (`max-file-size`); the file was not analysed\n"
    assert_buggy_reported(found)
    (project / "pyproject.toml").write_text('[tool.ownlint]\nmax-file-size = "2 KiB"\n')
    code, found, err = lint_json(project, "buggy.py", "big.py")
    assert (code, err) == (1, "")
    (project / "pyproject.toml").write_text('[tool.ownlint]\nmax-file-size = "big"\n')
    code, out, err = run("buggy.py", cwd=project)
    assert err == (f'ownlint: error: {project / "pyproject.toml"}:2: `tool.ownlint.max-file-size`: must be a size '
                   "in bytes (an integer, or a string such as \"10MB\"), not 'big'\n")
    assert code == 2


def _busy(*args, **kwargs):
    import time

    start = time.process_time()
    while time.process_time() - start < 20:  # far past the limit the test sets
        pass
    raise AssertionError("the time limit did not stop the analysis")


def _greedy(*args, **kwargs):
    chunks = []
    for _ in range(1024):  # up to 1 GB, far past the limit the test sets
        chunks.append(bytearray(2**20))
    raise AssertionError("the memory limit did not stop the analysis")


@pytest.mark.skipif(sys.platform != "linux", reason="CPU timers and address-space limits")
def test_a_file_past_its_time_or_memory_limit_is_not_analysed(project, monkeypatch):
    (project / "slow.py").write_text("import ctypes\n")

    from ownlint.run import parse

    original = parse.analyse_module

    def selective(path, *args, **kwargs):
        if path == "slow.py":
            return _busy()
        if path == "greedy.py":
            return _greedy()
        return original(path, *args, **kwargs)

    monkeypatch.setattr("ownlint.run.parse.analyse_module", selective)
    code, found, err = lint_json(project, "--file-time-limit", "0.5")
    assert err == ("ownlint: slow.py: the analysis took longer than the time limit of 0.5 s of CPU time per file "
                   "(`file-time-limit`); the file was not analysed\n")
    assert_buggy_reported(found)
    assert code == 2
    (project / "slow.py").unlink()
    (project / "greedy.py").write_text("import ctypes\n")
    code, found, err = lint_json(project, "--file-memory-limit", "100MB", "-j", "1")
    assert err == ("ownlint: greedy.py: the analysis needed more than the memory limit of 100 MB per file "
                   "(`file-memory-limit`); the file was not analysed\n")
    assert_buggy_reported(found)
    assert code == 2
