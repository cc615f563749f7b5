"""ownlint: a static linter for ownership misuse in Python code that calls C through ctypes or cffi."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/ownlint/ownlint"
