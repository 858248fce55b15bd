"""The FG_ cell functions: scalar in → scalar out, a range in → the same shape out, a bad
argument → '#…' text in its position, blank rows → ''."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from xl_addin.functions import udfs
from xl_addin.functions.udfs import (
    FG_HAZARD_STATUS,
    FG_INTEREST_SAVING,
    FG_ISSUE_STATUS,
    FG_LPR,
    FG_POLICY,
    FG_RATE,
    FG_RESUMPTION_RATE,
    FG_SI_EXEMPTION,
    FG_STABILIZATION_ELIGIBLE,
    FG_USCC_CHECK,
)

SPEC_FUNCTIONS = {
    "FG_RATE", "FG_RESUMPTION_RATE", "FG_STABILIZATION_REFUND", "FG_STABILIZATION_ELIGIBLE",
    "FG_ABSORPTION_SUBSIDY", "FG_SI_EXEMPTION", "FG_INTEREST_SAVING", "FG_GUARANTEE_FEE",
    "FG_HAZARD_STATUS", "FG_ISSUE_STATUS", "FG_USCC_CHECK", "FG_IDCARD_CHECK",
    "FG_ENTERPRISE_SIZE", "FG_LPR", "FG_LOSS_CARRY_YEARS", "FG_POLICY",
}

# name: (good arguments, expected result, bad arguments, how the bad result starts)
CASES = {
    "FG_RATE": ((62, 64), 0.96875, (1, 0), "#值错误: 分母为0"),
    "FG_STABILIZATION_REFUND": ((10000, 30, 6), 6000.0, ("一万", 30, 6), "#值错误"),
    "FG_STABILIZATION_ELIGIBLE": ((10000, 100, 5), True, (10000, -100, 5), "#值错误"),
    "FG_ABSORPTION_SUBSIDY": (("是", 3), 900.0, ("也许", 3), "#值错误"),
    "FG_SI_EXEMPTION": (("小型", 100000, 0.16, 0.007, 0.002, "2020-02", "2020-06"), 84500.0,
                        ("小型", 100000, 0.16, 0.007, 0.002, "2020-06", "2020-02"), "#值错误"),
    "FG_LPR": (("2020-02-20",), 0.0405, ("2020-02-30",), "#值错误"),
    "FG_INTEREST_SAVING": ((1180, "3.05%", "4.05%"), 11.8, (1180, "三厘", "4.05%"), "#值错误"),
    "FG_GUARANTEE_FEE": ((168,), 0.84, (-168,), "#值错误"),
    "FG_HAZARD_STATUS": (("2020-03-01", None, None, "2020-03-02"), "逾期未整改",
                         ("2020-03-01", None, "差不多", "2020-03-02"), "#值错误"),
    "FG_ISSUE_STATUS": (("2020-02-03", "2020-02-10", "2020-02-03", "2020-03-01"), "当日办结",
                        ("昨天", "2020-02-10", "2020-02-03", "2020-03-01"), "#值错误"),
    # the check functions answer a wrong code with the reason, not an error
    "FG_USCC_CHECK": (("91431123MA4RB2L75Y",), True, ("91431123MA4RB2L75X",), "统一社会信用代码"),
    "FG_IDCARD_CHECK": (("11010519491231002X",), True, ("110105194902300021",), "身份证号"),
    "FG_ENTERPRISE_SIZE": ((1000, 40000), "大型", (-1, 40000), "#值错误"),
    "FG_LOSS_CARRY_YEARS": ((2020, "餐饮", 0.5), 8, (2020, "餐饮", 1.5), "#值错误"),
}
AGGREGATES = {"FG_RESUMPTION_RATE", "FG_POLICY"}  # a range is their single input


def test_functions_are_the_spec_set_with_chinese_help():
    assert set(udfs.FUNCTIONS) == SPEC_FUNCTIONS
    assert set(CASES) | AGGREGATES == SPEC_FUNCTIONS
    for func in udfs.FUNCTIONS.values():
        assert re.search(r"[\u4e00-\u9fff]", func.__doc__ or "")


@pytest.mark.parametrize("name", CASES)
def test_scalar_in_scalar_out(name):
    good, expected, bad, prefix = CASES[name]
    func = udfs.FUNCTIONS[name]
    result = func(*good)
    assert result == expected and type(result) is type(expected)
    result = func(*bad)
    assert isinstance(result, str) and result.startswith(prefix)


@pytest.mark.parametrize("name", CASES)
def test_column_in_column_out(name):
    good, expected, bad, prefix = CASES[name]
    columns = [[[g], [b], [None], [g]] for g, b in zip(good, bad, strict=True)]
    result = udfs.FUNCTIONS[name](*columns)
    assert len(result) == 4 and all(len(row) == 1 for row in result)
    assert result[0] == result[3] == [expected]
    assert result[1][0].startswith(prefix)
    assert result[2] == [""]  # a blank row stays blank
    flat = udfs.FUNCTIONS[name](*[[g, None, b] for g, b in zip(good, bad, strict=True)])
    assert flat[0] == expected and flat[1] == "" and flat[2].startswith(prefix)


@pytest.mark.parametrize("name", CASES)
def test_two_by_two_range_in_same_shape_out(name):
    good, expected, bad, prefix = CASES[name]
    ranges = [[[g, b], [None, g]] for g, b in zip(good, bad, strict=True)]
    result = udfs.FUNCTIONS[name](*ranges)
    assert result[0][0] == result[1][1] == expected
    assert result[0][1].startswith(prefix)
    assert result[1][0] == ""


@pytest.mark.parametrize("name", CASES)
def test_scalar_arguments_repeat_along_a_range(name):
    good, expected, _, _ = CASES[name]
    result = udfs.FUNCTIONS[name]([[good[0]], [good[0]], [good[0]]], *good[1:])
    assert result == [[expected]] * 3


def test_rate_ranges():
    assert FG_RATE(0, 0) == "#值错误: 分母为0"
    assert FG_RATE(1, 3) == 1 / 3  # unrounded
    assert FG_RATE("６２", " 64 ") == 0.96875
    assert FG_RATE([[1, 1], [3, 5]], [[4, 2], [0, 10]]) == [[0.25, 0.5],
                                                            ["#值错误: 分母为0", 0.5]]
    assert FG_RATE([[1], [2], [3]], 4) == [[0.25], [0.5], [0.75]]
    assert FG_RATE([[1]], [[4]]) == [[0.25]]
    assert FG_RATE(None, 4).startswith("#值错误")
    assert FG_RATE(-1, 4).startswith("#值错误")
    mismatch = FG_RATE([[1], [2]], [[1], [2], [3]])
    assert all(cell.startswith("#") for row in mismatch for cell in row)


def test_resumption_rate():
    assert FG_RESUMPTION_RATE([["是"], ["否"], [None], [" 是 "], ["TRUE"]]) == 0.75
    assert FG_RESUMPTION_RATE([["是", "否"], ["否", ""]]) == 1 / 3
    assert FG_RESUMPTION_RATE("是") == 1.0
    assert FG_RESUMPTION_RATE([[None], [""]]) == "#值错误: 分母为0"
    assert FG_RESUMPTION_RATE([["是"], ["停产"]]).startswith("#值错误")


def test_policy_function():
    assert FG_POLICY("稳岗返还比例") == 0.6
    assert FG_POLICY(" 融资担保费率 ") == 0.005
    assert FG_POLICY("稳岗返还小企业参保人数") == 30
    assert FG_POLICY("工伤基准费率") == [[0.002, 0.004, 0.007, 0.009, 0.011, 0.013, 0.016,
                                          0.019]]
    lpr = FG_POLICY("LPR")
    assert lpr[0] == ["date", "1Y", "5Y"] and ["2020-02-20", 0.0405, 0.0475] in lpr
    assert FG_POLICY("不存在的参数").startswith("#值错误")
    assert FG_POLICY(None).startswith("#值错误")


def test_policy_function_column_in_column_out():
    # BUG: FG_POLICY does not broadcast; a column of names gives one '#值错误' text
    # (没有此政策参数: "[['稳岗返还比例'], ...]") instead of a column of values.
    assert FG_POLICY([["稳岗返还比例"], ["融资担保费率"]]) == [[0.6], [0.005]]


def test_refund_eligibility_reasons():
    assert FG_STABILIZATION_ELIGIBLE(10000, 30, 6) is True
    assert FG_STABILIZATION_ELIGIBLE(10000, 30, 7) == "裁员率23.33%超过上限20%，不符合稳岗返还条件"
    assert FG_STABILIZATION_ELIGIBLE(10000, 31, 2) == "裁员率6.45%超过上限5.5%，不符合稳岗返还条件"
    arrears = "企业欠缴社会保险费，不符合稳岗返还条件"
    assert FG_STABILIZATION_ELIGIBLE(10000, 50, 0, " 是 ") == arrears
    assert FG_STABILIZATION_ELIGIBLE(10000, 50, 0, "否") is True
    assert udfs.FG_STABILIZATION_REFUND(10000, 50, 0, "是") == 0.0
    assert udfs.FG_STABILIZATION_REFUND(10000, 50, 0, None, 1) == 10000.0
    assert udfs.FG_ABSORPTION_SUBSIDY("否", 3) == 0.0
    assert udfs.FG_ABSORPTION_SUBSIDY(" 是 ", 2) == 0.0


def test_si_exemption_accepts_clerk_months():
    assert FG_SI_EXEMPTION(" 大型 ", "100,000", "16%", 0.007, 0.002, "2020年2月", 43987) == 42250.0
    assert FG_SI_EXEMPTION("小型", 100000, 0.16, 0.007, 0.002, "2021-01", "2021-03") == 0.0
    assert FG_SI_EXEMPTION("巨型", 100000, 0.16, 0.007, 0.002, "2020-02", "2020-06"
                           ).startswith("#值错误")


def test_lpr_and_interest_defaults():
    serial = (dt.date(2020, 2, 20) - dt.date(1899, 12, 30)).days
    assert FG_LPR(serial) == 0.0405
    assert FG_LPR(serial - 1) == 0.0415
    assert FG_LPR("2020年4月20日", "5Y") == 0.0465
    assert FG_LPR("2020-04-20", "3Y").startswith("#值错误")
    assert FG_LPR("2019-01-01").startswith("#值错误")
    today_lpr = FG_LPR(dt.date.today())
    if isinstance(today_lpr, float):
        assert FG_INTEREST_SAVING(1180, 0.0305) == FG_INTEREST_SAVING(1180, 0.0305, today_lpr)
    assert FG_INTEREST_SAVING(1180, 0.0305, 0.0405, 6) == 5.9
    assert udfs.FG_GUARANTEE_FEE(168, "1%") == 1.68


def test_statuses_take_clerk_dates_and_default_to_today():
    assert FG_HAZARD_STATUS("2020年3月1日", None, None, "2020.3.1") == "整改中"
    assert FG_HAZARD_STATUS("2020-03-01", None, None, "2020/3/2") == "逾期未整改"
    assert FG_HAZARD_STATUS("2020-03-01", "2020-03-05", " 合格 ", "2020-03-09") == "已销号"
    assert FG_HAZARD_STATUS("2000-01-01", None, None) == "逾期未整改"
    assert FG_HAZARD_STATUS("2999-12-31", None, None) == "整改中"
    raised = (dt.date(2020, 2, 3) - dt.date(1899, 12, 30)).days
    assert FG_ISSUE_STATUS(raised, None, "2020年2月3日", "2020-02-05") == "当日办结"
    assert FG_ISSUE_STATUS("2020-02-03", "2020-02-10", None, "2020-02-11") == "逾期"
    assert FG_ISSUE_STATUS("2020-02-03", "2000-01-01", None) == "逾期"


def test_code_checks_normalise_before_checking():
    assert FG_USCC_CHECK([[" 91350100m000100y43 "], ["９１４３１１２３ＭＡ４ＲＢ２Ｌ７５Ｙ"]]) == [
        [True], [True]]
    assert "第10位" in FG_USCC_CHECK("91431123MI4RB2L75Y")
    assert udfs.FG_IDCARD_CHECK("11010519491231002x") is True
    assert "19490230" in udfs.FG_IDCARD_CHECK("110105194902300021")
