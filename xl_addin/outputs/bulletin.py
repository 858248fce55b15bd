"""The whole bulletin (通报): the county's figures as named values in the units and roundings
of the seed article, rendered through a Jinja2 template a county edits without touching code.

The template is plain text. Paragraphs are separated by blank lines; the lines of one
paragraph are joined (with nothing in Chinese, with a space in English), so a long
paragraph may be wrapped in the file. Undefined names are errors (``StrictUndefined``), never
an empty string: a figure misspelt in a county's template must not vanish from the bulletin.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import jinja2

from ..core.errors import XlAddinError
from ..core.messages import Lang
from ..core.numbers import format_percent, format_wan, round_half_away, to_decimal
from .indicators import month_label

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class BulletinTemplateError(XlAddinError):
    """A bulletin template that cannot be read, compiled or rendered."""


def default_template(lang: Lang = "zh") -> Path:
    """The bulletin template shipped with the package for ``lang``."""
    return TEMPLATES / f"bulletin.{lang}.j2"


# --- the figures ---------------------------------------------------------------------

def _strip(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _wan(value: Any, decimals: int) -> str:
    """A count or an amount in 万 (÷ 10,000), rounded half away from zero, trailing zeros
    dropped: 19690 → 1.969 (3 decimals: the article's 1.969万人), 418700 元 → 41.87."""
    return format_wan(value or 0, decimals)


def _amount_wan(value: Any) -> str:
    """An amount already in 万元, to 2 decimals, trailing zeros dropped (10930, 12.5)."""
    return _strip(str(round_half_away(value or 0, 2)))


def _share(part: Any, whole: Any) -> Fraction | None:
    """part / whole exactly, None when whole is 0 (nothing to weigh)."""
    den = Fraction(to_decimal(whole or 0))
    return None if not den else Fraction(to_decimal(part or 0)) / den


def _percent(value: Fraction | Decimal | None, decimals: int = 2) -> str | None:
    """A rate as the article prints it (3.05%, 0.5%, 100%); None when there is none."""
    return None if value is None else format_percent(value, decimals, strip_zeros=True)


def _points(value: Fraction | None) -> str | None:
    """A difference of two rates in percentage points, 2 decimals, zeros dropped (1)."""
    return None if value is None else _strip(str(round_half_away(Decimal(
        value.numerator) / Decimal(value.denominator) * 100, 2)))


@dataclass(frozen=True)
class Figure:
    """A named value of the bulletin: its key (the template's name and the JSON key), what
    it is, and how it is computed from the county counts and shown rates."""

    key: str
    meaning: str
    value: Callable[[Mapping[str, Any], Mapping[str, str]], Any]


def _count(key: str) -> Callable[[Mapping[str, Any], Mapping[str, str]], Any]:
    return lambda c, r: c.get(key) or 0


def _rate(key: str) -> Callable[[Mapping[str, Any], Mapping[str, str]], Any]:
    return lambda c, r: r[key]


def _loan_rate(c: Mapping[str, Any]) -> Fraction | None:
    return _share(c.get("bank_loan_rate_weighted"), c.get("bank_loan_rated_amount"))


def _loan_lpr(c: Mapping[str, Any]) -> Fraction | None:
    return _share(c.get("bank_loan_lpr_weighted"), c.get("bank_loan_rated_amount"))


def _loan_cut(c: Mapping[str, Any]) -> Fraction | None:
    rate, lpr = _loan_rate(c), _loan_lpr(c)
    return None if rate is None or lpr is None else lpr - rate


def _fee(c: Mapping[str, Any]) -> Fraction | None:
    return _share(c.get("guarantee_fee_weighted"), c.get("guarantee_rated_amount"))


def _opt(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


FIGURES: tuple[Figure, ...] = (
    *(Figure(k, m, _count(k)) for k, m in (
        ("enterprises", "规模工业企业 (家)"),
        ("enterprises_resumed", "已开复工规模工业企业 (家)"),
        ("on_duty", "规模工业企业上岗人员 (人)"),
        ("projects_planned", "计划开复工的重点项目 (个)"),
        ("projects_resumed", "其中已开复工 (个)"),
        ("projects_arrived", "重点项目到岗人数 (人)"),
        ("small_micro", "小微企业 (家)"),
        ("small_micro_operating", "小微企业正常运营 (家)"))),
    Figure("small_micro_suspended", "小微企业未正常运营 (家): 小微企业 − 正常运营",
           lambda c, r: (c.get("small_micro") or 0) - (c.get("small_micro_operating") or 0)),
    *(Figure(k, m, _rate(k)) for k, m in (
        ("resumption_rate", "开复工率 (96.88%)"),
        ("on_duty_rate", "上岗率 (96.3%)"),
        ("project_resumption_rate", "重点项目开复工率 (100%)"),
        ("arrival_rate", "到岗率 (98%)"),
        ("migrant_return_rate", "返乡农民工返岗率 (98.3%)"),
        ("hazard_fix_rate", "隐患整改率 (100%)"))),
    Figure("migrants_wan", "返乡农民工 (万人, 3 decimals: 1.969)",
           lambda c, r: _wan(c.get("migrants"), 3)),
    Figure("migrants_back_wan", "返乡农民工已返岗 (万人, 3 decimals: 1.936)",
           lambda c, r: _wan(c.get("migrants_back"), 3)),
    *(Figure(k, m, _count(k)) for k, m in (
        ("poor_total", "贫困劳动力总数 (人)"),
        ("poor_working", "其中务工人员 (人)"),
        ("poor_back", "已返岗 (人)"),
        ("poor_out_of_province", "已返岗省外 (人)"),
        ("poor_in_province", "已返岗省内县外 (人)"),
        ("poor_in_county", "已返岗县内 (人)"),
        ("poor_waiting", "待返岗 (人)"),
        ("poor_not_resumed", "未复工 (人)"),
        ("bank_intent_count", "银企意向合作 (项)"))),
    Figure("bank_intent_amount", "银企意向合作金额 (万元)",
           lambda c, r: _amount_wan(c.get("bank_intent_amount"))),
    Figure("bank_loan_count", "已落实银行贷款 (个项目)", _count("bank_loan_count")),
    Figure("bank_loan_amount", "已落实银行贷款金额 (万元)",
           lambda c, r: _amount_wan(c.get("bank_loan_amount"))),
    Figure("bank_loan_rate", "贷款利率: Σ 金额×年利率 / Σ 金额 (3.05%); null without a rate",
           lambda c, r: _percent(_loan_rate(c))),
    Figure("bank_loan_rate_min", "最低贷款年利率", lambda c, r: _percent(_opt(c.get(
        "bank_loan_rate_min")))),
    Figure("bank_loan_rate_max", "最高贷款年利率", lambda c, r: _percent(_opt(c.get(
        "bank_loan_rate_max")))),
    Figure("bank_loan_lpr", "同期LPR: Σ 金额×同期LPR / Σ 金额 (4.05%)",
           lambda c, r: _percent(_loan_lpr(c))),
    Figure("bank_loan_rate_cut", "较LPR降低 (百分点, 2 decimals: 1)",
           lambda c, r: _points(_loan_cut(c))),
    Figure("bank_loan_below_lpr", "贷款利率低于同期LPR (true/false)",
           lambda c, r: bool(_loan_cut(c) and _loan_cut(c) > 0)),
    Figure("guarantee_count", "融资担保 (笔)", _count("guarantee_count")),
    Figure("guarantee_amount", "融资担保金额 (万元)",
           lambda c, r: _amount_wan(c.get("guarantee_amount"))),
    Figure("guarantee_fee_rate", "担保费率: Σ 金额×担保费率 / Σ 金额 (0.5%)",
           lambda c, r: _percent(_fee(c))),
    Figure("guarantee_fee_min", "最低担保费率", lambda c, r: _percent(_opt(c.get(
        "guarantee_fee_min")))),
    Figure("guarantee_fee_max", "最高担保费率", lambda c, r: _percent(_opt(c.get(
        "guarantee_fee_max")))),
    Figure("refund_enterprises", "稳岗补贴企业 (家)", _count("refund_enterprises")),
    Figure("refund_amount_wan", "稳岗补贴 (万元, 2 decimals: 41.87)",
           lambda c, r: _wan(c.get("refund_amount"), 2)),
    Figure("startup_loan_count", "创业担保贷款 (笔)", _count("startup_loan_count")),
    Figure("startup_loan_amount", "创业担保贷款金额 (万元)",
           lambda c, r: _amount_wan(c.get("startup_loan_amount"))),
    Figure("loan_extension_count", "贷款展期 (笔)", _count("loan_extension_count")),
    Figure("loan_extension_amount", "贷款展期金额 (万元)",
           lambda c, r: _amount_wan(c.get("loan_extension_amount"))),
    Figure("hazards", "安全隐患 (条)", _count("hazards")),
    Figure("hazards_closed", "已整改到位 (条)", _count("hazards_closed")),
    Figure("agm_tests", "AGM检测 (人次)", _count("agm_tests")),
    Figure("masks_in_wan", "口罩储备 (万个, 2 decimals: 30)",
           lambda c, r: _wan(c.get("masks_in"), 2)),
)


def bulletin_figures(counts: Mapping[str, Any], rates_shown: Mapping[str, str],
                     month: str) -> dict[str, Any]:
    """Every figure of the bulletin by its key, as the bulletin prints it: counts as
    integers, amounts and rates as text in the article's units (None: nothing to show)."""
    out: dict[str, Any] = {"month_label": month_label(month)}
    for figure in FIGURES:
        value = figure.value(counts, rates_shown)
        whole = isinstance(value, Decimal) and value == value.to_integral_value()
        out[figure.key] = int(value) if whole else value
    return out


# --- the template --------------------------------------------------------------------

@dataclass(frozen=True)
class BulletinTemplate:
    path: Path
    template: jinja2.Template


def load_template(path: str | Path | None = None, lang: Lang = "zh") -> BulletinTemplate:
    """The bulletin template at ``path`` (a county's), else the default one for ``lang``.
    A county's template may ``{% extends "bulletin.zh.j2" %}`` and replace some blocks, or
    ``{% include %}`` files beside it. A file that cannot be read or compiled raises
    ``BulletinTemplateError`` naming the file and the line."""
    chosen = Path(path).resolve() if path is not None else default_template(lang)
    if not chosen.is_file():
        raise BulletinTemplateError("bulletin_template_unreadable", file=str(chosen),
                                    detail="not a file")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(chosen.parent), str(TEMPLATES)],
                                       encoding="utf-8-sig"),
        undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        return BulletinTemplate(chosen, env.get_template(chosen.name))
    except jinja2.TemplateSyntaxError as exc:
        raise BulletinTemplateError("bulletin_template_syntax",
                                    file=exc.filename or str(chosen), line=exc.lineno,
                                    detail=exc.message or "") from None
    except jinja2.TemplateNotFound as exc:  # a file it extends or includes
        raise BulletinTemplateError("bulletin_template_unreadable", file=str(chosen),
                                    detail=f"{exc.name}: not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BulletinTemplateError("bulletin_template_unreadable", file=str(chosen),
                                    detail=getattr(exc, "strerror", None) or str(exc)) from None


_UNDEFINED = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def render_paragraphs(template: BulletinTemplate, figures: Mapping[str, Any], *,
                      date_phrase: str, scope: str, as_of: dt.date | None,
                      lang: Lang = "zh") -> list[str]:
    """The bulletin's paragraphs: the template rendered with the figures, the date phrase
    (from 统计日期) and the scope (全县, or the townships that reported)."""
    values = {**figures, "date_phrase": date_phrase, "scope": scope,
              "as_of": as_of.isoformat() if as_of else None,
              "month": as_of.month if as_of else None, "day": as_of.day if as_of else None}
    try:
        rendered = template.template.render(values)
    except jinja2.TemplateError as exc:
        file, line = _where(exc, template.path)
        found = _UNDEFINED.search(str(exc)) if isinstance(exc, jinja2.UndefinedError) else None
        if found:
            raise BulletinTemplateError("bulletin_template_unknown", file=file, line=line,
                                        name=found[1] or found[2]) from None
        raise BulletinTemplateError("bulletin_template_failed", file=file, line=line,
                                    detail=str(exc)) from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        file, line = _where(exc, template.path)
        raise BulletinTemplateError("bulletin_template_failed", file=file, line=line,
                                    detail=str(exc)) from None
    joiner = "" if lang == "zh" else " "
    paragraphs = []
    for block in re.split(r"\n[ \t\u3000]*\n", rendered.replace("\r\n", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if lines:
            paragraphs.append(joiner.join(lines))
    if not paragraphs:
        raise BulletinTemplateError("bulletin_template_empty", file=str(template.path))
    return paragraphs


def _where(exc: BaseException, path: Path) -> tuple[str, int | str]:
    """The template file and line an error was raised at: Jinja2 puts each template's lines
    in the traceback under its file name (the county's file, or the shipped one it
    extends or includes)."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if frame.filename == str(path) or frame.filename.endswith(".j2")]
    if not frames:
        return str(path), "?"
    return frames[-1].filename, frames[-1].lineno or "?"


def write_bulletin_sheet(book: Any, title: str, paragraphs: list[str]) -> Any:
    """The 通报 sheet: one paragraph a row in column A, wrapped, nothing else (a clerk
    copies it into the day's bulletin)."""
    from openpyxl.styles import Alignment

    from .atomic import put_text

    sheet = book.create_sheet(title)
    sheet.column_dimensions["A"].width = 120
    for row, paragraph in enumerate(paragraphs, start=1):
        cell = sheet.cell(row, 1)
        put_text(cell, paragraph)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # a row tall enough for the wrapped text (CJK characters are two widths wide)
        width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in paragraph)
        sheet.row_dimensions[row].height = 15 * max(1, -(-width // 118))
    return sheet
