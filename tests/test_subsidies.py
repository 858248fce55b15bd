"""稳岗返还, 吸纳就业补贴, 社保减免, LPR / interest / guarantee fee, enterprise size and
loss carry-forward, against the shipped 双牌县 2020 policy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_addin.core.enterprise import enterprise_size, loss_carry_years
from xl_addin.core.errors import CalcError
from xl_addin.core.finance import guarantee_fee, interest_saving, lpr
from xl_addin.core.policy import load_policy
from xl_addin.core.subsidies import absorption_subsidy, si_exemption, stabilization_refund

D = dt.date
P = Decimal


# --- 稳岗返还 -----------------------------------------------------------------------

@pytest.mark.parametrize(("insured", "layoffs", "eligible"), [
    (30, 6, True), (30, 7, False),      # ≤ 30 insured: cap 20%
    (1, 0, True), (5, 1, True), (5, 2, False),
    (31, 1, True), (31, 2, False),      # 31 insured: cap 5.5% (2/31 = 6.45%)
    (100, 5, True), (100, 6, False),
    (200, 11, True), (200, 12, False),  # exactly 5.5% is within the cap
])
def test_layoff_rate_cap(policy, insured, layoffs, eligible):
    result = stabilization_refund(policy, P(10000), insured, layoffs)
    assert result.eligible is eligible
    assert result.amount == (P("6000.00") if eligible else 0)
    if not eligible:
        assert result.reason == "refund_layoff_rate"


def test_refund_reasons(policy):
    arrears = stabilization_refund(policy, P(10000), 50, 0, arrears=True)
    assert (arrears.amount, arrears.reason) == (0, "refund_arrears")
    nobody = stabilization_refund(policy, P(10000), 0, 0)
    assert (nobody.amount, nobody.reason) == (0, "refund_no_insured")


def test_refund_rounding_and_ratio_override(policy):
    assert stabilization_refund(policy, P("1234.56"), 10, 0).amount == P("740.74")  # 740.736
    assert stabilization_refund(policy, P("0.025"), 10, 0).amount == P("0.02")  # 0.015 → 0.02
    assert stabilization_refund(policy, P(10000), 10, 0, refund_ratio=P(1)).amount == 10000
    with pytest.raises(CalcError):
        stabilization_refund(policy, P(10000), 10, 0, refund_ratio=P("1.2"))
    with pytest.raises(CalcError):
        stabilization_refund(policy, P(-1), 10, 0)


@given(st.integers(0, 10**10), st.integers(0, 400), st.integers(0, 400), st.booleans())
def test_refund_property(premium_fen, insured, layoffs, arrears):
    premium = P(premium_fen) / 100
    result = stabilization_refund(load_policy(), premium, insured, layoffs, arrears)
    # round2(premium × 0.6) in fen, by integer arithmetic: fen × 6 / 10, half up
    due_fen, rest = divmod(premium_fen * 6, 10)
    due = P(due_fen + (rest >= 5)) / 100
    within_cap = layoffs * 5 <= insured if insured <= 30 else layoffs * 1000 <= insured * 55
    expected = due if insured > 0 and not arrears and within_cap else 0
    assert result.amount == expected
    assert result.amount in (0, due)
    # "never exceeds premium × ratio", up to the half fen that rounding may add
    assert result.amount <= premium * P("0.6") + P("0.005")


# --- 吸纳就业补贴 -------------------------------------------------------------------

@pytest.mark.parametrize(("key", "months", "amount", "reason"), [
    (True, 3, 900, "eligible"), (True, 12, 900, "eligible"), (True, 2, 0, "subsidy_months"),
    (True, 0, 0, "subsidy_months"), (False, 3, 0, "subsidy_not_key"),
])
def test_absorption_subsidy(policy, key, months, amount, reason):
    result = absorption_subsidy(policy, key, months)
    assert (result.amount, result.reason) == (amount, reason)


# --- 社保减免 -----------------------------------------------------------------------

RATES = (P("0.16"), P("0.007"), P("0.002"))  # 养老 + 失业 + 工伤 = 0.169


@pytest.mark.parametrize(("size", "base", "start", "end", "expected"), [
    ("小型", "100000", (2020, 2), (2020, 6), "84500"),   # 5 × 16900
    ("微型", "100000", (2020, 2), (2020, 2), "16900"),
    ("中型", "100000", (2020, 7), (2020, 12), "101400"),  # extended to 2020-12: 6 × 16900
    ("大型", "100000", (2020, 2), (2020, 6), "42250"),   # 5 × 8450 at 50%
    ("大型", "100000", (2020, 1), (2020, 7), "42250"),   # January and July contribute 0
    ("小型", "100000", (2019, 12), (2020, 1), "0"),
    ("小型", "100000", (2021, 1), (2021, 3), "0"),
    ("小型", "100.03", (2020, 2), (2020, 6), "84.55"),   # round each month: 5 × 16.91
])
def test_si_exemption(policy, size, base, start, end, expected):
    assert si_exemption(policy, size, P(base), *RATES, start, end) == P(expected)


def test_si_exemption_errors(policy):
    with pytest.raises(CalcError) as info:
        si_exemption(policy, "小型", P(100000), *RATES, (2020, 6), (2020, 2))
    assert info.value.code == "month_range"
    with pytest.raises(CalcError):
        si_exemption(policy, "特大型", P(100000), *RATES, (2020, 2), (2020, 6))
    with pytest.raises(CalcError):
        si_exemption(policy, "小型", P(100000), P(16), P(0), P(0), (2020, 2), (2020, 6))


# --- LPR, interest saving, guarantee fee -------------------------------------------

@pytest.mark.parametrize(("day", "term", "expected"), [
    (D(2019, 12, 20), "1Y", "0.0415"), (D(2020, 2, 19), "1Y", "0.0415"),
    (D(2020, 2, 20), "1Y", "0.0405"), (D(2020, 4, 19), "1Y", "0.0405"),
    (D(2020, 4, 20), "1Y", "0.0385"), (D(2020, 12, 21), "1Y", "0.0385"),
    (D(2020, 2, 20), "5Y", "0.0475"), (D(2020, 4, 20), " 5y ", "0.0465"),
])
def test_lpr_in_force(policy, day, term, expected):
    assert lpr(policy, day, term) == P(expected)


def test_lpr_errors(policy):
    with pytest.raises(CalcError, match="no LPR"):
        lpr(policy, D(2019, 8, 19))
    with pytest.raises(CalcError, match="1Y or 5Y"):
        lpr(policy, D(2020, 3, 1), "3Y")


def test_lpr_after_the_policy_data_ends_is_not_guessed(policy):
    # BUG: the LPR parameter is valid 2019-08-20…2020-12-31, but lpr() ignores that and
    # returns 3.85% for any later date (the real 1-year LPR on 2024-06-01 was 3.45%),
    # so FG_LPR(today) and FG_INTEREST_SAVING's default LPR are silently stale.
    with pytest.raises(CalcError):
        lpr(policy, D(2024, 6, 1))


def test_interest_saving_worked_example():
    # 1180 万元 at 3.05% instead of 4.05% for a year saves 11.8 万元
    assert interest_saving(P(1180), P("0.0305"), P("0.0405")) == P("11.80")
    assert interest_saving(P(1180), P("0.0305"), P("0.0405"), P(6)) == P("5.90")
    assert interest_saving(P(1000), P("0.05"), P("0.0405")) == P("-9.50")
    with pytest.raises(CalcError):
        interest_saving(P(-1), P("0.0305"), P("0.0405"))


def test_guarantee_fee():
    assert guarantee_fee(P(168), P("0.005")) == P("0.84")
    assert guarantee_fee(P(1), P("0.005")) == P("0.01")  # 0.005 rounds away from zero
    with pytest.raises(CalcError):
        guarantee_fee(P(168), P("1.5"))


# --- enterprise size and loss carry-forward -----------------------------------------

@pytest.mark.parametrize(("employees", "revenue", "size"), [
    (1000, 40000, "大型"), (999, 40000, "中型"), (1000, 39999, "中型"), (300, 2000, "中型"),
    (299, 2000, "小型"), (300, 1999, "小型"), (20, 300, "小型"), (19, 300, "微型"),
    (20, 299, "微型"), (0, 0, "微型"), (5000, 100, "微型"),
])
def test_enterprise_size(policy, employees, revenue, size):
    assert enterprise_size(policy, employees, P(revenue)) == size


def test_enterprise_size_refuses_negative(policy):
    with pytest.raises(CalcError):
        enterprise_size(policy, -1, P(100))


@pytest.mark.parametrize(("year", "industry", "share", "years"), [
    (2020, "餐饮", "0.5", 8), (2020, "住宿和餐饮业", "0.9", 8), (2020, "交通运输", "1", 8),
    (2020, "旅游", "0.6", 8), (2020, "餐饮", "0.49", 5), (2019, "餐饮", "0.9", 5),
    (2021, "住宿", "0.9", 5), (2020, "制造业", "0.9", 5),
])
def test_loss_carry_years(policy, year, industry, share, years):
    assert loss_carry_years(policy, year, industry, P(share)) == years


def test_loss_carry_manufacturing_of_transport_equipment_is_not_transport(policy):
    # BUG: the industry test is a substring match, so 交通运输设备制造业 (manufacturing) is
    # treated as 交通运输 (a hard-hit industry) and gets 8 years instead of 5.
    assert loss_carry_years(policy, 2020, "交通运输设备制造业", P("0.9")) == 5
