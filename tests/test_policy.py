"""Policy files: the shipped default, refusal of malformed files, selecting another file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xl_addin.core.errors import CalcError
from xl_addin.core.policy import PARAMETERS, PolicyError, load_policy
from xl_addin.core.subsidies import stabilization_refund
from xl_addin.functions.udfs import FG_POLICY, FG_STABILIZATION_REFUND

D = dt.date


@pytest.mark.parametrize(("key", "expected"), [
    ("稳岗返还比例", Decimal("0.60")), ("稳岗返还裁员率上限", Decimal("0.055")),
    ("稳岗返还裁员率上限_小企业", Decimal("0.20")), ("稳岗返还小企业参保人数", 30),
    ("稳岗返还欠费不予返还", True), ("吸纳就业补贴标准", 300), ("吸纳就业补贴月数", 3),
    ("养老单位费率", Decimal("0.16")), ("融资担保费率", Decimal("0.005")),
    ("专项再贷款利率下调", Decimal("0.01")), ("创业担保贷款小微企业额度", 3_000_000),
    ("工伤基准费率", [Decimal(x) for x in ("0.002", "0.004", "0.007", "0.009", "0.011",
                                            "0.013", "0.016", "0.019")]),
])
def test_shipped_policy_values(policy, key, expected):
    assert policy.get(key) == expected


def test_shipped_policy_is_shuangpai_2020(policy):
    assert "双牌县" in policy.label and policy.meta.county_code == "431123"
    assert len(policy.townships) == 11
    assert set(policy.parameters) == set(PARAMETERS)
    for versions in policy.parameters.values():
        assert all(v.source.strip() for v in versions)
    assert policy.parameter("稳岗返还比例").confirmed is False
    carry = policy.get("亏损结转年限")
    assert (carry.default, carry.extended) == (5, 8)


def test_parameter_versions_by_date(policy):
    assert policy.get("创业担保贷款个人额度", D(2020, 4, 14)) == 150_000
    assert policy.get("创业担保贷款个人额度", D(2020, 4, 15)) == 200_000
    assert policy.get("创业担保贷款个人额度") == 200_000  # the latest version
    with pytest.raises(CalcError) as info:
        policy.get("融资担保费率", D(2019, 12, 31))
    assert info.value.code == "policy_no_version"
    with pytest.raises(CalcError) as info:
        policy.get("稳岗返还比率")
    assert info.value.code == "unknown_policy_key"


UNKNOWN_BLOCK = """
[[param."稳岗返还比率"]]
value = 0.5
source = "typo"
valid_from = 2020-01-01
valid_to = 2020-12-31
"""

MALFORMED = {
    "missing parameter": ({"drop": "融资担保费率"}, "融资担保费率", "缺少此参数"),
    "wrong type": ({"replace": ("稳岗返还比例", "value = 0.60", 'value = "六成"')},
                   "稳岗返还比例", ""),
    "not a whole number": ({"replace": ("稳岗返还小企业参保人数", "value = 30", "value = 30.5")},
                           "稳岗返还小企业参保人数", ""),
    "rate above 1": ({"replace": ("稳岗返还比例", "value = 0.60", "value = 1.5")},
                     "稳岗返还比例", ""),
    "seven injury rates": ({"replace": ("工伤基准费率", ", 0.019]", "]")}, "工伤基准费率", ""),
    "bad size name": ({"replace": ("企业规模标准", '"小型"', '"小微型"')}, "企业规模标准", ""),
    "unknown parameter": ({"append": UNKNOWN_BLOCK}, "稳岗返还比率", "未知参数"),
    "unknown field": ({"replace": ("融资担保费率", "confirmed = false", "confirmd = false")},
                      "融资担保费率", "confirmd"),
    "empty source": (
        {"replace": ("养老单位费率", 'source = "湘政办发〔2019〕19号"', 'source = ""')},
        "养老单位费率", ""),
    "valid_from after valid_to": (
        {"replace": ("融资担保费率", "valid_from = 2020-01-01", "valid_from = 2021-01-01")},
        "融资担保费率", "晚于"),
    "overlapping versions": (
        {"replace": ("创业担保贷款个人额度", "valid_to = 2020-04-14", "valid_to = 2020-04-15")},
        "创业担保贷款个人额度", "重叠"),
}


@pytest.mark.parametrize(("edit", "key", "fragment"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_policy_is_refused_naming_the_key(policy_variant, edit, key, fragment):
    path = policy_variant(**edit)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    message = str(info.value)
    assert info.value.key == key
    assert key in message and path.name in message and fragment in message
    assert message.startswith("政策文件")


def test_bad_toml_syntax_is_refused(policy_variant):
    path = policy_variant(append='\n[[param."融资担保费率"\nvalue = = 0.5\n')
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert path.name in str(info.value)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(PolicyError):
        load_policy(tmp_path / "nowhere.toml")


def half_refund_policy(policy_variant):
    return policy_variant(replace=("稳岗返还比例", "value = 0.60", "value = 0.5"))


def test_load_policy_by_path(policy, policy_variant):
    path = half_refund_policy(policy_variant)
    other = load_policy(path)
    assert other is load_policy(str(path))  # read once per path
    assert other.get("稳岗返还比例") == Decimal("0.5")
    assert stabilization_refund(other, Decimal(10000), 50, 0).amount == Decimal("5000.00")
    assert stabilization_refund(policy, Decimal(10000), 50, 0).amount == Decimal("6000.00")


def test_policy_selected_by_environment(monkeypatch, policy_variant):
    assert FG_STABILIZATION_REFUND(10000, 50, 0) == 6000.0
    assert FG_POLICY("稳岗返还比例") == 0.6
    monkeypatch.setenv("XL_ADDIN_POLICY", str(half_refund_policy(policy_variant)))
    assert FG_STABILIZATION_REFUND(10000, 50, 0) == 5000.0
    assert FG_POLICY("稳岗返还比例") == 0.5
    monkeypatch.delenv("XL_ADDIN_POLICY")
    assert FG_STABILIZATION_REFUND(10000, 50, 0) == 6000.0
