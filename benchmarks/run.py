#!/usr/bin/env python3
"""ownlint's speed and memory, against the cost of parsing with libcst alone, in one run.

    python benchmarks/run.py [--repeat 3] [--corpus stdlib|ffi|all] [--corpus-dir DIR]

Two corpora: the running interpreter's standard library (site-packages excluded), and an
FFI-heavy corpus of released ctypes/cffi bindings (pinned sdists fetched with
../shared/realworld/fetch.py into --corpus-dir). Each figure is the median wall time of
--repeat runs, each in a fresh process; "peak" is the largest resident set of any process
of the run (a worker's or the parent's). The baseline, "libcst parse alone", parses every
file of the corpus with `libcst.parse_module` in one process, and is measured in the same
run, so the ratios hold on any machine. The script also checks that every ownlint
configuration reports the same findings, and prints the targets of issue 6 with PASS/FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FETCH = os.path.join(ROOT, "..", "shared", "realworld", "fetch.py")
FFI_CORPUS = [
    ("pyglet", "2.0.10"),
    ("PySDL2", "0.9.16"),
    ("llvmlite", "0.41.1"),
    ("Wand", "0.6.13"),
    ("pycryptodome", "3.20.0"),
    ("cairocffi", "1.7.1"),
    ("pyvips", "2.2.1"),
    ("cryptography", "38.0.4"),
]

# Runs a command and reports its wall time and the peak RSS of it and its descendants.
_TIMER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
sys.stdout.buffer.write(json.dumps({"seconds": elapsed, "peak_kib": peak, "code": proc.returncode}).encode() + b"\n")
sys.stdout.buffer.write(proc.stdout)
"""

# The baseline: libcst parsing alone, every file, one process.
_PARSE = r"""
import sys, libcst
from ownlint.run import config, discovery
# Exactly the files ownlint lints: its own discovery, with the same options.
settings = config.build(None, extend_exclude=["site-packages"])
for item in discovery.discover(sys.argv[1:], settings):
    if isinstance(item, discovery.Target):
        try:
            with open(item.absolute, "rb") as handle:
                libcst.parse_module(handle.read())
        except Exception:
            pass
"""


def measure(command: list[str]) -> tuple[float, float, bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", _TIMER, *command], stdout=subprocess.PIPE, check=True, env=env).stdout
    header, _, body = out.partition(b"\n")
    figures = json.loads(header)
    return figures["seconds"], figures["peak_kib"] / 1024, body


def median_run(command: list[str], repeat: int, before=None) -> tuple[float, float, bytes]:
    times, peaks, body = [], [], b""
    for _ in range(repeat):
        if before is not None:
            before()
        seconds, peak, body = measure(command)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks), body


def count_files(tops: list[str]) -> int:
    sys.path.insert(0, ROOT)
    from ownlint.run import config, discovery

    settings = config.build(None, extend_exclude=["site-packages"])
    return sum(isinstance(item, discovery.Target) for item in discovery.discover(tops, settings))


def ffi_corpus(directory: str) -> list[str]:
    if not os.path.isfile(FETCH):
        print(f"  (skipped: {FETCH} not found)")
        return []
    os.makedirs(directory, exist_ok=True)
    tops = []
    for name, version in FFI_CORPUS:
        done = subprocess.run([sys.executable, FETCH, name, version, directory], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"  (could not fetch {name} {version}: {done.stderr.strip().splitlines()[-1:]})")
            continue
        tops.append(os.path.join(directory, f"{name}-{version}"))
    return tops


def bench(label: str, tops: list[str], repeat: int, targets: dict) -> list[tuple[str, bool]]:
    files = count_files(tops)
    print(f"\n## {label}: {files} files\n")
    ownlint = [sys.executable, "-m", "ownlint", "--isolated", "--exit-zero", "--format", "json",
               "--extend-exclude", "site-packages"]
    parse, parse_peak, _ = median_run([sys.executable, "-c", _PARSE, *tops], repeat)
    rows = [("libcst parse alone (baseline)", parse, parse_peak)]
    one, one_peak, findings_one = median_run([*ownlint, "--no-cache", "--jobs", "1", *tops], repeat)
    rows.append(("ownlint cold, --jobs 1", one, one_peak))
    two, two_peak, findings_two = median_run([*ownlint, "--no-cache", "--jobs", "2", *tops], repeat)
    rows.append(("ownlint cold, --jobs 2", two, two_peak))
    with tempfile.TemporaryDirectory() as cache:
        cached = [*ownlint, "--jobs", "1", "--cache-dir", os.path.join(cache, "c"), *tops]

        def empty_cache() -> None:
            subprocess.run(["rm", "-rf", os.path.join(cache, "c")], check=True)

        cold, cold_peak, findings_cold = median_run(cached, repeat, before=empty_cache)
        rows.append(("ownlint cold, --jobs 1, filling the cache", cold, cold_peak))
        measure(cached)  # make sure the cache is full
        warm, warm_peak, findings_warm = median_run(cached, repeat)
        rows.append(("ownlint warm (cache), --jobs 1", warm, warm_peak))
    print("| run | median seconds | × libcst parse | peak MB |\n|---|---:|---:|---:|")
    for name, seconds, peak in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / parse:.2f} | {peak:.0f} |")
    same = findings_one == findings_two == findings_cold == findings_warm
    count = len(json.loads(findings_one or b"[]"))
    print(f"\nfindings: {count}; identical for --jobs 1, --jobs 2, cold cache and warm cache: {same}")
    checks = [
        (f"ownlint cold --jobs 1 ≤ {targets['cold']}× libcst parse ({one / parse:.2f}×)", one / parse <= targets["cold"]),
        (f"--jobs 2 ≥ 1.6× faster than --jobs 1 ({one / two:.2f}×)", one / two >= 1.6),
        (f"warm ≤ 10% of cold ({warm / cold:.0%})", warm / cold <= 0.10),
        (f"peak memory < 300 MB ({max(r[2] for r in rows[1:]):.0f} MB)", max(r[2] for r in rows[1:]) < 300),
        ("identical findings in every configuration", same),
    ]
    if targets.get("no_jobs_check"):
        checks.pop(1)
    return [(f"{label}: {text}", ok) for text, ok in checks]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown (default 3)")
    parser.add_argument("--corpus", choices=("stdlib", "ffi", "all"), default="all")
    parser.add_argument("--corpus-dir", default=os.path.join(HERE, ".corpus"),
                        help="where the FFI corpus is downloaded (default: benchmarks/.corpus)")
    args = parser.parse_args()
    print(f"# ownlint benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeat}")
    results = []
    if args.corpus in ("stdlib", "all"):
        stdlib = sysconfig.get_paths()["stdlib"]
        # On the standard library --jobs cannot pay off much: the prefilter leaves a few files.
        print(f"\nstandard library: {stdlib}")
        results += bench("standard library", [stdlib], args.repeat, {"cold": 0.2, "no_jobs_check": True})
    if args.corpus in ("ffi", "all"):
        print("\nfetching the FFI corpus ...")
        tops = ffi_corpus(args.corpus_dir)
        if tops:
            print("  " + ", ".join(os.path.basename(t) for t in tops))
            results += bench("FFI corpus", tops, args.repeat, {"cold": 1.5})
    print("\n## targets\n")
    for text, ok in results:
        print(f"- {'PASS' if ok else 'FAIL'}: {text}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
