"""The shipped demo set against the seed article's published figures (golden.md).

The expected numbers are typed in from golden.md, and the bulletin sentence is taken
from the seed article itself, not from the code."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_addin.cli import main
from xl_addin.outputs.summary import county_summary
from xl_addin.validation.batch import check_paths

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"

# golden.md: indicator -> figure, as the article publishes them.
GOLDEN_COUNTS = {
    "enterprises": 64, "enterprises_resumed": 62, "on_duty": 9633,
    "projects_planned": 21, "projects_resumed": 21, "projects_arrived": 1034,
    "projects_planned_staff": 1055, "small_micro": 2331,
    "migrants": 19690, "migrants_back": 19360,
    "poor_total": 13137, "poor_working": 10383, "poor_back": 9085,
    "poor_out_of_province": 5220, "poor_in_province": 2178, "poor_in_county": 1687,
    "poor_waiting": 752, "poor_not_resumed": 546,
    "hazards": 57, "hazards_closed": 57, "refund_enterprises": 12,
    "startup_loan_count": 17, "startup_loan_amount": 335,
    "loan_extension_count": 12, "loan_extension_amount": 120,
    "bank_intent_count": 13, "bank_intent_amount": 10930,
    "bank_loan_count": 2, "bank_loan_amount": 1180,
    "guarantee_count": 4, "guarantee_amount": 168,
    "agm_tests": 670, "masks_in": 300000,
}
GOLDEN_RATES = {"resumption_rate": "96.88%", "on_duty_rate": "96.3%",
                "project_resumption_rate": "100%", "arrival_rate": "98%",
                "migrant_return_rate": "98.3%", "hazard_fix_rate": "100%"}


@pytest.fixture(scope="module")
def batch():
    return check_paths([str(DEMO)], jobs=2)


def test_demo_has_one_workbook_per_township(batch):
    names = sorted(p.name for p in DEMO.glob("*.xlsx"))
    assert len(names) == 11
    assert all(re.fullmatch(r".+[镇乡]_2020-03-11\.xlsx", n) for n in names)
    assert len({r.township for r in batch.results}) == 11


def test_demo_passes_with_no_error(batch):
    assert batch.exit_code == 0
    assert [f for f in batch.all_findings if f.severity.value == "error"] == []


def test_summary_reproduces_every_golden_figure(batch):
    summary = county_summary(batch)
    got = {k: summary.counts[k] for k in GOLDEN_COUNTS}
    assert got == GOLDEN_COUNTS
    assert float(summary.counts["refund_amount"]) == 418700.00
    shown = summary.shown_rates()
    assert {k: shown[k] for k in GOLDEN_RATES} == GOLDEN_RATES


def test_bulletin_is_the_articles_sentence(batch, shared):
    article = next(shared("seed").glob("*.txt")).read_text(encoding="utf-8")
    sentence = re.search(r"(截至目前[,，]全县.*?到岗率98%)", article)
    assert sentence, "the seed article's opening sentence"
    # the article says 截至目前 and uses half-width punctuation; the summary names the
    # date from 统计日期 and writes full-width punctuation, as golden.md quotes it
    expected = (sentence[1].replace("截至目前", "截至3月11日").replace(",", "，")
                .replace(";", "；"))
    assert county_summary(batch).bulletin() == expected


def test_summary_command_writes_the_county_workbook(tmp_path):
    out = tmp_path / "county.xlsx"
    result = CliRunner().invoke(main, ["summary", str(DEMO), "--out", str(out), "--format",
                                       "json"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    sheet = book["县级汇总"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12  # 11 townships and the 合计 row
    assert rows[-1][0] == "合计"
    col = header.index("规模工业企业数")
    assert sum(r[col] for r in rows[:-1]) == rows[-1][col] == 64
    assert rows[-1][header.index("开复工率")] == pytest.approx(62 / 64)
    assert len(sheet._charts) == 1
    assert "全县64家规模工业企业已开复工62家" in book["通报"]["A1"].value
