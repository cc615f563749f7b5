"""The command line: `ownlint [PATH ...]`, `ownlint explain CODE`, `ownlint rules`, `ownlint config`.

Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error (or a
path that could not be analysed at all).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import Optional, Sequence, TextIO

from . import __version__, catalog, config, engine, packs, reporters
from .types import ConfigError, Rule

SUBCOMMANDS = ("explain", "rules", "config")


def _lint_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ownlint",
        description="Find ownership bugs in Python code that calls C through ctypes or cffi.",
        epilog="Subcommands: `ownlint explain CODE`, `ownlint rules`, `ownlint config [PATH]`.",
    )
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", choices=reporters.names(), default="text", help="output format (default: text)")
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    _add_config_options(parser)
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument("--version", action="version", version=f"ownlint {__version__}")
    return parser


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pack", action="append", default=[], metavar="FILE",
                        help="add a rule pack (a shipped name or a .toml file); repeatable")
    parser.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable (replaces the default)")
    parser.add_argument("--extend-select", type=_codes, help="codes or prefixes to enable in addition")
    parser.add_argument("--ignore", type=_codes, help="codes or prefixes to disable")
    parser.add_argument("--extend-exclude", type=_codes, metavar="PATTERNS",
                        help="comma-separated gitignore-style patterns to exclude in addition")
    parser.add_argument("--config", metavar="FILE", help="use this ownlint.toml or pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files")


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _settings(args: argparse.Namespace, start: str) -> config.Settings:
    if args.isolated:
        path = None
    elif args.config:
        if not os.path.isfile(args.config):
            raise ConfigError(args.config, "configuration file not found", key="--config")
        path = args.config
    else:
        path = config.find_config(start)
    return config.build(path, select=args.select, extend_select=args.extend_select,
                        ignore=args.ignore, packs=args.pack, extend_exclude=args.extend_exclude)


def _lint(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    args = _lint_parser().parse_args(argv)
    settings = _settings(args, args.paths[0])
    contracts = packs.load_contracts(settings.packs)
    result = engine.lint(list(args.paths), settings, contracts)
    for error in result.errors:
        stderr.write(f"ownlint: {error.path}: {error.message}\n")
    if args.output_file:
        with open(args.output_file, "w", encoding="utf-8") as handle:
            reporters.emit(args.format, result, handle)
    else:
        reporters.emit(args.format, result, stdout)
    if result.errors:
        return 2
    return 0 if args.exit_zero or not result.findings else 1


def _explain(argv: Sequence[str], stdout: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="ownlint explain", description="Print a rule's documentation.")
    parser.add_argument("code", help="a rule code such as OWN101, or its name such as use-after-release")
    args = parser.parse_args(argv)
    wanted = args.code.strip()
    rule = catalog.RULES.get(wanted.upper()) or next(
        (r for r in catalog.RULES.values() if r.name == wanted.lower()), None
    )
    if rule is None:
        raise ConfigError("command line", f"unknown rule {wanted!r}; run `ownlint rules` for the list", key="explain")
    stdout.write(render_doc(rule))
    return 0


def render_doc(rule: Rule) -> str:
    """A rule's documentation as Markdown (ruff's sections)."""
    parts = [
        f"# {rule.name} ({rule.code})\n",
        f"{rule.summary}{'' if rule.default else ' (strict: off by default)'}\n",
        f"## What it does\n{rule.what}\n",
        f"## Why is this bad?\n{rule.why}\n",
        f"## Known problems\n{rule.known_problems}\n",
        f"## Example\n```python\n{rule.example}\n```\n",
        f"## Use instead\n```python\n{rule.use_instead}\n```\n",
        f"## Options\n{rule.options}\n",
    ]
    if rule.references:
        parts.append("## References\n" + "".join(f"- {ref}\n" for ref in rule.references))
    return "\n".join(parts)


def _rules(argv: Sequence[str], stdout: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="ownlint rules", description="List every rule and whether it is enabled.")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    _add_config_options(parser)
    args = parser.parse_args(argv)
    enabled = _settings(args, ".").enabled
    rows = [
        {"code": r.code, "name": r.name, "enabled": r.code in enabled, "default": r.default, "summary": r.summary}
        for r in catalog.RULES.values()
    ]
    if args.format == "json":
        json.dump(rows, stdout, indent=2)
        stdout.write("\n")
        return 0
    width = max(len(r["name"]) for r in rows)
    for row in rows:
        state = "on " if row["enabled"] else "off"
        stdout.write(f"{row['code']}  {row['name']:<{width}}  {state}  {row['summary']}\n")
    return 0


def _config(argv: Sequence[str], stdout: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="ownlint config", description="Print the configuration used for a path.")
    parser.add_argument("path", nargs="?", default=".")
    _add_config_options(parser)
    args = parser.parse_args(argv)
    settings = _settings(args, args.path)
    contracts = packs.load_contracts(settings.packs)
    default = "default"
    lines = [
        f"# configuration file: {settings.source or '(none)'}",
        f"enabled = {sorted(settings.enabled)!r}  # " + ", ".join(
            f"{key} from {settings.origins.get(key, default)}" for key in ("select", "extend-select", "ignore")
        ),
        f"exclude = {list(settings.exclude)!r}  # from {settings.origins.get('exclude', default)}",
        f"extend-exclude = {list(settings.extend_exclude)!r}",
        f"per-file-ignores = {dict((p, list(c)) for p, c in settings.per_file_ignores)!r}",
        f"respect-gitignore = {settings.respect_gitignore!r}",
        f"packs = {list(contracts.pack_paths)!r}  # shipped defaults plus {settings.origins.get('packs', 'nothing else')}",
    ]
    stdout.write("\n".join(lines) + "\n")
    return 0


def main(argv: Optional[Sequence[str]] = None, stdout: TextIO = None, stderr: TextIO = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    debug = "--debug" in argv
    try:
        if argv and argv[0] == "explain":
            return _explain(argv[1:], stdout)
        if argv and argv[0] == "rules":
            return _rules(argv[1:], stdout)
        if argv and argv[0] == "config":
            return _config(argv[1:], stdout)
        return _lint(argv, stdout, stderr)
    except ConfigError as exc:
        stderr.write(f"ownlint: error: {exc}\n")
        return 2
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        stderr.write("ownlint: interrupted\n")
        return 2
    except Exception as exc:  # never a bare traceback: a one-line report, details with --debug
        if debug:
            traceback.print_exc(file=stderr)
        stderr.write(f"ownlint: internal error: {type(exc).__name__}: {exc} (run with --debug for details)\n")
        return 2


def run() -> None:
    sys.exit(main())
