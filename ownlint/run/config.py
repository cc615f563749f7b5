"""Find and validate the project configuration (`ownlint.toml`, or `[tool.ownlint]` in pyproject.toml).

The result is one `Settings` value; command-line options are merged in here too, so
every later layer reads settings from one place.
"""

from __future__ import annotations

import os
import re
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
    "headers": list,
    "respect-gitignore": bool,
    "max-file-size": "size",
    "file-time-limit": "seconds",
    "file-memory-limit": "size",
}

# Limits per file: larger files are not read, and an analysis past its CPU time or memory
# is stopped; each is reported as an error line naming the file, and the run goes on.
DEFAULT_MAX_FILE_SIZE = 10 * 10**6  # bytes
DEFAULT_FILE_TIME_LIMIT = 60.0  # seconds of CPU time
DEFAULT_FILE_MEMORY_LIMIT = 2 * 10**9  # bytes
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)

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
    headers: tuple[str, ...] = ()  # C headers whose declarations give inferred contracts (absolute paths)
    respect_gitignore: bool = True
    root: str = "."  # the directory patterns are relative to
    source: Optional[str] = None  # the config file, if any
    origins: dict = field(default_factory=dict, hash=False, compare=False)  # key -> where it came from
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; 0: no limit
    file_time_limit: float = DEFAULT_FILE_TIME_LIMIT  # CPU seconds; 0: no limit
    file_memory_limit: int = DEFAULT_FILE_MEMORY_LIMIT  # bytes; 0: no limit


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


def parse_size(value: Any) -> Optional[int]:
    """Bytes from `10000000`, `"10MB"`, `"512 kB"` or `"2GiB"` (kB, MB, GB are powers of
    1000; KiB, MiB, GiB of 1024); None when it is not a size. 0 means no limit."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    match = _SIZE.match(value)
    if match is None or match.group(2).lower() not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def parse_seconds(value: Any) -> Optional[float]:
    """Seconds from a non-negative number (0 means no limit); None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 or value == float("inf"):
        return None
    return float(value)


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
        if kind == "size":
            size = parse_size(value)
            if size is None:
                raise doc.error(f"must be a size in bytes (an integer, or a string such as \"10MB\"), not {value!r}",
                                *prefix, key)
            values[key] = size
            continue
        if kind == "seconds":
            seconds = parse_seconds(value)
            if seconds is None:
                raise doc.error(f"must be a number of seconds, not {value!r}", *prefix, key)
            values[key] = seconds
            continue
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
        elif key in ("packs", "headers"):
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
    limits: Optional[dict] = None,
) -> Settings:
    """Merge a config file (if any) with command-line options into Settings. `limits`
    holds the per-file limits given on the command line (`max-file-size`, ...)."""
    values: dict[str, Any] = load_file(config_path) if config_path else {}
    origins = {key: config_path for key in values}
    for key, value in (limits or {}).items():
        if value is not None:
            values[key], origins[key] = value, "command line"
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
        headers=tuple(os.path.normpath(os.path.join(root, h)) for h in values.get("headers", ())),
        respect_gitignore=values.get("respect-gitignore", True),
        root=root,
        source=config_path,
        origins=origins,
        max_file_size=values.get("max-file-size", DEFAULT_MAX_FILE_SIZE),
        file_time_limit=values.get("file-time-limit", DEFAULT_FILE_TIME_LIMIT),
        file_memory_limit=values.get("file-memory-limit", DEFAULT_FILE_MEMORY_LIMIT),
    )
