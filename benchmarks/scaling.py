#!/usr/bin/env python3
"""Whole-project analysis scales close to linearly: a generated project of N modules.

    python benchmarks/scaling.py [--sizes 100,300,1000] [--jobs 1]

Each generated package has a native module that calls C (a factory and a destroyer),
layers of wrapper modules above it (each wrapping the layer below, re-exported through
the package's __init__), and application modules that only call wrappers, with one
leak and one double release each. The number of findings is checked (every bug is
found through the wrappers), and the time per module is printed for each size: with the
fixpoint's bound (run/engine.ROUNDS rounds across modules, analysis/module.ROUNDS within one), each
file is analysed a bounded number of times, so the time per module stays flat.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PACK = os.path.join(ROOT, "examples", "stack", "stack.toml")
LAYERS = 2  # wrapper modules between the native module and the applications
APPS = 7  # application modules per package: 10 modules per package in all

NATIVE = """from _stack_cffi import ffi, lib


def create(capacity):
    s = lib.stack_create(capacity)
    if s == ffi.NULL:
        raise MemoryError
    return s


def destroy(s):
    lib.stack_destroy(s)
"""

LAYER = """from .{below} import {make_below}, {free_below}


def {make}(capacity):
    return {make_below}(capacity)


def {free}(s):
    {free_below}(s)
"""

APP = """from {package} import {make}, {free}


def leaky_{n}():
    s = {make}(4)
    return len(str(s))


def twice_{n}():
    s = {make}(4)
    {free}(s)
    {free}(s)


def fine_{n}():
    s = {make}(4)
    try:
        return len(str(s))
    finally:
        {free}(s)
"""


def generate(root: str, modules: int) -> int:
    """Write packages of 10 modules each; return the number of bugs planted."""
    bugs = 0
    for p in range(max(1, modules // (2 + LAYERS + APPS))):
        package = os.path.join(root, f"pkg{p}")
        os.makedirs(package)
        with open(os.path.join(package, "native.py"), "w") as handle:
            handle.write(NATIVE)
        below, make_below, free_below = "native", "create", "destroy"
        for layer in range(LAYERS):
            name, make, free = f"layer{layer}", f"make{layer}", f"free{layer}"
            with open(os.path.join(package, f"{name}.py"), "w") as handle:
                handle.write(LAYER.format(below=below, make_below=make_below, free_below=free_below,
                                          make=make, free=free))
            below, make_below, free_below = name, make, free
        with open(os.path.join(package, "__init__.py"), "w") as handle:
            handle.write(f"from .{below} import {make_below}, {free_below}\n")
        for a in range(APPS):
            with open(os.path.join(root, f"app{p}_{a}.py"), "w") as handle:
                handle.write(APP.format(package=f"pkg{p}", make=make_below, free=free_below, n=a))
            bugs += 2
    return bugs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,300,1000", help="project sizes in modules (default 100,300,1000)")
    parser.add_argument("--jobs", default="1", help="--jobs for ownlint (default 1)")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": ROOT}
    print(f"# ownlint scaling: generated projects, --jobs {args.jobs}, Python {sys.version.split()[0]}\n")
    print("| modules | findings (planted) | seconds | ms per module |\n|---:|---:|---:|---:|")
    ok = True
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as root:
            bugs = generate(root, size)
            files = sum(len(f) for _, _, f in os.walk(root))
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "ownlint", "--isolated", "--no-cache", "--format", "json",
                 "--jobs", args.jobs, "--pack", PACK, root],
                capture_output=True, text=True, env=env,
            )
            elapsed = time.perf_counter() - start
            found = len(json.loads(done.stdout or "[]"))
            ok &= found == bugs
            print(f"| {files} | {found} ({bugs}) | {elapsed:.2f} | {1000 * elapsed / files:.1f} |")
    print(f"\nevery planted bug found through {LAYERS} wrapper modules and a re-export: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
