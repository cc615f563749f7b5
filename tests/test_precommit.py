"""The real pre-commit tool runs the hook from this checkout (`pre-commit try-repo`).

Marked `network`: pre-commit builds the hook's environment by installing ownlint and its
dependencies from PyPI. Run with `python -m pytest -m network tests/test_precommit.py`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .clirun import BUGGY

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.network


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")
    path = tmp_path_factory.mktemp("consumer")
    git(path, "init", "-q")
    (path / "buggy.py").write_text(BUGGY)
    (path / "clean.py").write_text("import ctypes\n\nsize = ctypes.sizeof(ctypes.c_int)\n")
    git(path, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    return path, env


def try_repo(repo, *files):
    path, env = repo
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "ownlint", "--files", *files],
        cwd=path, env=env, capture_output=True, text=True, timeout=600,
    )


def test_hook_fails_on_the_buggy_file(repo):
    proc = try_repo(repo, "buggy.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ownlint" in proc.stdout and "Failed" in proc.stdout
    assert "buggy.py:10:5: OWN102 `buf` is released again by `libc.free`" in proc.stdout


def test_hook_passes_on_the_clean_file(repo):
    proc = try_repo(repo, "clean.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
