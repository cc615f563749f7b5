"""Find and validate the project configuration (`ownlint.toml`, or `[tool.ownlint]` in pyproject.toml).

The result is one `Settings` value; command-line options are merged in here too, so
every later layer reads settings from one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional

import pathspec

from .. import catalog
from ..contracts import tomlsource
from ..types import ConfigError

_KEYS = {
    "select": list,
    "ignore": list,
    "extend-select": list,
    "per-file-ignores": dict,
    "exclude": list,
    "extend-exclude": list,
    "packs": list,
    "respect-gitignore": bool,
}

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build",
    "buck-out", "build", "dist", "node_modules", "venv", ".ownlint_cache",
)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, after config files and command-line options."""

    enabled: frozenset[str]
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    packs: tuple[tuple[str, Optional[str]], ...] = ()  # (reference, directory it is relative to)
    respect_gitignore: bool = True
    root: str = "."  # the directory patterns are relative to
    source: Optional[str] = None  # the config file, if any
    origins: dict = field(default_factory=dict, hash=False, compare=False)  # key -> where it came from


def find_config(start: str) -> Optional[str]:
    """The nearest ownlint.toml, or pyproject.toml with a [tool.ownlint] table, from `start` up."""
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(directory, "ownlint.toml")
        if os.path.isfile(candidate):
            return candidate
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                data = tomlsource.load(candidate).data
            except ConfigError:
                data = {}
            if isinstance(data.get("tool"), dict) and "ownlint" in data["tool"]:
                return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _read_table(path: str) -> tuple[tomlsource.TomlDocument, dict, tuple[str, ...]]:
    doc = tomlsource.load(path)
    if os.path.basename(path) == "pyproject.toml":
        tool = doc.data.get("tool", {})
        if not isinstance(tool, dict):
            raise doc.error("must be a table", "tool")
        table = tool.get("ownlint", {})
        prefix: tuple[str, ...] = ("tool", "ownlint")
    else:  # ownlint.toml holds the options at the top level, as ruff.toml does
        table, prefix = doc.data, ()
    if not isinstance(table, dict):
        raise doc.error("must be a table", *prefix)
    return doc, table, prefix


def _codes(doc, value: Any, *keys: str) -> tuple[str, ...]:
    for item in value:
        if not isinstance(item, str):
            raise doc.error(f"must list rule codes as strings, not {type(item).__name__}", *keys)
        if not catalog.is_valid_selector(item):
            raise doc.error(
                f"unknown rule code or prefix {item!r}; run `ownlint rules` for the list", *keys
            )
    return tuple(value)


def _strings(doc, value: Any, *keys: str) -> tuple[str, ...]:
    for item in value:
        if not isinstance(item, str):
            raise doc.error(f"must list strings, not {type(item).__name__}", *keys)
    return tuple(value)


def pattern_problem(pattern: str) -> Optional[str]:
    """Why `pattern` is not a gitignore pattern (`!` alone, a trailing backslash), or None."""
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError:  # pathspec's GitWildMatchPatternError
        return f"not a gitignore pattern: {pattern!r}"
    return None


def _patterns(doc, value: Any, *keys: str) -> tuple[str, ...]:
    for item in _strings(doc, value, *keys):
        problem = pattern_problem(item)
        if problem:
            raise doc.error(problem, *keys)
    return tuple(value)


def load_file(path: str) -> dict[str, Any]:
    """Validate a config file; returns its values keyed by option name."""
    doc, table, prefix = _read_table(path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise doc.error("unknown option; allowed: " + ", ".join(sorted(_KEYS)), *prefix, key)
        kind = _KEYS[key]
        if not isinstance(value, kind):
            names = {list: "an array", dict: "a table", bool: "true or false"}
            raise doc.error(f"must be {names[kind]}, not {type(value).__name__}", *prefix, key)
        if key in ("select", "ignore", "extend-select"):
            values[key] = _codes(doc, value, *prefix, key)
        elif key == "per-file-ignores":
            entries = []
            for pattern, codes in value.items():
                if not isinstance(codes, list):
                    raise doc.error("must map each pattern to an array of codes", *prefix, key, pattern)
                if pattern_problem(pattern):
                    raise doc.error(pattern_problem(pattern), *prefix, key, pattern)
                entries.append((pattern, _codes(doc, codes, *prefix, key, pattern)))
            values[key] = tuple(entries)
        elif key in ("exclude", "extend-exclude"):
            values[key] = _patterns(doc, value, *prefix, key)
        elif key == "packs":
            values[key] = _strings(doc, value, *prefix, key)
        else:
            values[key] = value
    return values


def build(
    config_path: Optional[str],
    *,
    select: Optional[list[str]] = None,
    extend_select: Optional[list[str]] = None,
    ignore: Optional[list[str]] = None,
    packs: Optional[list[str]] = None,
    extend_exclude: Optional[list[str]] = None,
) -> Settings:
    """Merge a config file (if any) with command-line options into Settings."""
    values: dict[str, Any] = load_file(config_path) if config_path else {}
    origins = {key: config_path for key in values}
    root = os.path.dirname(os.path.abspath(config_path)) if config_path else os.getcwd()
    for flag, given in (("select", select), ("extend-select", extend_select), ("ignore", ignore)):
        if given is not None and not given:  # `--select ""` would silently turn every rule off
            raise ConfigError("command line", "no rule code given (expected comma-separated codes or prefixes "
                                              "such as OWN101, OWN1 or ALL)", key=f"--{flag}")
        if given is not None:
            for code in given:
                if not catalog.is_valid_selector(code):
                    raise ConfigError("command line", f"unknown rule code or prefix {code!r}", key=f"--{flag}")
            values[flag] = tuple(given) if flag == "select" else tuple(values.get(flag, ())) + tuple(given)
            origins[flag] = "command line"
    for pattern in extend_exclude or ():
        if pattern_problem(pattern):
            raise ConfigError("command line", pattern_problem(pattern), key="--extend-exclude")
    enabled = catalog.select(values.get("select"), values.get("extend-select", ()), values.get("ignore", ()))
    pack_refs = tuple((ref, root) for ref in values.get("packs", ()))
    if packs:
        pack_refs += tuple((ref, os.getcwd()) for ref in packs)
        origins["packs"] = "command line" if not values.get("packs") else f"{config_path} + command line"
    return Settings(
        enabled=enabled,
        exclude=tuple(values.get("exclude", DEFAULT_EXCLUDE)),
        extend_exclude=tuple(values.get("extend-exclude", ())) + tuple(extend_exclude or ()),
        per_file_ignores=tuple(values.get("per-file-ignores", ())),
        packs=pack_refs,
        respect_gitignore=values.get("respect-gitignore", True),
        root=root,
        source=config_path,
        origins=origins,
    )
