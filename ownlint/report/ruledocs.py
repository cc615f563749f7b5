"""A rule's documentation as Markdown, in ruff's sections.

One renderer for `ownlint explain`, the generated `docs/rules/*.md` pages and the help
text in SARIF, so that the three never disagree.
"""

from __future__ import annotations

from .. import HOMEPAGE
from ..types import Rule

DOCS_DIR = "docs/rules"


def help_uri(rule: Rule) -> str:
    return f"{HOMEPAGE}/blob/main/{DOCS_DIR}/{rule.code}.md"


def render(rule: Rule) -> str:
    parts = [
        f"# {rule.name} ({rule.code})\n",
        f"{rule.summary}{'' if rule.default else ' (strict: off by default)'}\n",
        f"## What it does\n{rule.what}\n",
        f"## Why is this bad?\n{rule.why}\n",
        f"## Known problems\n{rule.known_problems}\n",
        f"## Example\n```python\n{rule.example}\n```\n",
        f"## Use instead\n```python\n{rule.use_instead}\n```\n",
        f"## Options\n{rule.options}\n",
    ]
    if rule.references:
        parts.append("## References\n" + "".join(f"- {ref}\n" for ref in rule.references))
    return "\n".join(parts)


def index(rules) -> str:
    """docs/rules/README.md: every rule, linked to its page."""
    rows = "".join(
        f"| [{r.code}]({r.code}.md) | {r.name} | {'yes' if r.default else 'no (strict)'} | {r.summary} |\n"
        for r in rules
    )
    return (
        "# ownlint rules\n\n"
        "Generated from the rules' own documentation by `python scripts/generate_rule_docs.py`; do not edit.\n\n"
        "| code | name | on by default | finds |\n|---|---|---|---|\n" + rows
    )


def pages(rules) -> dict[str, str]:
    """File name -> content of every generated page."""
    out = {f"{rule.code}.md": render(rule) for rule in rules}
    out["README.md"] = index(rules)
    return out
