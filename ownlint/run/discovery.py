"""Find the Python files to lint under the given paths, honouring .gitignore files and excludes.

Gitignore semantics come from pathspec (the same matcher black and others use), never
from hand-written glob code. Explicitly named files are always linted.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from typing import Iterator, Optional

import pathspec

from .config import Settings, pattern_problem


@dataclass(frozen=True)
class Target:
    path: str  # as shown to the user
    absolute: str


@dataclass(frozen=True)
class Missing:
    path: str
    reason: str


def _exclude_spec(settings: Settings) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(settings.exclude + settings.extend_exclude)


def _gitignore(directory: str) -> Optional[pathspec.PathSpec]:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = list(handle)
    except OSError:
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # a line that is no pattern (`!`, a trailing backslash): git skips it, so does ownlint
        return pathspec.GitIgnoreSpec.from_lines([line for line in lines if not pattern_problem(line)])


def _ignored(spec_stack, absolute: str, is_dir: bool) -> bool:
    for base, spec in spec_stack:
        relative = os.path.relpath(absolute, base).replace(os.sep, "/")
        if is_dir:
            relative += "/"
        if spec.match_file(relative):
            return True
    return False


def _excluded(exclude: pathspec.PathSpec, root: str, absolute: str, is_dir: bool) -> bool:
    relative = os.path.relpath(absolute, root).replace(os.sep, "/")
    name = os.path.basename(absolute)
    suffix = "/" if is_dir else ""
    if exclude.match_file(name + suffix):
        return True
    return not relative.startswith("..") and exclude.match_file(relative + suffix)


def _gitignores_above(directory: str, stop: str) -> list:
    """The .gitignore files of the directories from the repository root down to `directory`."""
    stack = []
    current = directory
    while True:
        spec = _gitignore(current)
        if spec is not None:
            stack.append((current, spec))
        if os.path.isdir(os.path.join(current, ".git")) or current == stop:
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return list(reversed(stack))


def discover(paths: list[str], settings: Settings) -> Iterator[object]:
    """Yield a Target for each file to lint, or Missing for a path that does not exist."""
    exclude = _exclude_spec(settings)
    seen: set[str] = set()
    for given in paths:
        absolute = os.path.abspath(given)
        kind, reason = _kind(absolute)
        if kind == "file":
            if absolute not in seen:
                seen.add(absolute)
                yield Target(given, absolute)
            continue
        if kind != "dir":
            yield Missing(given, reason)
            continue
        base_specs = _gitignores_above(absolute, os.path.dirname(absolute)) if settings.respect_gitignore else []
        yield from _walk(given, absolute, settings, exclude, base_specs, seen)


def _walk(given, top, settings, exclude, base_specs, seen) -> Iterator[Target]:
    specs_by_dir: dict[str, list] = {top: base_specs}
    for directory, dirnames, filenames in os.walk(top, followlinks=False):
        specs = specs_by_dir.pop(directory, base_specs)
        if settings.respect_gitignore and directory != top:
            own = _gitignore(directory)
            if own is not None:
                specs = specs + [(directory, own)]
        kept = []
        for name in sorted(dirnames):
            child = os.path.join(directory, name)
            if _excluded(exclude, settings.root, child, True) or _ignored(specs, child, True):
                continue
            kept.append(name)
            specs_by_dir[child] = specs
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            child = os.path.join(directory, name)
            if _excluded(exclude, settings.root, child, False) or _ignored(specs, child, False):
                continue
            if child in seen:
                continue
            seen.add(child)
            shown = os.path.normpath(os.path.join(given, os.path.relpath(child, top)))
            kind, reason = _kind(child)
            # Only regular files are read: a named pipe would block the run forever.
            yield Target(shown, child) if kind == "file" else Missing(shown, reason)


def _kind(path: str) -> tuple[str, str]:
    """("file" | "dir" | "other", why it cannot be linted), following symbolic links."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "other", "symbolic link loop (too many levels of symbolic links)"
        if os.path.islink(path):
            return "other", "broken symbolic link (its target does not exist)"
        if exc.errno == errno.ENOENT:
            return "other", "no such file or directory"
        return "other", f"cannot read it: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return "file", ""
    if stat.S_ISDIR(mode):
        return "dir", ""
    return "other", "not a regular file (a named pipe, socket or device); skipped"


def _namespace_subpackage(folder: str) -> bool:
    """A folder with no `__init__.py` inside a regular package (PEP 420: weasyprint's
    `text/`) is still a subpackage: `from ..text.ffi import x` reaches into it."""
    parent, package = os.path.split(folder)
    return package.isidentifier() and os.path.isfile(os.path.join(parent, "__init__.py"))


def module_location(path: str) -> tuple[str, str]:
    """Where a file is imported from and as what: the folder above its packages
    (`__init__.py`), which Python must have on its path, and its dotted module name.
    `src/wand/image.py` is `wand.image` from `src`; a package's `__init__.py` is
    `wand.__init__`; a file outside any package is imported from its own folder."""
    folder, name = os.path.split(os.path.abspath(path))
    parts = [name[:-3] if name.endswith(".py") else name]
    while os.path.isfile(os.path.join(folder, "__init__.py")) or _namespace_subpackage(folder):
        parent, package = os.path.split(folder)
        if not package:
            break
        folder = parent
        parts.insert(0, package)
    return folder, ".".join(parts)
