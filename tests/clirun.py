"""Run the command line in-process, the way a user would, and what the CLI tests lint."""

import io
import os
import textwrap


from ownlint.cli import main

BUGGY = textwrap.dedent(
    '''\
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p

    def twice(n):
        buf = libc.malloc(n)
        libc.free(buf)
        libc.free(buf)
    '''
)


def run(*argv, cwd=None):
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        code = main(list(argv), out, err)
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def make_project(tmp_path):
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "clean.py").write_text("import ctypes\n\nx = ctypes.sizeof(ctypes.c_int)\n")
    return tmp_path


