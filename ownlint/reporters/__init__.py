"""Output formats: each is an emitter behind one interface, looked up in one registry."""

from __future__ import annotations

from typing import Callable, TextIO

from ..engine import RunResult
from . import json_format, text

Emitter = Callable[[RunResult, TextIO], None]

REPORTERS: dict[str, Emitter] = {
    "text": text.emit,
    "json": json_format.emit,
}


def names() -> list[str]:
    return sorted(REPORTERS)


def emit(name: str, result: RunResult, stream: TextIO) -> None:
    REPORTERS[name](result, stream)
