#!/usr/bin/env python3
"""Cost of the shapes that used to blow up (issue 17, items 12 and 13), at three sizes each.

    python benchmarks/blowups.py [--shape NAME ...] [--sizes NAME=A,B,C ...] [--timeout 600]

Each shape is a generated function with one planted bug (a double release), linted with
`--jobs 1 --no-cache` in a fresh process; the script prints the wall time and the peak
memory of the run (the largest resident set of any of its processes), the growth from one
size to the next, and checks that the planted bug is reported. Shapes:

  finally-nested   try/finally nested in finally bodies, N levels (item 12)
  finally-jumps    the same inside a loop, each try body with `return`, `break` and
                   `continue` (item 12)
  finally-paths    N nested finally bodies whose ways in differ at every level (item 12)
  triples          N handles, each acquired, checked and released with a Python call in
                   between, in one function (item 13)
  loop-tries       a loop holding N try blocks, each acquiring, using and releasing a handle,
                   its handler continuing the loop (item 13)
  shift            a loop shifting a handle through N variables, used after release (item 5)
  elif             an if/elif chain of N branches (item 9)
  branches         N handles in N/6 nested branches, some released in their branch, some
                   kept in a list and on an object's attributes and released at the end
                   (issue 15: the heap model)
  pairs            N acquire/release pairs in one function, each used in between (issue 15)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HEAD = "import ctypes\n\nlibc = ctypes.CDLL(None)\nlibc.malloc.restype = ctypes.c_void_p\n\n"

_TIMER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    proc = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=float(sys.argv[1]))
    code, out = proc.returncode, proc.stdout
except subprocess.TimeoutExpired:
    code, out = None, b"[]"
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
sys.stdout.buffer.write(json.dumps({"seconds": elapsed, "peak_kib": peak, "code": code}).encode() + b"\n")
sys.stdout.buffer.write(out)
"""


def finally_nested(levels: int, jumps: bool = False) -> str:
    lines = ["def f(n):", "    p = libc.malloc(8)"]
    indent = "    "
    if jumps:
        lines.append(indent + "while n:")
        indent += "    "
    for level in range(levels):
        lines += [indent + "try:", indent + "    g()"]
        if jumps:
            lines += [indent + f"    if n == {level}:", indent + "        return",
                      indent + f"    if n == -{level}:", indent + "        break",
                      indent + f"    if n == {level + 1000}:", indent + "        continue"]
        lines.append(indent + "finally:")
        indent += "    "
    lines += [indent + "libc.free(p)", "    libc.free(p)"]
    return HEAD + "\n".join(lines) + "\n"


def finally_paths(levels: int) -> str:
    """Nested finally bodies whose ways in differ at every level (a handle released after a
    call that may raise): 2^N distinct paths, merged past a bound (OWN901 says so)."""
    lines = ["def f(n):", "    p = libc.malloc(8)"]
    indent = "    "
    for level in range(levels):
        lines += [indent + "try:", indent + f"    h{level} = libc.malloc(8)", indent + "    g()",
                  indent + f"    libc.free(h{level})", indent + "finally:"]
        indent += "    "
    lines += [indent + "libc.free(p)", "    libc.free(p)"]
    return HEAD + "\n".join(lines) + "\n"


def triples(count: int) -> str:
    lines = ["def f():"]
    for i in range(count):
        lines += [f"    h{i} = libc.malloc(8)", f"    if not h{i}:", "        return", f"    g(h{i})",
                  f"    libc.free(h{i})"]
    lines.append("    libc.free(h0)")
    return HEAD + "\n".join(lines) + "\n"


def loop_tries(count: int) -> str:
    lines = ["def f(items):", "    for x in items:"]
    for i in range(count):
        lines += ["        try:", f"            h{i} = libc.malloc(8)", f"            g(h{i}, x)",
                  f"            libc.free(h{i})", "        except ValueError:", "            continue"]
    lines.append("    libc.free(h0)")
    return HEAD + "\n".join(lines) + "\n"


def shift(count: int) -> str:
    names = [f"v{i}" for i in range(count)]
    lines = ["def f(n):", "    p = libc.malloc(8)", "    " + " = ".join(names) + " = None", "    while n:"]
    lines += [f"        v{i} = v{i - 1}" for i in range(count - 1, 0, -1)]
    lines += ["        v0 = p", "        n -= 1", "    libc.free(p)", f"    libc.free(v{count - 1})"]
    return HEAD + "\n".join(lines) + "\n"


def elif_chain(count: int) -> str:
    lines = ["def f(n):", "    p = libc.malloc(8)", "    if n == 0:", "        libc.free(p)"]
    for i in range(1, count):
        lines += [f"    elif n == {i}:", "        libc.free(p)"]
    lines.append("    libc.free(p)")
    return HEAD + "\n".join(lines) + "\n"


def branches(count: int) -> str:
    levels = max(1, count // 6)
    lines = ["class Box:", "    pass", "", "", "def f(n):", "    p = libc.malloc(8)", "    kept = []",
             "    box = Box()"]
    indent = "    "
    for i in range(count):
        if i % (count // levels) == 0 and i // (count // levels) < levels:
            lines.append(indent + f"if n > {i}:")
            indent += "    "
        lines += [indent + f"h{i} = libc.malloc(8)", indent + f"g(h{i})"]
        if i % 3 == 0:
            lines.append(indent + f"kept.append(h{i})")
        elif i % 3 == 1:
            lines.append(indent + f"box.h{i} = h{i}")
        else:
            lines.append(indent + f"libc.free(h{i})")
    lines += ["    for h in kept:", "        libc.free(h)", "    libc.free(p)", "    libc.free(p)"]
    return HEAD + "\n".join(lines) + "\n"


def pairs(count: int) -> str:
    lines = ["def f():"]
    for i in range(count):
        lines += [f"    h{i} = libc.malloc(8)", f"    g(h{i})", f"    libc.free(h{i})"]
    lines.append("    libc.free(h0)")
    return HEAD + "\n".join(lines) + "\n"


SHAPES = {
    "finally-nested": (lambda n: finally_nested(n), (5, 10, 20)),
    "finally-jumps": (lambda n: finally_nested(n, jumps=True), (4, 8, 16)),
    "finally-paths": (finally_paths, (5, 10, 20)),
    "triples": (triples, (150, 300, 600)),
    "loop-tries": (loop_tries, (25, 50, 100)),
    "shift": (shift, (115, 230, 460)),
    "elif": (elif_chain, (500, 1000, 2000)),
    "branches": (branches, (150, 300, 600)),
    "pairs": (pairs, (1000, 2000, 4000)),
}


def measure(source: str, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "shape.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
        command = [sys.executable, "-c", _TIMER, str(timeout), sys.executable, "-m", "ownlint", "--jobs", "1",
                   "--no-cache", "--isolated", "--format", "json", "--file-time-limit", "0", "--file-memory-limit", "0",
                   path]
        env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", ROOT)}
        out = subprocess.run(command, stdout=subprocess.PIPE, env=env, check=True).stdout
    head, _, body = out.partition(b"\n")
    result = json.loads(head)
    result["findings"] = sorted({f["code"] for f in json.loads(body or b"[]")})
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="shapes to run (default: all)")
    parser.add_argument("--sizes", action="append", default=[], metavar="NAME=A,B,C", help="other sizes for a shape")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run before it is given up")
    args = parser.parse_args()
    sizes = {name: default for name, (_, default) in SHAPES.items()}
    for item in args.sizes:
        name, _, values = item.partition("=")
        sizes[name] = tuple(int(v) for v in values.split(","))
    failed = False
    startup = measure(HEAD + "def f():\n    libc.free(libc.malloc(8))\n    libc.free(libc.malloc(8))\n", args.timeout)
    print(f"{'startup':15} {'':6}  {startup['seconds']:7.2f} s  {startup['peak_kib'] / 1024:7.0f} MiB  "
          "(a two-line function: what every run below costs anyway)", flush=True)
    for name in args.shape or list(SHAPES):
        make = SHAPES[name][0]
        previous = None
        for size in sizes[name]:
            result = measure(make(size), args.timeout)
            mib = result["peak_kib"] / 1024
            if result["code"] is None:
                print(f"{name:15} {size:6}  over {args.timeout:.0f} s (given up)")
                failed = True
                break
            growth = ""
            if previous is not None:
                growth = f"  x{result['seconds'] / previous[0]:.2f} time, x{mib / previous[1]:.2f} memory"
            found = "OWN102 found" if "OWN102" in result["findings"] else f"OWN102 MISSING ({result['findings']})"
            failed = failed or "OWN102" not in result["findings"]
            print(f"{name:15} {size:6}  {result['seconds']:7.2f} s  {mib:7.0f} MiB  {found}{growth}", flush=True)
            previous = (result["seconds"], mib)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
