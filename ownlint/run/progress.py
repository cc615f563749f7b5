"""A progress line on stderr for long runs, on a terminal only.

Nothing is shown for the first seconds (most runs end before that), nor when stderr is
not a terminal (CI logs, pre-commit), so the output of a pipeline never changes.
"""

from __future__ import annotations

import time
from typing import TextIO

DELAY = 2.0  # seconds before the first update
INTERVAL = 0.1  # seconds between updates


class Progress:
    def __init__(self, stream: TextIO, clock=time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < DELAY or now - self.last < INTERVAL:
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\rownlint: {done}/{total} files")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown:  # erase the line so the report starts clean
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def wanted(stream: TextIO, quiet: bool) -> bool:
    try:
        return not quiet and stream.isatty()
    except (AttributeError, ValueError):
        return False
