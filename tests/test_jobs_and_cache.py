"""--jobs and the result cache change speed only: findings, output and exit codes stay the same."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ownlint.run import cache, engine, parallel

from .clirun import run
from .expectations import STACK_PACK

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples" / "stack"


@pytest.fixture
def tree(tmp_path):
    """Every fixture and example, a suppression, a file that does not parse, one without FFI."""
    for source in [*FIXTURES.glob("*.py"), *EXAMPLES.glob("*.py")]:
        (tmp_path / f"{source.parent.name}_{source.name}").write_text(source.read_text())
    (tmp_path / "broken.py").write_text("import ctypes\ndef f(:\n")
    (tmp_path / "plain.py").write_text("print('no foreign functions here')\n")
    return tmp_path


def lint(tree, *extra):
    return run("--pack", str(STACK_PACK), "--format", "json", *extra, ".", cwd=tree)


def test_output_is_identical_for_any_number_of_jobs(tree):
    one = lint(tree, "--jobs", "1", "--no-cache")
    two = lint(tree, "--jobs", "2", "--no-cache")
    three = lint(tree, "-j", "3", "--no-cache")
    assert one == two == three
    assert one[0] == 1 and len(json.loads(one[1])) > 40


def test_text_output_is_identical_for_any_number_of_jobs(tree):
    assert run("--pack", str(STACK_PACK), "-j", "1", "--no-cache", ".", cwd=tree) == \
        run("--pack", str(STACK_PACK), "-j", "2", "--no-cache", ".", cwd=tree)


def test_jobs_must_be_a_positive_number(tree):
    code, _, err = run("--jobs", "0", ".", cwd=tree)
    assert code == 2 and "argument -j/--jobs: expected at least 1 process, got 0" in err
    code, _, err = run("--jobs", "many", ".", cwd=tree)
    assert code == 2 and "argument -j/--jobs: expected a number of processes, got 'many'" in err


def entries(directory):
    return sorted(p for p in Path(directory).rglob("*.json"))


def test_warm_run_reads_the_cache_and_analyses_nothing(tree, monkeypatch):
    cold = lint(tree, "-j", "1")
    cached = entries(tree / ".ownlint_cache")
    assert len(cached) >= 10  # one per file the prefilter let through
    assert (tree / ".ownlint_cache" / "CACHEDIR.TAG").is_file()

    def must_not_run(*args):
        raise AssertionError("a cached file was analysed again")

    monkeypatch.setattr(engine, "check", must_not_run)
    assert lint(tree, "-j", "1") == cold


def reads(monkeypatch):
    """The names of the files a run reads, in order."""
    seen = []
    real = engine._read

    def spy(item, outcomes, index, *limit):
        seen.append(os.path.basename(item.absolute))
        return real(item, outcomes, index, *limit)

    monkeypatch.setattr(engine, "_read", spy)
    return seen


def test_warm_run_does_not_read_unchanged_files_without_ffi(tree, monkeypatch):
    """The prefilter's "no" is remembered by the file's stat: an unchanged run reads only
    the files it analyses (to hash them for the result cache)."""
    monkeypatch.setattr(cache, "_RACY_NS", 0)  # the files were written a moment ago
    cold = lint(tree, "-j", "1")
    seen = reads(monkeypatch)
    assert lint(tree, "-j", "1") == cold
    assert "plain.py" not in seen and "fixtures_wrappers.py" in seen
    seen.clear()
    (tree / "plain.py").write_text(BUGGY_PLAIN)  # now it calls C
    code, out, _ = lint(tree, "-j", "1")
    assert "plain.py" in seen
    assert ("plain.py", "OWN102") in {(f["path"], f["code"]) for f in json.loads(out)}


BUGGY_PLAIN = """\
import ctypes

libc = ctypes.CDLL(None)
p = libc.malloc(8)
libc.free(p)
libc.free(p)
"""


def test_a_file_modified_just_now_is_not_remembered(tree, monkeypatch):
    """A timestamp can be too coarse to show a second edit in the same instant, so the
    answers for a file modified within the last two seconds are not kept."""
    lint(tree, "-j", "1")
    seen = reads(monkeypatch)
    lint(tree, "-j", "1")
    assert "plain.py" in seen


def test_files_calling_wrappers_are_still_found_on_a_warm_run(tmp_path, monkeypatch):
    """`app.py` has no FFI word; the remembered scans must not hide that it calls the
    package's wrappers, on a warm run nor once a new wrapper appears that a remembered
    file (`later.py`, scanned before `recycle` was a wrapper) calls."""
    monkeypatch.setattr(cache, "_RACY_NS", 0)
    package = tmp_path / "package"
    shutil.copytree(FIXTURES / "package", package)
    (package / "later.py").write_text(LATER)
    cold = lint(package)
    found = {(f["path"], f["code"]) for f in json.loads(cold[1])}
    assert ("app.py", "OWN102") in found and not any(path == "later.py" for path, _ in found)
    assert lint(package) == cold
    tools = package / "stacks" / "tools.py"
    tools.write_text(tools.read_text() + "\n\ndef recycle(s):\n    close_stack(s)\n")
    code, out, _ = lint(package)
    assert {(f["path"], f["line"], f["code"]) for f in json.loads(out) if f["path"] == "later.py"} == \
        {("later.py", 6, "OWN102")}


LATER = """\
from stacks.tools import recycle


def again(s):
    recycle(s)
    recycle(s)
"""


def test_no_cache_neither_reads_nor_writes(tree):
    lint(tree, "--no-cache")
    assert not (tree / ".ownlint_cache").exists()


def test_cache_dir(tree, tmp_path_factory):
    where = tmp_path_factory.mktemp("elsewhere") / "cache"
    lint(tree, "--cache-dir", str(where))
    assert entries(where) and not (tree / ".ownlint_cache").exists()


def test_corrupt_entries_are_ignored_and_rebuilt(tree):
    cold = lint(tree, "-j", "1")
    for entry in entries(tree / ".ownlint_cache"):
        entry.write_text('{"kept": [{"c": "OWN101"')  # truncated
    assert lint(tree, "-j", "1") == cold



def test_a_corrupt_scan_index_is_ignored_and_rebuilt(tree, monkeypatch):
    monkeypatch.setattr(cache, "_RACY_NS", 0)
    cold = lint(tree, "-j", "1")
    [index] = (tree / ".ownlint_cache").glob("scans-*.json")
    for garbage in ('{"plain.py": [[1, 2], {"prefilter": fal', '[1, 2]', '{"plain.py": [[1], 5]}'):
        index.write_text(garbage)
        assert lint(tree, "-j", "1") == cold
        assert json.loads(index.read_text())
    for entry in entries(tree / ".ownlint_cache"):
        json.loads(entry.read_text())


def test_an_edited_file_is_analysed_again(tree):
    lint(tree)
    target = tree / "stack_leaks.py"
    target.write_text(target.read_text().replace("lib.stack_create(4)  # expect: OWN204:5", "pass"))
    code, out, _ = lint(tree)
    assert not any(f["path"] == "stack_leaks.py" and f["code"] == "OWN204" for f in json.loads(out))
    assert code == 1


def test_selection_and_packs_are_part_of_the_key(tree):
    lint(tree)
    code, out, _ = run("--pack", str(STACK_PACK), "--format", "json", "--select", "OWN102", ".", cwd=tree)
    assert {f["code"] for f in json.loads(out)} == {"OWN102"}
    code, out, _ = run("--format", "json", ".", cwd=tree)  # without the stack pack
    assert not any(f["code"] == "OWN106" for f in json.loads(out))


def test_concurrent_runs_share_a_cache_safely(tree):
    command = [sys.executable, "-m", "ownlint", "--pack", str(STACK_PACK), "--format", "json", "-j", "2", "."]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [proc.communicate()[0] for proc in runs]
    expected = lint(tree, "--no-cache")[1]
    assert outputs == [expected] * 3
    assert lint(tree)[1] == expected
    assert not list((tree / ".ownlint_cache").rglob("*.tmp"))


def _die_on_poison(task, shared):
    if task == "poison":
        os._exit(3)
    return f"{shared}:{task}"


def test_a_worker_that_dies_loses_only_its_own_file():
    tasks = ["a", "b", "poison", "c", "d"]
    results = parallel.run(_die_on_poison, tasks, "ok", 2, lambda task, why: f"crashed:{task}")
    assert sorted(results) == [
        ("a", "ok:a"), ("b", "ok:b"), ("c", "ok:c"), ("d", "ok:d"), ("poison", "crashed:poison"),
    ]


def test_summaries_across_modules_survive_the_cache(tmp_path):
    """Exports of every kind (library objects, restype declarations, wrappers, inferred
    contracts) read back from the cache give the same findings as a cold run."""
    shutil.copytree(FIXTURES / "wandlike", tmp_path / "wandlike")
    shutil.copytree(FIXTURES / "package", tmp_path / "package")
    shutil.copy(FIXTURES / "inferred.py", tmp_path / "inferred.py")
    magick = str(ROOT / "examples" / "magickwand" / "magickwand.toml")
    command = ("--pack", magick, "--format", "json", ".")
    cold = run(*command, "--no-cache", cwd=tmp_path)
    assert {f["code"] for f in json.loads(cold[1])} >= {"OWN502", "OWN201", "OWN102"}
    assert run(*command, cwd=tmp_path) == cold  # filling the cache
    assert run(*command, cwd=tmp_path) == cold  # from the cache


def test_cache_keys_are_the_same_in_every_process():
    """The digest of a file's inputs keys its cache entry: it must not depend on the
    per-process salt of string hashes (a frozenset's repr does)."""
    code = ("from ownlint.run import engine; from ownlint.types import LibraryObject; "
            "lib = LibraryObject('lib', ('libx.so',), frozenset('abcdefgh'), True); "
            "print(engine._digest({'pkg.api.lib': ('api.py', lib)}))")
    digests = {
        subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1


def _reshaped(document):
    """Valid JSON of another shape than the cache writes, made from a real entry."""
    text = json.dumps(document)
    yield json.dumps({**document, "exports": []})
    yield json.dumps({**document, "kept": {}})
    yield json.dumps({**document, "error": [1]})
    yield json.dumps({**document, "exports": {"f": ["x.py", {"summary": {"params": "ab"}}]}})
    yield json.dumps({**document, "exports": {"f": ["x.py", {"library": ["lib", [], [], 1], "marker": "m"}]}})
    yield text.replace('"s": [', '"s": [Infinity, ', 1) if '"s": [' in text else '{"kept": [{"s": [NaN]}]}'
    yield text.replace('"c": "OWN', '"c": "XOWN', 1) if '"c": "OWN' in text else '{"kept": [{"c": 1}]}'
    yield text.replace('"m": "', '"m": "\\ud800', 1) if '"m": "' in text else '{"kept": [{"m": "\\ud800"}]}'
    yield "[" * 100_000 + "]" * 100_000
    yield "[]"


def test_cache_entries_of_another_shape_are_misses(tree):
    cold = lint(tree, "-j", "1")
    originals = {entry: json.loads(entry.read_text()) for entry in entries(tree / ".ownlint_cache")
                 if not entry.name.startswith("scans-")}
    assert any(doc["kept"] for doc in originals.values()) and any(doc["exports"] for doc in originals.values())
    shapes = {entry: list(_reshaped(doc)) for entry, doc in originals.items()}
    for variant in range(len(next(iter(shapes.values())))):
        for entry, texts in shapes.items():
            entry.write_text(texts[variant])
        assert lint(tree, "-j", "1") == cold, shapes[next(iter(shapes))][variant][:200]


def test_a_scan_index_of_another_shape_is_rebuilt(tree, monkeypatch):
    monkeypatch.setattr(cache, "_RACY_NS", 0)
    cold = lint(tree, "-j", "1")
    [index] = (tree / ".ownlint_cache").glob("scans-*.json")
    path = str(tree / "plain.py")
    for garbage in ({path: [[1, 2, 3, 4], {"prefilter": 1}]}, {path: [[1, 2, 3, "4"], {}]},
                    {path: [[-1, 2, 3, 4], {}], "x": [[1, 2, 3, 4], []]}, {path: [[1, 2, 3, 4], {}, 5]}):
        index.write_text(json.dumps(garbage))
        assert lint(tree, "-j", "1") == cold
    for garbage in ('{"%s": [[Infinity, 2, 3, 4], {}]}' % path, "[" * 100_000 + "]" * 100_000):
        index.write_text(garbage)
        assert lint(tree, "-j", "1") == cold
        assert json.loads(index.read_text())[path][1]["prefilter"] is False


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_named_pipes_in_the_cache_are_not_opened(tree, monkeypatch):
    monkeypatch.setattr(cache, "_RACY_NS", 0)
    cold = lint(tree, "-j", "1")
    pipes = [*entries(tree / ".ownlint_cache")]
    for entry in pipes:
        entry.unlink()
        os.mkfifo(entry)
    code = subprocess.run([sys.executable, "-m", "ownlint", "--pack", str(STACK_PACK), "--format", "json", "-j", "1",
                           "."], cwd=tree, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=60)
    assert (code.returncode, code.stdout, code.stderr) == cold
    assert lint(tree, "-j", "1") == cold  # the pipes were replaced by entries
    assert all(entry.is_file() for entry in pipes)


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits")
def test_a_full_disk_leaves_no_temporary_files(tree):
    """A file-size limit makes writes into the cache fail after their file was created, as a
    full disk does (40 bytes: less than any entry, enough for the worker pool's semaphores):
    the run's output is the same, and no partial file is left behind."""
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (40, 40)); "
              "from ownlint.cli import main; sys.exit(main())")
    command = [sys.executable, "-c", script, "--pack", str(STACK_PACK), "--format", "json", "-j", "2", "."]
    done = subprocess.run(command, cwd=tree, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == lint(tree, "--no-cache")
    left = sorted(p.name for p in (tree / ".ownlint_cache").rglob("*") if p.is_file())
    assert left == [".gitignore"]


def test_every_input_of_the_analysis_is_part_of_the_key(tmp_path):
    """Each field of a Job decides the file's result (but `debug`, which only words an
    internal error, never cached): changing any one gives another cache entry."""
    import dataclasses

    store = cache.Cache(str(tmp_path), ())
    job = engine.Job("a.py", b"import ctypes\n", frozenset({"OWN101"}), "a.py", False, "pkg.a", None)
    other = {"display": "b.py", "raw": b"import cffi\n", "enabled": frozenset({"OWN102"}), "path_key": "b.py",
             "module": "pkg.b", "external": {"pkg.c.make": ("c.py", "restype:")}, "loaded_at": True}
    key = store.key(engine._inputs(job))
    assert set(other) == {f.name for f in dataclasses.fields(engine.Job)} - {"debug"}
    for name, value in other.items():
        assert store.key(engine._inputs(dataclasses.replace(job, **{name: value}))) != key, name
    assert store.key(engine._inputs(dataclasses.replace(job, debug=True))) == key
