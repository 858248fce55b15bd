"""Values as clerks type them (issue 12, Values; docs/real-workbooks.md): the coercion of one
column and the parsers under it. Expected values are written from the issue and the edit."""

from __future__ import annotations

import datetime as dt

import pytest

from xl_addin.core.errors import CalcError
from xl_addin.core.messages import text
from xl_addin.core.normalize import clean_text, has_invisible, parse_month_day
from xl_addin.model.spec import load_workbook_spec
from xl_addin.reading.coercion import coerce_column
from xl_addin.rules import cell  # noqa: F401 - declares the coercion's rules
from xl_addin.rules.registry import REGISTRY

AS_OF = dt.date(2020, 3, 11)


def _rules(coerced) -> list[tuple[int, str]]:
    return [(q.index, q.rule) for q in coerced.quirks]


# --- invisible characters -------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["小型\u00a0", "\u00a0小型", "小\u200b型", "\ufeff小型",
                                 "小型\u200d", "小\u2060型", "\u200c小型\u00a0"])
def test_an_invisible_character_is_removed_with_a_warning(raw):
    coerced = coerce_column([raw, "中型"], "text")
    assert coerced.values == ["小型", "中型"]
    assert _rules(coerced) == [(0, "invisible_char")]
    assert coerced.quirks[0].value == "小型" and coerced.quirks[0].original == raw
    assert REGISTRY["invisible_char"].severity.value == "warning"


def test_a_clean_column_and_ordinary_spaces_give_no_warning():
    coerced = coerce_column([" 小型", "中型 ", "大型"], "text")
    assert coerced.values == ["小型", "中型", "大型"] and coerced.quirks == []


def test_a_zero_width_space_alone_is_a_blank():
    coerced = coerce_column(["\u200b", "小型"], "text")
    assert coerced.values == [None, "小型"] and coerced.quirks == []


def test_a_no_break_space_inside_becomes_a_space():
    coerced = coerce_column(["双牌县\u00a0宏达公司"], "text")
    assert coerced.values == ["双牌县 宏达公司"]
    assert _rules(coerced) == [(0, "invisible_char")]


def test_a_zero_width_space_in_a_code_is_dropped_as_a_tidied_code():
    coerced = coerce_column(["91431123MA4122RQ6C\u200b"], "code")
    assert coerced.values == ["91431123MA4122RQ6C"]
    assert _rules(coerced) == [(0, "code_normalized")]


def test_a_number_with_a_no_break_space_is_read():
    coerced = coerce_column(["1\u00a0234"], "count")
    assert coerced.values == [1234] and _rules(coerced) == [(0, "number_as_text")]


def test_clean_text_and_has_invisible():
    assert clean_text("\ufeff 小型\u00a0\u200b") == "小型"
    assert has_invisible("a\u200bb") and has_invisible("\u00a0") and not has_invisible("小型 ")
    assert not has_invisible("\u3000小型")  # the ideographic space is visible: tolerated


# --- rates typed as points -------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "meant"), [(16, "16%"), (3.05, "3.05%"), ("16", "16%"),
                                            ("3.05", "3.05%"), (100.5, "100.5%"),
                                            ("160%", "1.6%"), (1.0001, "1.0001%")])
def test_a_rate_above_100_percent_is_an_error_naming_the_likely_rate(raw, meant):
    coerced = coerce_column([0.16, raw], "rate")
    assert coerced.values == [0.16, None]
    assert _rules(coerced) == [(1, "rate_as_points")] and coerced.unusable == {1}
    assert coerced.quirks[0].value == meant
    assert REGISTRY["rate_as_points"].severity.value == "error"


@pytest.mark.parametrize("raw", [1, 1.0, "100%", 0, 0.24])
def test_a_rate_up_to_100_percent_is_a_rate(raw):
    coerced = coerce_column([raw], "rate")
    assert coerced.values[0] == pytest.approx(float(str(raw).rstrip("%")) / (
        100 if str(raw).endswith("%") else 1))
    assert [q.rule for q in coerced.quirks if q.rule == "rate_as_points"] == []


def test_the_rate_message_names_what_was_probably_meant():
    assert text("rate_as_points", "zh", original="16", value="16%").startswith(
        "比率 16 超过 100%，可能是想填 16%")
    assert "probably 3.05% was meant" in text("rate_as_points", "en", original="3.05",
                                              value="3.05%")


# --- codes stored as numbers -----------------------------------------------------------------

@pytest.mark.parametrize("raw", [431123198805102213, 4.311231988051022e17, 9.14311236828593e17,
                                 1e15, 1234567890123456])
def test_a_long_code_stored_as_a_number_says_the_digits_were_lost(raw):
    coerced = coerce_column([raw], "code")
    assert coerced.values == [None] and _rules(coerced) == [(0, "code_as_number")]
    assert "15" in text("code_as_number", "zh", original="4.3e17", value=None)
    assert "校验位" not in text("code_as_number", "zh", original="4.3e17", value=None)


@pytest.mark.parametrize(("raw", "code"), [(431123100000, "431123100000"),
                                           (431123100000.0, "431123100000"),
                                           (999999999999999, "999999999999999")])
def test_a_code_of_up_to_15_digits_stored_as_a_number_is_exact(raw, code):
    coerced = coerce_column([raw], "code")
    assert coerced.values == [code] and coerced.quirks == []


# --- dates without a year -------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "day"), [("3月5日", dt.date(2020, 3, 5)),
                                          ("3月5号", dt.date(2020, 3, 5)),
                                          ("12月31日", dt.date(2020, 12, 31)),
                                          (" 2 月 29 日 ", dt.date(2020, 2, 29)),
                                          ("３月５日", dt.date(2020, 3, 5)),
                                          ("3月5", dt.date(2020, 3, 5))])
def test_a_date_without_a_year_takes_the_year_of_the_reporting_date(raw, day):
    coerced = coerce_column([raw], "date", AS_OF)
    assert coerced.values == [day] and _rules(coerced) == [(0, "date_without_year")]
    assert coerced.quirks[0].value == day.isoformat()


def test_a_day_that_does_not_exist_in_that_year_is_a_bad_date():
    coerced = coerce_column(["2月29日"], "date", dt.date(2021, 3, 11))
    assert coerced.values == [None] and _rules(coerced) == [(0, "bad_date")]


@pytest.mark.parametrize("raw", ["13月5日", "3月32日", "3月"])
def test_no_such_month_day_is_a_bad_date(raw):
    assert _rules(coerce_column([raw], "date", AS_OF)) == [(0, "bad_date")]


def test_without_a_reporting_date_a_month_and_day_is_no_date():
    assert _rules(coerce_column(["3月5日"], "date")) == [(0, "bad_date")]


def test_a_date_with_its_year_is_unchanged():
    coerced = coerce_column(["2019年3月5日"], "date", AS_OF)
    assert coerced.values == [dt.date(2019, 3, 5)] and _rules(coerced) == [(0, "date_as_text")]


def test_parse_month_day():
    assert parse_month_day("3月5日") == (3, 5)
    assert parse_month_day("2020年3月5日") is None
    assert parse_month_day(45000) is None
    assert parse_month_day("3.5") is None  # a number, not a date


# --- yes/no words declared in the schema -----------------------------------------------------

@pytest.mark.parametrize(("raw", "answer"), [("√", True), ("✓", True), ("✔", True),
                                             ("已复工", True), ("有", True), ("×", False),
                                             ("✗", False), ("未复工", False), ("无", False),
                                             (" √ ", True)])
def test_the_schemas_yes_no_words_are_read_with_a_warning(raw, answer):
    coerced = coerce_column([raw], "yesno")
    assert coerced.values == [answer] and _rules(coerced) == [(0, "yes_no_coerced")]


def test_the_yes_no_words_come_from_the_schema():
    words = load_workbook_spec().yes_no_words
    assert words["√"] is True and words["×"] is False and words["已复工"] is True
    assert words["未复工"] is False
    # a word the schema does not declare stays an error; one passed in is read
    assert _rules(coerce_column(["好的"], "yesno")) == [(0, "bad_yes_no")]
    assert coerce_column(["好的"], "yesno", words={"好的": True}).values == [True]
    assert _rules(coerce_column(["√"], "yesno", words={})) == [(0, "bad_yes_no")]


# --- bad_text ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "kind"), [(True, "text"), (False, "text"), (True, "code"),
                                           (dt.datetime(2020, 3, 5), "code")])
def test_true_false_in_a_text_column_and_a_date_in_a_code_column_are_bad_text(raw, kind):
    coerced = coerce_column([raw], kind)
    assert coerced.values == [None] and _rules(coerced) == [(0, "bad_text")]


def test_a_date_in_a_text_column_is_its_text():
    assert coerce_column([dt.datetime(2020, 3, 5)], "text").values == ["2020-03-05"]


def test_not_text_is_in_the_catalog():
    assert CalcError("not_text", value=True).message("en").startswith("must be text: ")
    assert CalcError("not_text", value=True).message("zh").startswith("应为文字")
