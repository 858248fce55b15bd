"""Policy parameters: one TOML file per jurisdiction and period, validated on load.

Each parameter is a list of dated versions with its source document. A
malformed file is refused with a message naming the file, the parameter and
the problem. Select another file with ``load_policy(path)`` or the
``XL_ADDIN_POLICY`` environment variable; the shipped default is 双牌县 2020.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .errors import CalcError, XlAddinError
from .messages import Lang, text

POLICY_ENV = "XL_ADDIN_POLICY"
DEFAULT_POLICY = "shuangpai-2020.toml"

Fraction01 = Annotated[Decimal, Field(ge=0, le=1)]
NonNegative = Annotated[Decimal, Field(ge=0)]
PositiveInt = Annotated[int, Field(gt=0)]
Size = Annotated[str, Field(pattern="^(大型|中型|小型|微型)$")]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExemptionPeriod(_Strict):
    sizes: list[Size]
    share: Fraction01
    from_: Month = Field(alias="from")
    to: Month


class SizeThreshold(_Strict):
    size: Size
    employees: PositiveInt
    revenue_wan: NonNegative


class LprFixing(_Strict):
    date: dt.date
    one_year: Fraction01 = Field(alias="1Y")
    five_year: Fraction01 = Field(alias="5Y")


class LossCarry(_Strict):
    default: PositiveInt
    extended: PositiveInt
    loss_year: PositiveInt
    min_main_revenue_share: Fraction01
    industries: list[str]


class Version(_Strict):
    value: Any
    source: Annotated[str, Field(min_length=1)]
    valid_from: dt.date
    valid_to: dt.date
    unit: str | None = None
    confirmed: bool = True
    note: str | None = None


class Meta(_Strict):
    id: str
    version: str
    jurisdiction: str
    county: str
    county_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    valid_from: dt.date
    valid_to: dt.date


# The parameters every policy file must define, and the type of each value.
PARAMETERS: dict[str, Any] = {
    "稳岗返还比例": Fraction01,
    "稳岗返还裁员率上限": Fraction01,
    "稳岗返还裁员率上限_小企业": Fraction01,
    "稳岗返还小企业参保人数": PositiveInt,
    "稳岗返还欠费不予返还": bool,
    "吸纳就业补贴标准": NonNegative,
    "吸纳就业补贴月数": PositiveInt,
    "养老单位费率": Fraction01,
    "工伤基准费率": Annotated[list[Fraction01], Field(min_length=8, max_length=8)],
    "社保减免": list[ExemptionPeriod],
    "企业规模标准": Annotated[list[SizeThreshold], Field(min_length=1)],
    "LPR": Annotated[list[LprFixing], Field(min_length=1)],
    "专项再贷款利率下调": Fraction01,
    "融资担保费率": Fraction01,
    "创业担保贷款个人额度": NonNegative,
    "创业担保贷款小微企业额度": NonNegative,
    "亏损结转年限": LossCarry,
    # rules between reporting days (rules/days.py): a share of the previous day's 职工总数
    "职工总数日变动上限": NonNegative,
}
_ADAPTERS = {key: TypeAdapter(kind) for key, kind in PARAMETERS.items()}
_TOWNSHIPS = TypeAdapter(dict[str, Annotated[str, Field(pattern=r"^\d{9}$")]])


class PolicyError(XlAddinError):
    """A policy file that cannot be used: which file, which key and why (the reason is
    given in both languages, since it may come from the validator of the parameter)."""

    def __init__(self, file: str, key: str, detail: str, detail_en: str | None = None) -> None:
        self.file, self.key, self.detail = file, key, detail
        self.detail_en = detail_en or detail
        super().__init__("policy_invalid", file=file, key=key, detail=self.detail_en)

    def message(self, lang: Lang = "zh") -> str:
        detail = self.detail if lang == "zh" else self.detail_en
        return text(self.code, lang, file=self.file, key=self.key, detail=detail)

    def __str__(self) -> str:  # shown as it is by callers that print the exception
        return self.message("zh")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.file, self.key, self.detail, self.detail_en))


class PolicyUnreadable(PolicyError):
    """A policy file that is not readable TOML."""

    def __init__(self, file: str, detail: str) -> None:
        super().__init__(file, "-", detail)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.file, self.detail))

    def message(self, lang: Lang = "zh") -> str:
        return text("policy_unreadable", lang, file=self.file, detail=self.detail)


@dataclass(frozen=True)
class Parameter:
    key: str
    value: Any
    source: str
    valid_from: dt.date
    valid_to: dt.date
    unit: str | None
    confirmed: bool


@dataclass(frozen=True)
class Policy:
    """A validated policy file."""

    file: str
    meta: Meta
    townships: dict[str, str]
    parameters: dict[str, tuple[Parameter, ...]]

    @property
    def label(self) -> str:
        """What the validator reports as the policy it used."""
        return f"{self.meta.jurisdiction} {self.meta.id} v{self.meta.version}"

    def parameter(self, key: str, on: dt.date | None = None) -> Parameter:
        """The version of ``key`` in force on ``on`` (the latest version when ``on`` is None)."""
        try:
            versions = self.parameters[key]
        except KeyError as exc:
            raise CalcError("unknown_policy_key", value=key) from exc
        if on is None:
            return versions[-1]
        for version in versions:
            if version.valid_from <= on <= version.valid_to:
                return version
        raise CalcError("policy_no_version", key=key, date=on.isoformat())

    def get(self, key: str, on: dt.date | None = None) -> Any:
        return self.parameter(key, on).value


def _error_detail(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def parse_policy(data: dict[str, Any], file: str) -> Policy:
    """Validate the parsed TOML of a policy file."""
    try:
        meta = Meta.model_validate(data.get("policy", {}))
    except ValidationError as exc:
        raise PolicyError(file, "policy", _error_detail(exc)) from exc
    try:
        townships = _TOWNSHIPS.validate_python(data.get("townships", {}))
    except ValidationError as exc:
        raise PolicyError(file, "townships", _error_detail(exc)) from exc
    raw = data.get("param", {})
    for key in raw:
        if key not in PARAMETERS:
            raise PolicyError(file, key, text("policy_unknown"), text("policy_unknown", "en"))
    params: dict[str, tuple[Parameter, ...]] = {}
    for key, adapter in _ADAPTERS.items():
        if key not in raw:
            raise PolicyError(file, key, text("policy_missing"), text("policy_missing", "en"))
        entries = raw[key] if isinstance(raw[key], list) else [raw[key]]
        versions = []
        for entry in entries:
            try:
                version = Version.model_validate(entry)
                value = adapter.validate_python(version.value)
            except ValidationError as exc:
                raise PolicyError(file, key, _error_detail(exc)) from exc
            if version.valid_from > version.valid_to:
                args = {"start": version.valid_from, "end": version.valid_to}
                raise PolicyError(file, key, text("policy_dates", **args),
                                  text("policy_dates", "en", **args))
            versions.append(Parameter(key, value, version.source, version.valid_from,
                                      version.valid_to, version.unit, version.confirmed))
        versions.sort(key=lambda v: v.valid_from)
        for before, after in itertools.pairwise(versions):
            if after.valid_from <= before.valid_to:
                args = {"a": f"{before.valid_from}…{before.valid_to}",
                        "b": f"{after.valid_from}…{after.valid_to}"}
                raise PolicyError(file, key, text("policy_overlap", **args),
                                  text("policy_overlap", "en", **args))
        params[key] = tuple(versions)
    return Policy(file, meta, dict(townships), params)


def read_policy(path: str | Path) -> Policy:
    """Read and validate a policy file."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle, parse_float=Decimal)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyUnreadable(file, str(exc)) from exc
    return parse_policy(data, file)


@functools.cache
def _default_policy() -> Policy:
    ref = resources.files("xl_addin.policies").joinpath(DEFAULT_POLICY)
    with resources.as_file(ref) as path:
        policy = read_policy(path)
    return policy


@functools.cache
def _policy_at(path: str) -> Policy:
    return read_policy(path)


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy at ``path``, else the file named by ``$XL_ADDIN_POLICY``, else the
    shipped default (双牌县 2020). Files are read once per process."""
    chosen = path or os.environ.get(POLICY_ENV)
    if chosen:
        return _policy_at(str(Path(chosen).resolve()))
    return _default_policy()
