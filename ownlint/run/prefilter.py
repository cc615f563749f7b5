"""Decide from a file's bytes alone whether it can involve FFI code; files that cannot are not parsed.

A file can only produce findings if it mentions ctypes/cffi (or a loader such as
`CDLL`/`dlopen`), or a function name that a pack applies to any receiver. The scan is
one regular expression over the bytes: far cheaper than parsing (SPEC §6).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ..contracts.packs import Contracts
from ..contracts.words import tokens

_WORD = re.compile(rb"\w+")
# An alternation costs time per byte and per word: past this many words, a file's word
# tokens are looked up in a set instead (a little slower for a few words, and the same
# answer: `\b(?:w1|w2)\b` matches exactly where a maximal run of word characters is a word).
REGEX_WORDS = 64


class Words:
    """Whole words (`ffi` must not match "efficient") to look for in bytes."""

    def __init__(self, words: Iterable[bytes]) -> None:
        self.words = frozenset(words)
        self._regex = None
        if len(self.words) <= REGEX_WORDS or not all(_WORD.fullmatch(w) for w in self.words):
            alternatives = b"|".join(re.escape(w) for w in sorted(self.words)) or rb"(?!)"
            self._regex = re.compile(rb"\b(?:" + alternatives + rb")\b")

    def search(self, raw: bytes) -> bool:
        if self._regex is not None:
            return self._regex.search(raw) is not None
        return not self.words.isdisjoint(_WORD.findall(raw))


@lru_cache(maxsize=8)
def _words(contracts: Contracts) -> Words:
    return Words(tokens(contracts))


def may_involve_ffi(raw: bytes, contracts: Contracts) -> bool:
    return _words(contracts).search(raw)
