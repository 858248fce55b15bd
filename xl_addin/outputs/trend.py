"""The trend over the reporting days of a batch: per day and township the headline counts
and rates, the county per day, the reporting matrix (township × day: reported / had 错误 /
missing), the townships below the county's rate, and the 趋势 sheet with line charts.

Each day is a county summary of its own (``summary.county_summary(batch, day=…)``, passed
in as ``summarise``, since ``summary.build_workbook`` calls this module): the
same selection (one 统计日期, the newest workbook per township) and the same rates
(``indicators.compute_rates`` over added counts), so a day of the trend and the summary of
that day never disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..core.messages import Lang, text
from ..model.spec import cover_label
from ..validation.outcome import Batch, Outcome
from .atomic import put_text
from .indicators import COUNTS, RATES, compute_rates
from .styles import HEADER_FILL, HEADER_FONT

if TYPE_CHECKING:
    from .summary import CountySummary

HEADER_ROW = 4  # the 趋势 sheet: title (1), block title (3), the county's header (4)
MISSING_FILL = PatternFill("solid", fgColor="FFC7CE")
ERRORS_FILL = PatternFill("solid", fgColor="FFEB9C")
# the counts the rates are made of, in the order of the rates: the headline counts
HEADLINE_COUNTS: tuple[str, ...] = tuple(dict.fromkeys(
    key for r in RATES for key in (r.numerator, r.denominator)))


class Reporting(StrEnum):
    REPORTED = "reported"
    ERRORS = "errors"  # reported, with some 错误
    MISSING = "missing"


@dataclass
class Trend:
    days: list[dt.date]  # every 统计日期 of the batch's readable workbooks, in order
    summaries: dict[dt.date, CountySummary]  # the county summary of each day
    batch: Batch

    @property
    def townships(self) -> list[str]:
        """The county's townships (policy order), then any other township that reported."""
        expected = list(self.batch.townships)
        seen = {t.township for s in self.summaries.values() for t in s.townships
                if t.township}
        return expected + sorted(seen - set(expected))

    def workbook(self, township: str, day: dt.date) -> Outcome | None:
        """The workbook used for a township on a day (None: it did not report)."""
        return next((t for t in self.summaries[day].townships if t.township == township),
                    None)

    def reporting(self, township: str, day: dt.date) -> Reporting:
        result = self.workbook(township, day)
        if result is None:
            return Reporting.MISSING
        return Reporting.ERRORS if self.batch.errors_of(result) else Reporting.REPORTED

    def rates(self, township: str, day: dt.date) -> dict[str, Fraction | None] | None:
        result = self.workbook(township, day)
        return None if result is None else compute_rates(result.counts)

    def below_county(self, day: dt.date) -> dict[str, list[str]]:
        """Per rate, the townships of the day whose rate is below the county's (exact
        fractions; a township or county with no denominator is not compared)."""
        summary = self.summaries[day]
        out: dict[str, list[str]] = {}
        for rate in RATES:
            county = summary.rates[rate.key]
            out[rate.key] = [] if county is None else [
                t.township or t.display for t in summary.townships
                if (mine := compute_rates(t.counts)[rate.key]) is not None and mine < county]
        return out


def trend_of(batch: Batch, summarise: Callable[[dt.date], CountySummary]) -> Trend:
    """The trend of every 统计日期 among the readable workbooks of ``batch``; ``summarise``
    gives the county summary of one day (``lambda day: county_summary(batch, day=day)``)."""
    days = sorted({r.as_of for r in batch.results if not r.unreadable and r.as_of})
    return Trend(days, {d: summarise(d) for d in days}, batch)


def _header(ws: Worksheet, row: int, values: list[Any]) -> None:
    for j, value in enumerate(values, start=1):
        cell = ws.cell(row, j)
        if isinstance(value, dt.date):
            cell.value = value
            cell.number_format = "yyyy-mm-dd"
        else:
            put_text(cell, str(value))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def _block_title(ws: Worksheet, row: int, title: str) -> None:
    put_text(ws.cell(row, 1), title)
    ws.cell(row, 1).font = Font(bold=True, size=12)


def _rate_cells(ws: Worksheet, row: int, first: int, rates: dict[str, Fraction | None]) -> None:
    for j, rate in enumerate(RATES, start=first):
        value = rates.get(rate.key)
        cell = ws.cell(row, j, float(value) if value is not None else None)
        cell.number_format = rate.number_format


def add_trend_sheet(book: Workbook, trend: Trend, lang: Lang = "zh") -> Worksheet | None:
    """Add the 趋势 sheet to ``book`` when there is more than one day (one day has no trend:
    its figures, missing townships and rates are the 汇总 sheet's). Its first table (the
    county by day) has its header on ``HEADER_ROW``."""
    if len(trend.days) < 2:
        return None
    ws = book.create_sheet(text("trend_sheet", lang))
    days = trend.days
    put_text(ws.cell(1, 1), text("trend_title", lang, first=days[0].isoformat(),
                                 last=days[-1].isoformat(), days=len(days)))
    ws.cell(1, 1).font = Font(bold=True, size=14)

    # the county by day, and its line chart
    _block_title(ws, HEADER_ROW - 1, text("trend_county", lang))
    _header(ws, HEADER_ROW, [cover_label("as_of"), text("trend_reported_count", lang),
                             text("trend_missing_col", lang), *(r.label for r in RATES)])
    for i, day in enumerate(days, start=1):
        summary, row = trend.summaries[day], HEADER_ROW + i
        ws.cell(row, 1, day).number_format = "yyyy-mm-dd"
        ws.cell(row, 2, len(summary.reported))
        put_text(ws.cell(row, 3), "、".join(summary.missing))
        _rate_cells(ws, row, 4, summary.rates)
    last = HEADER_ROW + len(days)
    chart = LineChart()
    chart.title = text("trend_chart", lang)
    chart.y_axis.number_format = "0%"
    chart.add_data(Reference(ws, min_col=4, max_col=3 + len(RATES), min_row=HEADER_ROW,
                             max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=HEADER_ROW + 1, max_row=last))
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, ws.cell(HEADER_ROW - 1, 5 + len(RATES)).coordinate)

    # the reporting matrix
    row = max(last + 2, HEADER_ROW + 17)  # below the chart
    _block_title(ws, row, text("trend_matrix", lang))
    _header(ws, row + 1, [text("township", lang), *days])
    words = {Reporting.REPORTED: text("trend_reported", lang),
             Reporting.ERRORS: text("trend_errors", lang),
             Reporting.MISSING: text("not_reported", lang)}
    fills = {Reporting.ERRORS: ERRORS_FILL, Reporting.MISSING: MISSING_FILL}
    row += 1
    for township in trend.townships:
        row += 1
        put_text(ws.cell(row, 1), township)
        for j, day in enumerate(days, start=2):
            state = trend.reporting(township, day)
            put_text(ws.cell(row, j), words[state])
            if state in fills:
                ws.cell(row, j).fill = fills[state]

    # the headline rate by township and day, and its line chart
    headline = RATES[0]
    row += 2
    _block_title(ws, row, headline.label)
    top = row + 1
    _header(ws, top, [cover_label("as_of"), *trend.townships])
    for i, day in enumerate(days, start=1):
        ws.cell(top + i, 1, day).number_format = "yyyy-mm-dd"
        for j, township in enumerate(trend.townships, start=2):
            rates = trend.rates(township, day)
            value = None if rates is None else rates[headline.key]
            cell = ws.cell(top + i, j, float(value) if value is not None else None)
            cell.number_format = headline.number_format
    row = top + len(days)
    by_township = LineChart()
    by_township.title = headline.label
    by_township.y_axis.number_format = "0%"
    by_township.add_data(Reference(ws, min_col=2, max_col=1 + len(trend.townships),
                                   min_row=top, max_row=row), titles_from_data=True)
    by_township.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=row))
    by_township.height, by_township.width = 8, 18
    ws.add_chart(by_township, ws.cell(top - 1, 3 + len(trend.townships)).coordinate)

    # the townships below the county on the last day
    row = max(row + 2, top + 16)
    _block_title(ws, row, text("trend_below", lang, date=days[-1].isoformat()))
    _header(ws, row + 1, [text("trend_col_rate", lang), text("trend_col_county", lang),
                          text("trend_col_below", lang)])
    row += 1
    below = trend.below_county(days[-1])
    for rate in RATES:
        row += 1
        put_text(ws.cell(row, 1), rate.label)
        county = trend.summaries[days[-1]].rates[rate.key]
        cell = ws.cell(row, 2, float(county) if county is not None else None)
        cell.number_format = rate.number_format
        put_text(ws.cell(row, 3), "、".join(below[rate.key]))

    # each township by day: the counts the rates are made of, and the rates
    row += 2
    _block_title(ws, row, text("trend_townships", lang))
    labels = {c.key: c.title(trend.summaries[days[-1]].month) for c in COUNTS}
    _header(ws, row + 1, [cover_label("as_of"), text("township", lang),
                          *(labels[k] for k in HEADLINE_COUNTS), *(r.label for r in RATES)])
    row += 1
    for day in days:
        for result in trend.summaries[day].townships:
            row += 1
            ws.cell(row, 1, day).number_format = "yyyy-mm-dd"
            put_text(ws.cell(row, 2), result.township or result.display)
            for j, key in enumerate(HEADLINE_COUNTS, start=3):
                value = result.counts.get(key) or 0
                ws.cell(row, j, value if isinstance(value, int) else float(value))
            _rate_cells(ws, row, 3 + len(HEADLINE_COUNTS), compute_rates(result.counts))
    for j in range(1, 4 + len(HEADLINE_COUNTS) + len(RATES)):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = 13
    ws.column_dimensions["C"].width = 18
    return ws
