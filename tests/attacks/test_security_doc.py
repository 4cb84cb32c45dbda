"""docs/security.md: every abuse case names a test, and that test exists (`make test` runs it)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`([\w/.-]+\.py)::(test_\w+)`")


def abuse_rows() -> list[str]:
    table = DOC.read_text(encoding="utf-8").split("## Abuse cases", 1)[1]
    return [line for line in table.splitlines() if re.match(r"\| A\d+a? \|", line)]


def test_every_abuse_case_names_a_test_that_exists() -> None:
    rows = abuse_rows()
    assert len(rows) >= 20
    for row in rows:
        found = REFERENCE.findall(row)
        assert found, f"no `path::test` in: {row}"
        for path, name in found:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^(async )?def {name}\(", source, re.MULTILINE), f"{path} has no {name}"


def test_the_six_items_of_the_outside_review_each_have_an_attack_test() -> None:
    named = {path for row in abuse_rows() for path, _ in REFERENCE.findall(row)}
    for item in range(1, 7):
        assert any(Path(path).name.startswith(f"test_{item}_") for path in named), item
