"""The whole bulletin: every figure paragraph of the seed article, written from the demo set
in the article's units and roundings; the wording from a template a county edits.

Expected phrases are the seed article's own (read from the shared material, punctuation made
full-width as the bulletin writes it); expected figures are typed from the article and
golden.md, never taken from the code."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_addin.cli import main
from xl_addin.outputs.bulletin import (
    BulletinTemplateError,
    bulletin_figures,
    default_template,
    load_template,
    render_paragraphs,
)
from xl_addin.outputs.indicators import RATES, add_counts, compute_rates, format_rate
from xl_addin.outputs.summary import build_workbook, county_summary
from xl_addin.validation.batch import check_paths

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"

# Phrases of the seed article carrying its figures (article punctuation is half-width).
ARTICLE_PHRASES = [
    "全县64家规模工业企业已开复工62家、开复工率96.88%,规模工业企业上岗人员9633人、上岗率96.3%;"
    "计划2月开复工的21个重点项目全部开复工、开复工率100%,到岗人数1034人、到岗率98%",
    "2331家小微企业",
    "储备口罩30万个",
    "共开展AGM检测670人次",
    "共发现隐患57条并全部整改到位",
    "全县返乡农民工人数1.969万人,已返岗1.936万人,返岗率为98.3%",
    "全县贫困劳动力总数为13137人,其中务工人员10383人,目前已返岗人员9085人"
    "(其中省外5220人,省内县外2178人,县内1687人),待返岗人员752人,未复工人员546人",
    "促成银企意向合作13项10930万元",
    "2个项目1180万元,贷款利率3.05%",
    "4.05%降低1个百分点",
    "共办理业务4笔168万元,担保费率均降低至0.5%",
    "为12家企业发放一次性稳岗补贴41.87万元",
    "共发放创业担保贷款17笔335万元,落实疫情期间创业担保贷款展期政策12笔120万元",
]

# The named figures (docs/formats.md), as the article prints them.
ARTICLE_FIGURES = {
    "enterprises": 64, "enterprises_resumed": 62, "resumption_rate": "96.88%",
    "on_duty": 9633, "on_duty_rate": "96.3%", "month_label": "2月", "projects_planned": 21,
    "projects_resumed": 21, "project_resumption_rate": "100%", "projects_arrived": 1034,
    "arrival_rate": "98%", "small_micro": 2331,
    "migrants_wan": "1.969", "migrants_back_wan": "1.936", "migrant_return_rate": "98.3%",
    "poor_total": 13137, "poor_working": 10383, "poor_back": 9085,
    "poor_out_of_province": 5220, "poor_in_province": 2178, "poor_in_county": 1687,
    "poor_waiting": 752, "poor_not_resumed": 546,
    "bank_intent_count": 13, "bank_intent_amount": "10930", "bank_loan_count": 2,
    "bank_loan_amount": "1180", "bank_loan_rate": "3.05%", "bank_loan_lpr": "4.05%",
    "bank_loan_rate_cut": "1", "bank_loan_below_lpr": True,
    "guarantee_count": 4, "guarantee_amount": "168", "guarantee_fee_rate": "0.5%",
    "refund_enterprises": 12, "refund_amount_wan": "41.87",
    "startup_loan_count": 17, "startup_loan_amount": "335",
    "loan_extension_count": 12, "loan_extension_amount": "120",
    "hazards": 57, "hazards_closed": 57, "hazard_fix_rate": "100%",
    "agm_tests": 670, "masks_in_wan": "30",
}


def full_width(text: str) -> str:
    return (text.replace(",", "，").replace(";", "；").replace("(", "（")
            .replace(")", "）"))


@pytest.fixture(scope="module")
def batch():
    return check_paths([str(DEMO)], jobs=2)


@pytest.fixture(scope="module")
def summary(batch):
    return county_summary(batch)


@pytest.fixture(scope="module")
def article(shared) -> str:
    return next(shared("seed").glob("*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize("phrase", ARTICLE_PHRASES)
def test_every_figure_phrase_of_the_article_is_in_the_bulletin(summary, article, phrase):
    assert phrase in article, "the phrase is the article's"
    text = "".join(summary.paragraphs())
    assert full_width(phrase) in text


def test_the_figures_are_the_articles_in_its_units(summary):
    figures = summary.bulletin_figures()
    assert {k: figures[k] for k in ARTICLE_FIGURES} == ARTICLE_FIGURES


def test_the_paragraphs_of_the_article(summary):
    paragraphs = summary.paragraphs()
    assert paragraphs[0].startswith("截至3月11日，全县64家规模工业企业")
    assert paragraphs[0] == summary.bulletin()
    # the article's three 保障 paragraphs, each with its own figures
    labour = next(p for p in paragraphs if p.startswith("落实用工保障"))
    finance = next(p for p in paragraphs if p.startswith("落实资金保障"))
    policy = next(p for p in paragraphs if p.startswith("落实政策保障"))
    assert "1.969万人" in labour and "13137人" in labour and "10930万元" not in labour
    assert "10930万元" in finance and "0.5%" in finance and "41.87万元" not in finance
    assert "41.87万元" in policy and "335万元" in policy and "120万元" in policy
    assert all("\n" not in p and p == p.strip() for p in paragraphs)
    assert all("{{" not in p and "None" not in p for p in paragraphs)


def test_english_bulletin(summary):
    paragraphs = summary.paragraphs("en")
    assert paragraphs[0].startswith("As of 2020-03-11, 62 of the county's 64 scale")
    text = " ".join(paragraphs)
    for figure in ("1.969", "1.936", "98.3%", "13137", "10930", "3.05%", "4.05%", "0.5%",
                   "41.87", "670", "57 hazards found, all rectified"):
        assert figure in text
    assert not re.search(r"[一-龥]{3}", text.replace("万元", "").replace("2月", ""))


def test_the_bulletin_sheet_holds_one_paragraph_a_row(summary, batch):
    book = build_workbook(summary, batch)
    sheet = book["通报"]
    rows = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert rows == summary.paragraphs()
    assert len(rows) == 6
    assert "全县返乡农民工人数1.969万人" in rows[3]


def test_summary_command_prints_and_writes_the_whole_bulletin(tmp_path):
    out = tmp_path / "county.xlsx"
    result = CliRunner().invoke(main, ["summary", str(DEMO), "--out", str(out)])
    assert result.exit_code == 0, result.output
    printed = [p for p in result.stdout.split("\n\n") if p.strip()]
    assert printed[0].startswith("截至3月11日，全县64家")
    assert any("为12家企业发放一次性稳岗补贴41.87万元" in p for p in printed)
    sheet = openpyxl.load_workbook(out)["通报"]
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == [p.strip() for p in printed]


def test_summary_json_carries_paragraphs_and_figures():
    result = CliRunner().invoke(main, ["summary", str(DEMO), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["bulletin"] == data["bulletin_paragraphs"][0]
    assert len(data["bulletin_paragraphs"]) == 6
    assert {k: data["bulletin_figures"][k] for k in ARTICLE_FIGURES} == ARTICLE_FIGURES
    assert data["counts"]["bank_loan_rated_amount"] == 1180
    assert data["counts"]["guarantee_fee_min"] == data["counts"]["guarantee_fee_max"] == 0.005


# --- a county's own template --------------------------------------------------------

def test_a_county_template_changes_the_wording_without_code(tmp_path, summary):
    template = tmp_path / "我县通报.j2"
    template.write_text("{{ date_phrase }}，{{ scope }}共排查隐患{{ hazards }}条，\n"
                        "已整改{{ hazards_closed }}条。\n\n\n"
                        "储备口罩{{ masks_in_wan }}万个。\n", encoding="utf-8")
    out = tmp_path / "county.xlsx"
    result = CliRunner().invoke(main, ["summary", str(DEMO), "--bulletin-template",
                                       str(template), "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = ["截至3月11日，全县共排查隐患57条，已整改57条。", "储备口罩30万个。"]
    assert result.stdout == expected[0] + "\n\n" + expected[1] + "\n"
    sheet = openpyxl.load_workbook(out)["通报"]
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == expected


def test_a_county_template_may_extend_the_shipped_one(tmp_path, summary):
    template = tmp_path / "county.j2"
    template.write_text('{% extends "bulletin.zh.j2" %}\n'
                        "{% block policy %}政策兑现：稳岗补贴{{ refund_amount_wan }}万元。"
                        "{% endblock %}", encoding="utf-8")
    summary_copy = county_summary(check_paths([str(DEMO / "泷泊镇_2020-03-11.xlsx")], jobs=1))
    summary_copy.bulletin_template = str(template)
    paragraphs = summary_copy.paragraphs()
    assert len(paragraphs) == 6
    assert paragraphs[-1].startswith("政策兑现：稳岗补贴")
    assert paragraphs[0].startswith("截至3月11日，")
    assert "落实用工保障" in paragraphs[3]


def test_a_template_with_a_byte_order_mark_and_crlf(tmp_path, summary):
    template = tmp_path / "bom.j2"
    template.write_bytes("\ufeff第一段{{ hazards }}条\r\n\r\n第二段".encode())
    rendered = render_paragraphs(load_template(template), summary.bulletin_figures(),
                                 date_phrase="截至3月11日", scope="全县",
                                 as_of=dt.date(2020, 3, 11))
    assert rendered == ["第一段57条", "第二段"]


@pytest.mark.parametrize(("source", "code", "line", "needle"), [
    ("第一行\n第二行{{ nope_figure }}\n", "bulletin_template_unknown", 2, "nope_figure"),
    # Jinja2 reports an unclosed tag at the line where the template's text runs out
    ("第一行\n\n{% if hazards %}\n没有结束", "bulletin_template_syntax", 3, "第 3 行"),
    ("{{ hazards | no_such_filter }}", "bulletin_template_syntax", 1, "no_such_filter"),
    ("a\nb\n{{ hazards.nothing_here }}", "bulletin_template_unknown", 3, "nothing_here"),
    ("a\n{{ hazards + '条' }}", "bulletin_template_failed", 2, "第 2 行"),
    ("{# only a comment #}\n\n   \n", "bulletin_template_empty", None, "没有生成任何文字"),
])
def test_a_broken_template_gives_a_clear_message(tmp_path, summary, source, code, line, needle):
    template = tmp_path / "broken.j2"
    template.write_text(source, encoding="utf-8")
    with pytest.raises(BulletinTemplateError) as caught:
        render_paragraphs(load_template(template), summary.bulletin_figures(),
                          date_phrase="截至3月11日", scope="全县", as_of=dt.date(2020, 3, 11))
    assert caught.value.code == code
    if line is not None:
        assert caught.value.params["line"] == line
    message = caught.value.message("zh")
    assert str(template.resolve()) in message and "通报模板" in message
    assert needle in message


def test_a_broken_template_stops_summary_cleanly(tmp_path):
    template = tmp_path / "broken.j2"
    template.write_text("{{ date_phrase }}\n{{ 返乡人数 }}", encoding="utf-8")
    out = tmp_path / "county.xlsx"
    result = CliRunner().invoke(main, ["summary", str(DEMO), "--bulletin-template",
                                       str(template), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "通报模板" in result.stderr and "第 2 行" in result.stderr
    assert "返乡人数" in result.stderr
    assert not out.exists()  # nothing written from a bulletin that cannot be made


def test_a_missing_template_file(tmp_path):
    result = CliRunner().invoke(main, ["summary", str(DEMO), "--bulletin-template",
                                       str(tmp_path / "nowhere.j2")])
    assert result.exit_code == 2
    assert "无法读取通报模板" in result.stderr and "nowhere.j2" in result.stderr
    assert result.stdout == ""


def test_the_shipped_templates_exist_for_both_languages():
    for lang in ("zh", "en"):
        path = default_template(lang)
        assert path.is_file()
        assert "{% block headline" in path.read_text(encoding="utf-8")


# --- incomplete data: never 全县 ------------------------------------------------------

def test_a_township_missing_is_named_in_every_paragraph_that_says_county(tmp_path):
    folder = tmp_path / "ten"
    shutil.copytree(DEMO, folder)
    (folder / "麻江镇_2020-03-11.xlsx").unlink()
    summary = county_summary(check_paths([str(folder)], jobs=2))
    scope = "已报送的10个乡镇（共11个乡镇，麻江镇未报送）"
    paragraphs = summary.paragraphs()
    assert paragraphs[0].startswith(f"截至3月11日，{scope}61家规模工业企业")
    labour = next(p for p in paragraphs if p.startswith("落实用工保障"))
    assert f"{scope}返乡农民工人数" in labour and f"{scope}贫困劳动力总数" in labour
    assert "全县" not in "".join(paragraphs)


# --- figures from hand-made counts: roundings, rates, extremes ----------------------

def _figures(**counts):
    base = {k: 0 for k in ("enterprises", "staff", "projects_planned", "projects_planned_staff",
                           "migrants", "hazards", "issues")}
    base.update(counts)
    rates = compute_rates({**base, **{r.numerator: base.get(r.numerator, 0) for r in RATES}})
    shown = {r.key: format_rate(r, rates[r.key]) for r in RATES}
    return bulletin_figures(base, shown, "2020-02")


@pytest.mark.parametrize(("people", "wan"), [
    (19690, "1.969"), (12345, "1.235"),  # half away from zero, not to even (1.234)
    (19695, "1.97"), (10000, "1"), (5, "0.001"), (4, "0"), (0, "0"),
])
def test_people_in_wan_with_three_decimals(people, wan):
    assert _figures(migrants=people)["migrants_wan"] == wan


@pytest.mark.parametrize(("yuan", "wan"), [
    (Decimal("418700.00"), "41.87"), (Decimal("418750.00"), "41.88"),
    (Decimal("418749.99"), "41.87"), (Decimal("400000"), "40"), (Decimal("50.00"), "0.01"),
])
def test_refunds_in_wan_yuan_with_two_decimals(yuan, wan):
    assert _figures(refund_amount=yuan)["refund_amount_wan"] == wan


def test_amounts_already_in_wan_keep_their_decimals():
    figures = _figures(bank_intent_amount=Decimal("10930.125"), guarantee_amount=Decimal("168.5"))
    assert figures["bank_intent_amount"] == "10930.13"
    assert figures["guarantee_amount"] == "168.5"


def test_loan_rates_weighted_by_amount_and_not_called_equal_when_they_differ(summary):
    # 100 万元 at 3.05% and 300 万元 at 3.85%, LPR 4.05%: (3.05 + 3 × 3.85) / 4 = 3.65%
    figures = _figures(bank_loan_count=2, bank_loan_amount=400, bank_loan_rated_amount=400,
                       bank_loan_rate_weighted=Decimal("100") * Decimal("0.0305")
                       + Decimal("300") * Decimal("0.0385"),
                       bank_loan_lpr_weighted=Decimal("400") * Decimal("0.0405"),
                       bank_loan_rate_min=Decimal("0.0305"), bank_loan_rate_max=Decimal("0.0385"))
    assert figures["bank_loan_rate"] == "3.65%"
    assert figures["bank_loan_rate_cut"] == "0.4"
    template = load_template()
    text = "".join(render_paragraphs(template, figures, date_phrase="截至3月11日", scope="全县",
                                     as_of=dt.date(2020, 3, 11)))
    assert "平均贷款利率3.65%（3.05%至3.85%）、较同期市场报价利率4.05%降低0.4个百分点" in text
    assert "贷款利率3.65%、" not in text


def test_a_loan_above_the_lpr_is_not_called_a_cut():
    figures = _figures(bank_loan_count=1, bank_loan_amount=100, bank_loan_rated_amount=100,
                       bank_loan_rate_weighted=Decimal("4.5"),
                       bank_loan_lpr_weighted=Decimal("4.05"),
                       bank_loan_rate_min=Decimal("0.045"), bank_loan_rate_max=Decimal("0.045"))
    assert figures["bank_loan_below_lpr"] is False
    text = "".join(render_paragraphs(load_template(), figures, date_phrase="截至3月11日",
                                     scope="全县", as_of=dt.date(2020, 3, 11)))
    assert "贷款利率4.5%；" in text and "降低" not in text.split("落实资金保障")[1].split("；")[0]


def test_no_loan_rates_leave_the_clause_out():
    figures = _figures(bank_loan_count=0, guarantee_count=0)
    assert figures["bank_loan_rate"] is None and figures["guarantee_fee_rate"] is None
    text = "".join(render_paragraphs(load_template(), figures, date_phrase="截至3月11日",
                                     scope="全县", as_of=dt.date(2020, 3, 11)))
    assert "现已落实0个项目0万元；融资担保共办理业务0笔0万元。" in text
    assert "None" not in text


def test_county_extremes_over_townships():
    a = {"bank_loan_rate_min": Decimal("0.04"), "bank_loan_rate_max": Decimal("0.045"),
         "guarantee_fee_min": None, "guarantee_fee_max": None,
         "bank_loan_rated_amount": 100, "bank_loan_rate_weighted": Decimal("4")}
    b = {"bank_loan_rate_min": Decimal("0.0305"), "bank_loan_rate_max": Decimal("0.0305"),
         "guarantee_fee_min": None, "guarantee_fee_max": None,
         "bank_loan_rated_amount": 200, "bank_loan_rate_weighted": Decimal("6.1")}
    total = add_counts([a, b, {}])
    assert total["bank_loan_rate_min"] == Decimal("0.0305")
    assert total["bank_loan_rate_max"] == Decimal("0.045")
    assert total["guarantee_fee_min"] is None and total["guarantee_fee_max"] is None
    assert total["bank_loan_rated_amount"] == 300
    assert total["bank_loan_rate_weighted"] == Decimal("10.1")


def test_an_error_in_a_block_of_an_extending_template_names_the_county_file(tmp_path, summary):
    template = tmp_path / "county.j2"
    template.write_text('{% extends "bulletin.zh.j2" %}\n'
                        "{% block labour %}\n用工：\n{{ migrant_wan }}万人{% endblock %}",
                        encoding="utf-8")
    with pytest.raises(BulletinTemplateError) as caught:
        render_paragraphs(load_template(template), summary.bulletin_figures(),
                          date_phrase="截至3月11日", scope="全县", as_of=dt.date(2020, 3, 11))
    assert caught.value.code == "bulletin_template_unknown"
    assert caught.value.params == {"file": str(template.resolve()), "line": 4,
                                   "name": "migrant_wan"}
