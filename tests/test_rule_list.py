"""docs/rules.md: the list of every registered rule, generated from the registry."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from xl_addin.outputs.rule_list import rules_markdown
from xl_addin.rules.registry import all_rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_docs_rules_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: xl-addin rules --out docs/rules.md")


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)` \|", line)
        if match:
            rows[match[1]] = [c.strip() for c in line.strip("|").split(" | ")]
    return rows


def test_every_registered_rule_has_one_row_with_both_messages() -> None:
    rows = _rows()
    assert set(rows) == set(all_rules())
    for rule_id, cells in rows.items():
        assert len(cells) == 8, rule_id
        zh, en = cells[5], cells[6]
        # uscc and idcard show the reason the calculation core gives, in either language
        assert re.search(r"[\u4e00-\u9fff]", zh) or zh == "{reason}", rule_id
        assert zh != en, rule_id


def test_sheets_of_a_rule_follow_the_schemas() -> None:
    """The sheets column, checked against the YAML read here independently."""
    by_rule: dict[str, set[str]] = {}
    for path in SCHEMAS.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for check in data.get("checks", ()):
            sheet = data.get("sheet") or check.get("sheet")
            by_rule.setdefault(check["check"], set()).add(sheet)
    rows = _rows()
    for rule_id in ("sum_le", "running_stock", "same_day_if", "exists_in", "shared_liaison"):
        assert set(rows[rule_id][7].split("、")) == by_rule[rule_id], rule_id
    assert rows["shared_liaison"][7].split("、") == ["规模工业企业", "重点项目"]
