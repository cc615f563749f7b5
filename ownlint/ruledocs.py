"""A rule's documentation as Markdown, in ruff's sections.

One renderer for `ownlint explain`, the generated `docs/rules/*.md` pages and the help
text in SARIF, so that the three never disagree.
"""

from __future__ import annotations

from . import HOMEPAGE
from .types import Rule

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
