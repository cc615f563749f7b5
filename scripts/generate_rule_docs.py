"""Write docs/rules/*.md from the rules' own documentation (tests/test_docs.py fails when they are stale)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from ownlint import catalog  # noqa: E402
from ownlint.report import ruledocs  # noqa: E402


def main() -> int:
    target = os.path.join(os.path.dirname(HERE), ruledocs.DOCS_DIR)
    os.makedirs(target, exist_ok=True)
    pages = ruledocs.pages(catalog.RULES.values())
    for name in os.listdir(target):
        if name.endswith(".md") and name not in pages:
            os.remove(os.path.join(target, name))
    for name, text in sorted(pages.items()):
        with open(os.path.join(target, name), "w", encoding="utf-8") as handle:
            handle.write(text)
    print(f"wrote {len(pages)} pages to {ruledocs.DOCS_DIR}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
