"""slicing.py: what is cut before libcst parses a file, and that cutting changes no finding."""

import os

import pytest

from ownlint.contracts import packs
from ownlint.run import config, slicing

from .expectations import actual, expected
from .test_fixtures import DEFAULT, FILES

CONTRACTS = packs.load_contracts(config.build(None).packs)


def reduce(text: str) -> str:
    return slicing.reduce(text, slicing.vocabulary(CONTRACTS))


@pytest.fixture
def small_files(monkeypatch):
    """Slice files of any size (the fixtures are small)."""
    monkeypatch.setattr(slicing, "MIN_SIZE", 0)


SOURCE = '''\
import ctypes

libc = ctypes.CDLL(None)
table = libc.malloc(64)


def plain(x):
    return x + 1


def reads_table():
    return table


@staticmethod
def decorated():
    return 2


class Checks:
    def test_plain(self):
        self.value = 3

    def test_ffi(self):
        self.buf = ctypes.create_string_buffer(4)

    def test_reads_buffer(self):
        print(self.buf)

    def test_other(self):
        print(self.value)


class Untouched:
    def method(self):
        return 1


class Named:
    def method(self):
        return 1


def make():
    return Named(ctypes.sizeof(ctypes.c_int))
'''

REDUCED = '''\
import ctypes

libc = ctypes.CDLL(None)
table = libc.malloc(64)






def reads_table():
    return table







class Checks:



    def test_ffi(self):
        self.buf = ctypes.create_string_buffer(4)

    def test_reads_buffer(self):
        print(self.buf)










class Named:
    pass



def make():
    return Named(ctypes.sizeof(ctypes.c_int))
'''


def test_reduce_empties_what_cannot_matter_and_keeps_every_line(small_files):
    """Kept: code naming an FFI word, a module value it binds (`table`), methods sharing
    `self` attributes with a kept method, and the header of a class kept code names
    (a `pass` when none of its body is left)."""
    assert reduce(SOURCE) == REDUCED


def test_reduce_keeps_crlf_line_endings(small_files):
    crlf = SOURCE.replace("\n", "\r\n")
    assert reduce(crlf) == REDUCED.replace("\n", "\r\n")


def test_reduce_leaves_small_and_unparsable_files_alone():
    assert reduce(SOURCE) is SOURCE  # under MIN_SIZE: a second parse would cost more
    broken = "import ctypes\n" + "def f(:\n    pass\n" * 400
    assert reduce(broken) is broken  # libcst reports the syntax error, on the whole text


def test_names_bound_anywhere_count(small_files):
    """`P = CFUNCTYPE(...)` inside a function (facts know such names module-wide), `global`
    and a class-level `if` defining methods: their code is kept."""
    source = '''\
from ctypes import CFUNCTYPE, c_int

def declare():
    global P
    P = CFUNCTYPE(c_int)

def uses_prototype():
    return P(abs)

def unrelated():
    return 0

class Links:
    def __init__(self):
        self.ready = False
    if __debug__:
        def close(self):
            self.handle = P(abs)
    def opened(self):
        return self.handle

    def other(self):
        return 3
'''
    reduced = reduce(source).splitlines()
    assert reduced[6:8] == ["def uses_prototype():", "    return P(abs)"]
    assert reduced[9:11] == ["", ""]  # unrelated()
    assert reduced[18:20] == ["    def opened(self):", "        return self.handle"]
    assert reduced[21:23] == ["", ""]  # other()


@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_fixtures_report_the_same_when_every_file_is_sliced(small_files, path):
    with open(path, encoding="utf-8") as handle:
        assert actual(path, select=DEFAULT) == expected(handle.read())
