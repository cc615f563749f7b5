"""`python -m ownlint`."""

from .cli import run

run()
