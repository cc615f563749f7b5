"""The analysis of one module: facts -> CFG -> lowering to events -> typestate/flow -> deaths and class checks.

Takes in: a libcst Module and the merged Contracts. Hands on: findings with Spans and the module's exports.
Never imports run/ or report/; nothing past lowering.py (events, typestate, flow, deaths, classes) sees a libcst node.
"""
