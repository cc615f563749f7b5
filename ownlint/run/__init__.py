"""Driving a run: configuration, discovery, prefilter, slicing and parsing, cache, worker processes, rounds.

Takes in: paths and settings (from cli.py). Hands on: a RunResult (types.py) to report/.
Never imports cli.py; and nothing below (analysis/, contracts/, report/) imports run/: they do not call back.
"""
