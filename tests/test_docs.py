"""The generated rule pages match the rules' own documentation, and every rule has one."""

from pathlib import Path

from ownlint import catalog
from ownlint.report import ruledocs

from .clirun import run

DOCS = Path(__file__).resolve().parent.parent / ruledocs.DOCS_DIR
REGENERATE = "stale; run `python scripts/generate_rule_docs.py` and commit docs/rules"


def test_rule_pages_are_up_to_date():
    expected = ruledocs.pages(catalog.RULES.values())
    present = {p.name for p in DOCS.glob("*.md")}
    assert present == set(expected), REGENERATE
    for name, text in expected.items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, f"docs/rules/{name} is {REGENERATE}"


def test_every_rule_has_an_explain_page_with_every_section():
    for code in catalog.RULES:
        status, out, err = run("explain", code)
        assert (status, err) == (0, "")
        assert out == (DOCS / f"{code}.md").read_text(encoding="utf-8")
        for heading in ("## What it does", "## Why is this bad?", "## Known problems", "## Example",
                        "## Use instead", "## References"):
            assert heading in out, (code, heading)
