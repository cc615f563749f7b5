"""Fuzzing: generated and mutated programs give findings or a per-file error, never a crash,
and the same output for --jobs 1 and --jobs 2.

Bounded for CI: a fixed number of programs, a fixed seed for the mutants. The number of
programs tried and of crashes is printed at the end of the test run (conftest.py).
"""

import json
import random
from pathlib import Path

import pytest

from .clirun import run
from .expectations import STACK_PACK

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "tests" / "fixtures").glob("*.py"), *(ROOT / "examples" / "stack").glob("*.py")])
# Lines that make a program interesting to ownlint, so that it is parsed and analysed.
PRELUDE = "import ctypes\nlibc = ctypes.CDLL(None)\n"

TALLY = {"generated": 0, "mutated": 0, "crashes": 0}


def lint_both_ways(directory):
    """Lint `directory` with --jobs 1 and --jobs 2; the outputs must be identical and clean of crashes."""
    args = ("--pack", str(STACK_PACK), "--format", "json", "--no-cache", "--isolated", ".")
    one = run("-j", "1", *args, cwd=directory)
    two = run("-j", "2", *args, cwd=directory)
    code, out, err = one
    crashes = [line for line in err.splitlines() if "internal error" in line or "crashed" in line]
    TALLY["crashes"] += len(crashes)
    assert crashes == []
    assert one == two
    assert code in (0, 1, 2)
    reported = {f["path"] for f in json.loads(out)} | {line.split(": ")[1] for line in err.splitlines()}
    return reported


@hypothesis.settings(max_examples=15, deadline=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(programs=hypothesis.strategies.lists(hypothesmith.from_grammar(), min_size=4, max_size=4))
def test_generated_programs(programs, tmp_path_factory):
    directory = tmp_path_factory.mktemp("generated")
    for number, program in enumerate(programs):
        (directory / f"p{number}.py").write_text(PRELUDE + program, encoding="utf-8", errors="surrogatepass")
    lint_both_ways(directory)
    TALLY["generated"] += len(programs)


def _mutate(text: str, rng: random.Random) -> bytes:
    lines = text.splitlines(keepends=True)
    if not lines:  # an earlier mutation cut the text to nothing: nothing left to mutate
        return b""
    kind = rng.randrange(7)
    at = rng.randrange(len(lines))
    if kind == 0:
        del lines[at]
    elif kind == 1:
        lines.insert(at, lines[rng.randrange(len(lines))])
    elif kind == 2:
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == 3:
        lines[at] = "    " + lines[at]
    elif kind == 4:
        lines[at] = lines[at].lstrip()
    elif kind == 5:
        data = "".join(lines).encode()
        return data[: rng.randrange(len(data) + 1)]
    else:
        data = bytearray("".join(lines).encode())
        for _ in range(rng.randrange(1, 4)):
            data.insert(rng.randrange(len(data)), rng.randrange(256))
        return bytes(data)
    return "".join(lines).encode()


def test_mutated_fixtures(tmp_path):
    rng = random.Random(20261123)
    count = 0
    for source in SOURCES:
        text = source.read_text()
        for _ in range(12):
            mutant = text
            for _ in range(rng.randrange(1, 4)):
                mutant = _mutate(mutant, rng).decode("utf-8", errors="replace")
            (tmp_path / f"{source.stem}_{count}.py").write_bytes(mutant.encode("utf-8", errors="surrogateescape"))
            count += 1
    reported = lint_both_ways(tmp_path)
    TALLY["mutated"] += count
    assert count >= 100
    assert reported <= {p.name for p in tmp_path.glob("*.py")}
