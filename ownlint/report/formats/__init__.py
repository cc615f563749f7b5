"""Output formats: each is an emitter behind one interface, looked up in one registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TextIO

from ...types import RunResult
from . import github, gitlab, json_format, sarif, statistics, text


@dataclass(frozen=True)
class Options:
    color: bool = False  # ANSI colours (text only); the CLI decides from the terminal and NO_COLOR/FORCE_COLOR
    quiet: bool = False  # findings only: no summary line
    statistics: bool = False  # counts per rule instead of the findings (text and json)


Emitter = Callable[[RunResult, TextIO, Options], None]

REPORTERS: dict[str, Emitter] = {
    "text": text.emit,
    "json": json_format.emit,
    "sarif": sarif.emit,
    "github": github.emit,
    "gitlab": gitlab.emit,
}

STATISTICS: dict[str, Emitter] = {
    "text": statistics.emit_text,
    "json": statistics.emit_json,
}


def names() -> list[str]:
    return sorted(REPORTERS)


def emit(name: str, result: RunResult, stream: TextIO, options: Options = Options()) -> None:
    table = STATISTICS if options.statistics else REPORTERS
    table[name](result, stream, options)
