"""What a user sees: suppressions, fingerprints, baselines, rule documentation and the output formats.

Takes in: Findings and a RunResult (types.py). Hands on: text, JSON, SARIF, GitHub and GitLab output.
Never imports analysis/, contracts/ or run/: reporting knows findings, not how they were found.
"""
