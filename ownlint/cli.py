"""The command line: `ownlint [PATH ...]`, `ownlint explain CODE`, `ownlint rules`, `ownlint config`.

Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error (or a
path that could not be analysed at all).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from typing import Optional, Sequence, TextIO

from . import __version__, catalog
from .contracts import packs
from .report import baseline, formats as reporters, libraries as report_libraries, ruledocs
from .report.formats.text import display_path
from .run import cache, config, engine, parallel, progress
from .types import ConfigError

SUBCOMMANDS = ("explain", "rules", "config", "infer", "libraries", "packs")


def _lint_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ownlint",
        description="Find ownership bugs in Python code that calls C through ctypes or cffi.",
        epilog="Subcommands: `ownlint explain CODE`, `ownlint rules`, `ownlint config [PATH]`, `ownlint infer FILE...`, "
               "`ownlint libraries [PATH ...]`, `ownlint packs`.",
    )
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", choices=reporters.names(), default="text", help="output format (default: text)")
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    _add_config_options(parser)
    parser.add_argument("--baseline", metavar="FILE", help="report only findings that FILE does not list")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="record the current findings in FILE (for --baseline) and exit 0")
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per rule instead")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only: no summary, no progress")
    parser.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                        help="worker processes (default: one per CPU core)")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help=f"where to keep the result cache (default: {cache.DIRECTORY}/ next to the configuration)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
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
    parser.add_argument("--max-file-size", type=_size, metavar="SIZE",
                        help="do not analyse larger files (default: 10MB; 0: no limit)")
    parser.add_argument("--file-time-limit", type=_seconds, metavar="SECONDS",
                        help="CPU time the analysis of one file may take (default: 60; 0: no limit)")
    parser.add_argument("--file-memory-limit", type=_size, metavar="SIZE",
                        help="memory the analysis of one file may take (default: 2GB; 0: no limit)")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 process, got {value}")
    return value


def _size(text: str) -> int:
    size = config.parse_size(text.strip())
    if size is None:
        raise argparse.ArgumentTypeError(f"expected a size such as 10MB, 512kB or 1000000, got {text!r}")
    return size


def _seconds(text: str) -> float:
    try:
        seconds = config.parse_seconds(float(text))
    except ValueError:
        seconds = None
    if seconds is None:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}")
    return seconds


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
    limits = {"max-file-size": args.max_file_size, "file-time-limit": args.file_time_limit,
              "file-memory-limit": args.file_memory_limit}
    return config.build(path, select=args.select, extend_select=args.extend_select,
                        ignore=args.ignore, packs=args.pack, extend_exclude=args.extend_exclude, limits=limits)


def use_color(stream: TextIO, environ=os.environ) -> bool:
    """Colour on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it anywhere (and wins)."""
    if environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    if environ.get("NO_COLOR", ""):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _lint(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    parser = _lint_parser()
    args = parser.parse_args(argv)
    if args.statistics and args.format not in reporters.STATISTICS:
        parser.error(f"--statistics works with --format {' or '.join(sorted(reporters.STATISTICS))}, "
                     f"not {args.format}")
    settings = _settings(args, args.paths[0])
    contracts = packs.load_contracts(settings.packs)
    accepted = baseline.load(args.baseline) if args.baseline and not args.write_baseline else frozenset()
    if args.write_baseline:
        baseline.target(args.write_baseline)  # refused before the run, not after it
    meter = progress.Progress(stderr) if progress.wanted(stderr, args.quiet) else None
    store = None
    if not args.no_cache:
        store = cache.Cache(args.cache_dir or os.path.join(settings.root, cache.DIRECTORY), contracts.pack_paths)
    jobs = args.jobs or parallel.default_jobs()
    try:
        result = engine.lint(list(args.paths), settings, contracts, accepted, meter, jobs, store, args.debug)
    finally:
        if meter is not None:
            meter.finish()
    for error in result.errors:
        stderr.write(f"ownlint: {display_path(error.path)}: {error.message}\n")
    if args.write_baseline:
        written = baseline.write(args.write_baseline, result.findings)
        if not args.quiet:
            stderr.write(f"ownlint: wrote {written} finding{'s' if written != 1 else ''} to {args.write_baseline}\n")
        return 2 if result.errors else 0
    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8") as handle:
                reporters.emit(args.format, result, handle, _options(args, handle))
        except OSError as exc:
            raise ConfigError(args.output_file, f"cannot write the report: {exc.strerror or exc}",
                              key="--output-file") from None
    else:
        reporters.emit(args.format, result, stdout, _options(args, stdout))
    if result.errors:
        return 2
    return 0 if args.exit_zero or not result.findings else 1


def _options(args: argparse.Namespace, stream: TextIO) -> reporters.Options:
    return reporters.Options(color=args.format == "text" and use_color(stream), quiet=args.quiet,
                             statistics=args.statistics)


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
    stdout.write(ruledocs.render(rule))
    return 0


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
        f"max-file-size = {settings.max_file_size!r}  # bytes, from {settings.origins.get('max-file-size', default)}",
        f"file-time-limit = {settings.file_time_limit!r}  # CPU seconds, from "
        f"{settings.origins.get('file-time-limit', default)}",
        f"file-memory-limit = {settings.file_memory_limit!r}  # bytes, from "
        f"{settings.origins.get('file-memory-limit', default)}",
        f"packs = {list(contracts.pack_paths)!r}  # shipped defaults plus {settings.origins.get('packs', 'nothing else')}",
    ]
    stdout.write("\n".join(lines) + "\n")
    return 0


def _infer(argv: Sequence[str], stdout: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="ownlint infer",
                                     description="Print a draft rule pack from a binding's declarations: cffi cdefs, "
                                                 "ctypes prototypes, or C headers.")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="a Python file with ffi.cdef(\"...\") declarations or ctypes prototypes, "
                             "or C headers (.h), read together in order")
    parser.add_argument("--output-file", metavar="FILE", help="write the pack to FILE instead of stdout")
    args = parser.parse_args(argv)
    from .contracts import infer  # libcst and pycparser: only for this subcommand

    text = infer.infer_files(args.files)
    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise ConfigError(args.output_file, f"cannot write the pack: {exc.strerror or exc}",
                              key="--output-file") from None
    else:
        stdout.write(text)
    return 0


def _libraries(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    parser = argparse.ArgumentParser(
        prog="ownlint libraries",
        description="List every C library the code loads or calls, and where each C function's contract comes from.")
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    _add_config_options(parser)
    parser.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                        help="worker processes (default: one per CPU core)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    args = parser.parse_args(argv)
    settings = _settings(args, args.paths[0])
    contracts = packs.load_contracts(settings.packs)
    store = None if args.no_cache else cache.Cache(os.path.join(settings.root, cache.DIRECTORY), contracts.pack_paths)
    result = engine.lint(list(args.paths), settings, contracts, jobs=args.jobs or parallel.default_jobs(), cache=store,
                         loaded_at=True)
    for error in result.errors:
        stderr.write(f"ownlint: {error.path}: {error.message}\n")
    report_libraries.emit(result.libraries, stdout, args.format)
    return 2 if result.errors else 0


def _packs(argv: Sequence[str], stdout: TextIO) -> int:
    parser = argparse.ArgumentParser(prog="ownlint packs",
                                     description="List the shipped rule packs and the C libraries they describe.")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    args = parser.parse_args(argv)
    rows = packs.describe_shipped()
    if args.format == "json":
        stdout.write(json.dumps({"packs": rows}, indent=2) + "\n")
        return 0
    for row in rows:
        how = "; ".join(f"{key} {', '.join(row[key])}" for key in ("paths", "modules", "prefixes") if row[key])
        stdout.write(f"{row['name']:<16} {row['functions']:>4} functions, {row['patterns']:>2} patterns  "
                     f"{row['description']}\n{'':<16} {'always active' if row['default'] else 'recognised by ' + how}\n")
    return 0


def _dispatch(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    if argv and argv[0] == "explain":
        return _explain(argv[1:], stdout)
    if argv and argv[0] == "rules":
        return _rules(argv[1:], stdout)
    if argv and argv[0] == "config":
        return _config(argv[1:], stdout)
    if argv and argv[0] == "infer":
        return _infer(argv[1:], stdout)
    if argv and argv[0] == "libraries":
        return _libraries(argv[1:], stdout, stderr)
    if argv and argv[0] == "packs":
        return _packs(argv[1:], stdout)
    return _lint(argv, stdout, stderr)


def main(argv: Optional[Sequence[str]] = None, stdout: TextIO = None, stderr: TextIO = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    debug = "--debug" in argv
    try:
        # argparse writes usage errors and --help to sys.stderr/sys.stdout: route them to ours.
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            return _dispatch(argv, stdout, stderr)
    except ConfigError as exc:
        stderr.write(f"ownlint: error: {exc}\n")
        return 2
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    except BrokenPipeError:  # `ownlint | head`: the reader has gone, which is not an error of ours
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the flush at interpreter exit
        except OSError:
            pass
        return 1
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
