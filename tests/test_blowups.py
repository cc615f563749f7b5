"""Shapes that used to blow up (issue 17): each at a small size, asserting what is found.

The same generators, at three larger sizes each, are `benchmarks/blowups.py`, which prints
their time, memory and growth (README, Performance).
"""

import importlib.util
import json
import os
import sys

import pytest

from .clirun import run

_SPEC = importlib.util.spec_from_file_location(
    "blowups", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "blowups.py"))
shapes = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(shapes)


def lint(tmp_path, source, *options):
    (tmp_path / "shape.py").write_text(source)
    code, out, err = run("--no-cache", "--format", "json", *options, "shape.py", cwd=tmp_path)
    assert err == ""
    return code, [(f["line"], f["column"], f["code"], f["message"]) for f in json.loads(out)]


def test_many_handles_each_checked_and_released_around_a_python_call(tmp_path):
    # Every may-raise statement has an edge to an exit, which used to unbind every key,
    # checking each against every other: cubic in the number of handles.
    code, found = lint(tmp_path, shapes.triples(30), "--select", "ALL")
    leaks = [(5 * i + 7, 10 if i < 10 else 11, "OWN203",
              f"`h{i}` acquired by `libc.malloc` leaks if an exception is raised at line {5 * i + 10}")
             for i in range(30)]
    assert found == sorted(leaks + [
        (157, 5, "OWN102", "`h0` is released again by `libc.free`; it was already released (line 11)")])
    assert code == 1


def test_a_loop_holding_many_try_blocks(tmp_path):
    # Each handler's `continue` sent the loop head back to the worklist before the rest of
    # the body was done: the body was gone through once per handler, per pass.
    # (The handlers catch what the unknown `g` may raise: not a path leaks are reported on.)
    code, found = lint(tmp_path, shapes.loop_tries(10))
    assert found == [(68, 5, "OWN102", "`h0` is released again by `libc.free`; it was already released (line 11)")]
    assert code == 1


def test_a_loop_that_takes_many_passes_to_settle(tmp_path):
    # A handle shifted through 60 variables reaches the last one after 60 trips around the
    # loop. The fixpoint used to stop after a fixed number of block visits and report from
    # what it had: the use after release below went unreported, with exit 0.
    code, found = lint(tmp_path, shapes.shift(60))
    assert found == [(72, 5, "OWN102", "`v59` is released again by `libc.free`; it was already released (line 71)")]
    assert code == 1


def test_an_analysis_that_is_cut_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr("ownlint.analysis.flow.PASSES", 40)
    code, found = lint(tmp_path, shapes.shift(60))
    assert found == [(6, 5, "OWN901", "cannot fully analyse `f`: its loops did not settle in 40 passes, "
                                      "so findings in it may be missing")]
    assert code == 1


@pytest.mark.slow
def test_the_loop_that_used_to_be_cut_silently(tmp_path):
    # The reproduction of issue 17: 700 variables needed more block visits than the old
    # fixed bound allowed, and the use after release was silently lost (exit 0).
    code, found = lint(tmp_path, shapes.shift(700))
    assert found == [(712, 5, "OWN102", "`v699` is released again by `libc.free`; it was already released (line 711)")]
    assert code == 1


def test_finally_nested_in_finally(tmp_path):
    # Each finally body was copied once per way out of its try, copies nested in copies:
    # 16 levels took 97 s and 875 MB. One region per body, analysed once per distinct store.
    code, found = lint(tmp_path, shapes.finally_nested(16))
    assert found == [(57, 5, "OWN102", "`p` is released again by `libc.free`; it was already released (line 56)")]
    assert code == 1


def test_finally_nested_in_finally_with_jumps(tmp_path):
    code, found = lint(tmp_path, shapes.finally_nested(8, jumps=True))
    assert found == [
        (81, 41, "OWN102", "`p` is released again by `libc.free`; it was already released (line 81)"),
        (82, 5, "OWN102", "`p` is released again by `libc.free`; it was already released (line 81)"),
    ]
    assert code == 1


def test_finally_bodies_reached_in_ways_that_differ(tmp_path):
    # Three levels: each way in is analysed on its own, as a copy per way would be.
    code, found = lint(tmp_path, shapes.finally_paths(3), "--select", "ALL")
    assert found == [
        (9, 14, "OWN203", "`h0` acquired by `libc.malloc` leaks if an exception is raised at line 10"),
        (14, 18, "OWN203", "`h1` acquired by `libc.malloc` leaks if an exception is raised at line 15"),
        (19, 22, "OWN203", "`h2` acquired by `libc.malloc` leaks if an exception is raised at line 20"),
        (24, 5, "OWN102", "`p` is released again by `libc.free`; it was already released (line 23)"),
    ]
    # Eight levels have 2^8 paths: past the bound they are merged, which the report says;
    # what comes back from a merged body is not another path's state (no false leak on
    # the normal path), so the cost stays linear and the findings sound.
    code, found = lint(tmp_path, shapes.finally_paths(8))
    assert found == [
        (6, 5, "OWN901", "cannot fully analyse `f`: its nested `finally` blocks are reached in more different "
                         "ways than ownlint keeps apart, so some were merged and findings in it may be imprecise"),
        (49, 5, "OWN102", "`p` is released again by `libc.free`; it was already released (line 48)"),
    ]
    assert code == 1


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the deeper recursion limit is only safe from Python 3.11 on")
def test_a_long_if_elif_chain_is_analysed(tmp_path):
    # libcst nests each `elif` in the one before; CPython compiles chains of some 3,000
    # branches. 350 and more used to be reported as nested too deeply (and 500 ended the
    # run: the error handler itself raised, printing the deep node).
    code, found = lint(tmp_path, shapes.elif_chain(1000))
    assert found == [(2008, 5, "OWN102", "`p` is released again by `libc.free`; it was already released (line 9)")]
    assert code == 1


def test_a_chain_deeper_than_the_analysis_can_follow_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr("ownlint.run.parse.ANALYSIS_RECURSION_LIMIT", 1000)
    code, found = lint(tmp_path, shapes.elif_chain(600))
    assert found == [(1, 1, "OWN901", "cannot analyse this file: it nests statements deeper than ownlint can analyse "
                                      "(an if/elif chain of 600 branches; libcst's code generation recurses once per "
                                      "branch)")]
    assert code == 1
