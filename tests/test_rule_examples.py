"""Every rule's own INVALID examples fire exactly as marked, and its VALID examples stay quiet."""

import pytest

from ownlint import catalog
from ownlint.report.ruledocs import render as render_doc

from .expectations import actual, expected

CASES = [
    pytest.param(rule.code, kind, index, source, id=f"{rule.code}-{kind}-{index}")
    for rule in catalog.RULES.values()
    for kind, examples in (("invalid", rule.invalid), ("valid", rule.valid))
    for index, source in enumerate(examples)
]


@pytest.mark.parametrize("code,kind,index,source", CASES)
def test_example(tmp_path, code, kind, index, source):
    path = tmp_path / f"{code.lower()}_{kind}_{index}.py"
    path.write_text(source)
    marks = expected(source)
    if kind == "invalid":
        assert any(c == code for _, _, c in marks), "an INVALID example must expect its own rule"
    else:
        assert not marks
    # The default rules plus this one: strict rules only speak in their own examples.
    default = [c for c, r in catalog.RULES.items() if r.default]
    assert actual(str(path), extra_packs=(), select=default + [code]) == marks


@pytest.mark.parametrize("rule", list(catalog.RULES.values()), ids=lambda r: r.code)
def test_rule_is_documented(rule):
    assert rule.invalid and rule.valid
    doc = render_doc(rule)
    for heading in ("## What it does", "## Why is this bad?", "## Known problems", "## Example", "## Use instead"):
        assert heading in doc
    assert rule.code.startswith("OWN") and len(rule.code) == 6
