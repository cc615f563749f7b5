"""The folders follow the pipeline, and imports only run downstream (STYLE.md, house rule 11).

Each module's imports are read with `ast` (nothing is imported), resolved to ownlint's
own modules, and checked against the table below: a stage may import only the stages
it names. A new module in a new folder must be given a row.
"""

from __future__ import annotations

import ast
import os

import pytest

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ownlint")

# stage -> the stages it may import (besides itself). `ownlint` is the package's
# __init__ (version, homepage). Leaves first.
ALLOWED = {
    "ownlint": set(),
    "ownlint.types": set(),
    "ownlint.source": set(),
    "ownlint.catalog": {"ownlint.types"},
    "ownlint.contracts": {"ownlint.types", "ownlint.source"},
    "ownlint.analysis": {"ownlint.types", "ownlint.source", "ownlint.contracts"},
    "ownlint.report": {"ownlint", "ownlint.types", "ownlint.source", "ownlint.catalog"},
    "ownlint.run": {"ownlint", "ownlint.types", "ownlint.source", "ownlint.catalog", "ownlint.contracts",
                    "ownlint.analysis", "ownlint.report"},
    "ownlint.cli": {"ownlint", "ownlint.types", "ownlint.catalog", "ownlint.contracts", "ownlint.report",
                    "ownlint.run"},
    "ownlint.__main__": {"ownlint.cli"},
}
# Past lowering, nothing sees a libcst node: these modules work on events and spans.
NO_CST = {"ownlint.analysis.events", "ownlint.analysis.typestate", "ownlint.analysis.flow",
          "ownlint.analysis.deaths", "ownlint.analysis.classes"}


def _modules() -> dict[str, str]:
    found = {}
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, os.path.dirname(PACKAGE))[:-3].split(os.sep)
                if parts[-1] == "__init__":
                    parts.pop()
                found[".".join(parts)] = path
    return found


MODULES = _modules()


def imports(module: str, path: str) -> set[str]:
    """The modules `module` imports, absolute (relative imports resolved)."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:  # `from . import facts` imports a module, `from .facts import Facts` a name
                out.add(f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in MODULES else origin)
    return out


def stage(module: str) -> str:
    """The row of ALLOWED a module belongs to: its folder, or itself at the top."""
    parts = module.split(".")
    return ".".join(parts[:2])


def violations(module: str, path: str) -> list[str]:
    own = stage(module)
    if own not in ALLOWED:
        return [f"{module}: no row for {own} in ALLOWED (a new folder: say what it may import)"]
    known = set(MODULES)
    wrong = []
    for target in sorted(imports(module, path)):
        if target not in known:  # a name imported from a module, or not ownlint's
            continue
        other = stage(target)
        if other != own and other not in ALLOWED[own]:
            wrong.append(f"{module} imports {target}: {own} may import only {sorted(ALLOWED[own]) or 'nothing'}")
    if module in NO_CST and any(t == "libcst" or t.startswith("libcst.") for t in imports(module, path)):
        wrong.append(f"{module} imports libcst: past lowering nothing sees a CST node")
    return wrong


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_downstream(module):
    assert violations(module, MODULES[module]) == []


def test_the_stages_are_folders():
    assert {stage(m) for m in MODULES} == set(ALLOWED)


def test_a_forbidden_import_is_caught(tmp_path):
    # The check itself: contracts/ importing analysis/ and flow importing libcst are refused.
    bad = tmp_path / "packs.py"
    bad.write_text("from ..analysis import facts\nfrom . import cdecls\n")
    assert violations("ownlint.contracts.packs", str(bad)) == [
        "ownlint.contracts.packs imports ownlint.analysis.facts: ownlint.contracts may import only "
        "['ownlint.source', 'ownlint.types']"]
    bad.write_text("import libcst as cst\n")
    assert violations("ownlint.analysis.flow", str(bad)) == [
        "ownlint.analysis.flow imports libcst: past lowering nothing sees a CST node"]
