"""The county summary: township counts added up, the headline rates recomputed from the
sums, the bulletin written from the data (outputs/bulletin.py), and the summary workbook."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from ..core.messages import Lang, text
from ..model.spec import cover_label
from ..validation.outcome import Batch, Outcome
from .atomic import put_text, write_atomic
from .bulletin import bulletin_figures, load_template, render_paragraphs, write_bulletin_sheet
from .dispatch import add_dispatch_sheets, dispatch_list
from .indicators import (
    COUNTS,
    RATES,
    add_counts,
    compute_rates,
    format_rate,
    previous_month,
)
from .print_setup import apply_print_setup
from .report import verdict
from .styles import HEADER_FILL, HEADER_FONT
from .trend import add_trend_sheet, trend_of


@dataclass
class CountySummary:
    as_of: dt.date | None  # the one 统计日期 summarised
    month: str
    townships: list[Outcome]  # readable workbooks of that day, in township order
    counts: dict[str, Any]
    rates: dict[str, Fraction | None]
    expected: tuple[str, ...] = ()  # the county's townships (policy); () when unknown
    not_used: list[Outcome] = field(default_factory=list)  # readable, of another day
    # same day and township as a newer workbook (not used) -> the workbook used instead
    superseded: dict[str, str] = field(default_factory=dict)
    # the county's bulletin template (summary --bulletin-template); None: the default one
    bulletin_template: str | None = None
    # the workbooks used that have 错误 (those of the rules between workbooks included):
    # display -> how many; their figures are added but may be incomplete
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def reported(self) -> list[str]:
        """The townships with a workbook of the day, in the policy's order (then others)."""
        names = {t.township for t in self.townships if t.township}
        return ([t for t in self.expected if t in names]
                + sorted(names - set(self.expected)))

    @property
    def knows_missing(self) -> bool:
        """Whether the townships not reported can be named: the county's townships are
        known (some workbook reached a worker's check) and there is a day summarised."""
        return bool(self.expected) and self.as_of is not None

    @property
    def missing(self) -> list[str]:
        """The county's townships with no workbook of the day; none when that cannot be
        known (nothing is guessed)."""
        if not self.knows_missing:
            return []
        names = {t.township for t in self.townships}
        return [t for t in self.expected if t not in names]

    def scope(self, lang: Lang = "zh") -> str:
        """全县, or the townships that reported and those that did not: incomplete data is
        never called 全县 without naming what is missing."""
        if not self.missing:
            return text("scope_county", lang)
        return text("scope_partial", lang, reported=len(self.reported),
                    expected=len(self.expected), missing="、".join(self.missing))

    def notes(self, lang: Lang = "zh") -> list[str]:
        """What the summary leaves out or cannot vouch for: the townships missing, the
        workbooks used that have 错误, the workbooks of other days (one line for many: a
        campaign folder holds every day), the workbooks replaced by a newer one."""
        lines = []
        if self.missing:
            lines.append(text("summary_missing", lang, count=len(self.missing),
                              townships="、".join(self.missing)))
        if self.errors:
            lines.append(text("summary_with_errors", lang, count=len(self.errors),
                              workbooks="、".join(
                                  text("summary_errors_of", lang, workbook=name, errors=n)
                                  for name, n in self.errors.items())))
        other_days = [r for r in self.not_used if r.display not in self.superseded]
        if len(other_days) > OTHER_DAYS_LISTED:
            dated = sorted({r.as_of for r in other_days if r.as_of})
            undated = [r for r in other_days if not r.as_of]
            if dated:
                lines.append(text("summary_other_days", lang,
                                  count=len(other_days) - len(undated), days=len(dated),
                                  first=dated[0].isoformat(), last=dated[-1].isoformat()))
            other_days = undated
        for result in self.not_used:
            if result.display in self.superseded:
                lines.append(text("summary_superseded", lang, workbook=result.display,
                                  newer=self.superseded[result.display]))
            elif result in other_days:
                lines.append(text("summary_not_used", lang, workbook=result.display,
                                  date=_day(result.as_of, lang)))
        return lines

    def shown_rates(self) -> dict[str, str]:
        return {r.key: format_rate(r, self.rates[r.key]) for r in RATES}

    def bulletin_figures(self) -> dict[str, Any]:
        """The bulletin's named figures, in the article's units (outputs/bulletin.py)."""
        return bulletin_figures(self.counts, self.shown_rates(), self.month)

    def paragraphs(self, lang: Lang = "zh") -> list[str]:
        """The whole bulletin, paragraph by paragraph, from the bulletin template (the
        county's, else the default one of ``lang``); ``BulletinTemplateError`` when the
        template is wrong."""
        when = self.as_of or dt.date.today()
        phrase = text("date_phrase", lang, month=when.month, day=when.day, date=when.isoformat())
        return render_paragraphs(load_template(self.bulletin_template, lang),
                                 self.bulletin_figures(), date_phrase=phrase,
                                 scope=self.scope(lang), as_of=self.as_of, lang=lang)

    def bulletin(self, lang: Lang = "zh") -> str:
        """The bulletin's first paragraph: the article's opening sentence, from the data."""
        return self.paragraphs(lang)[0]

    def to_json(self) -> dict[str, Any]:
        paragraphs = self.paragraphs()
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "project_month": self.month,
            "townships_expected": list(self.expected) if self.expected else None,
            "townships_reported": self.reported,
            "townships_missing": self.missing if self.knows_missing else None,
            "workbooks_not_used": [{"workbook": r.display,
                                    "as_of": r.as_of.isoformat() if r.as_of else None}
                                   for r in self.not_used],
            "workbooks_with_errors": [{"workbook": name, "errors": n}
                                      for name, n in self.errors.items()],
            "townships": [{"township": t.township, "workbook": t.display,
                           "counts": {k: _plain(v) for k, v in t.counts.items()},
                           "rates": {r.key: format_rate(r, v) for r, v in
                                     zip(RATES, compute_rates(t.counts).values(), strict=True)}}
                          for t in self.townships],
            "counts": {k: _plain(v) for k, v in self.counts.items()},
            "rates": {k: (float(v) if v is not None else None) for k, v in self.rates.items()},
            "rates_shown": self.shown_rates(),
            "bulletin": paragraphs[0],
            "bulletin_paragraphs": paragraphs,
            "bulletin_figures": {k: _plain(v) for k, v in self.bulletin_figures().items()},
        }


# Up to this many workbooks of other days are named one by one in the notes; more (a campaign
# folder) are said in one line with their dates (JSON lists every one).
OTHER_DAYS_LISTED = 5


def _plain(value: Any) -> Any:
    if isinstance(value, int | float | str) or value is None:
        return value
    return float(value)


def _day(day: dt.date | None, lang: Lang) -> str:
    return day.isoformat() if day else text("no_date", lang)


def county_summary(batch: Batch, month: str | None = None,
                   day: dt.date | None = None) -> CountySummary:
    """Add up the readable workbooks of one 统计日期 of a batch: ``day``, else the latest
    统计日期 among them. The workbooks of other days (or of no 统计日期) are not added,
    only listed: two days of a township are never summed."""
    readable = [r for r in batch.results if not r.unreadable]
    as_of = day or max((r.as_of for r in readable if r.as_of), default=None)
    # one workbook per township and day, as check decided it (rules.county.select_workbooks)
    of_day = [r for r in readable if r.as_of == as_of and as_of is not None]
    superseded = {r.display: batch.superseded[r.display] for r in of_day
                  if r.display in batch.superseded}
    used = [r for r in of_day if r.display not in superseded]
    not_used = [r for r in readable if r.as_of != as_of or as_of is None]
    not_used += [r for r in of_day if r.display in superseded]
    chosen = month or previous_month(as_of or dt.date.today())
    division = cover_label("division_code")
    used.sort(key=lambda r: (r.cover.get(division) or "", r.township or ""))
    counts = add_counts([r.counts for r in used])
    errors = {r.display: batch.errors_of(r) for r in used if batch.errors_of(r)}
    return CountySummary(as_of, chosen, used, counts, compute_rates(counts),
                         batch.townships, not_used, superseded, errors=errors)


def build_workbook(summary: CountySummary, batch: Batch, lang: Lang = "zh",
                   county: str | None = None) -> Workbook:
    book = Workbook()
    ws = book.active
    ws.title = text("summary_sheet", lang)
    labels = [c.title(summary.month) for c in COUNTS]
    division = cover_label("division_code")
    header = [text("township", lang), division, cover_label("as_of"), *labels,
              *(r.label for r in RATES)]
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for result in summary.townships:
        rates = compute_rates(result.counts)
        row = ws.max_row + 1
        put_text(ws.cell(row, 1), result.township or os.path.basename(result.display))
        put_text(ws.cell(row, 2), str(result.cover.get(division) or ""))
        ws.cell(row, 3, result.as_of).number_format = "yyyy-mm-dd"
        _fill_numbers(ws, row, result.counts, rates)
    for township in summary.missing:  # named, never a row of zeros: its figures are unknown
        row = ws.max_row + 1
        put_text(ws.cell(row, 1), township)
        put_text(ws.cell(row, 3), text("not_reported", lang))
        ws.cell(row, 3).font = Font(color="C00000")
    total_row = ws.max_row + 1
    put_text(ws.cell(total_row, 1), text("total", lang))
    _fill_numbers(ws, total_row, summary.counts, summary.rates)
    for cell in ws[total_row]:
        cell.font = Font(bold=True)
    for note in summary.notes(lang):  # under the total: what it leaves out
        cell = ws.cell(ws.max_row + 1, 1)
        put_text(cell, note)
        cell.font = Font(color="C00000")
    for letter_index in range(1, len(header) + 1):
        ws.column_dimensions[ws.cell(1, letter_index).column_letter].width = 14
    ws.freeze_panes = "B2"
    if summary.townships:
        chart = BarChart()
        chart.title = text("chart_title", lang)
        chart.y_axis.number_format = "0%"
        rate_col = 3 + len(COUNTS) + 1
        data = Reference(ws, min_col=rate_col, min_row=1, max_row=1 + len(summary.townships))
        cats = Reference(ws, min_col=1, min_row=2, max_row=1 + len(summary.townships))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.height, chart.width = 8, 18
        ws.add_chart(chart, f"A{total_row + 3}")
    write_bulletin_sheet(book, text("bulletin_sheet", lang), summary.paragraphs(lang))
    sources = book.create_sheet(text("sources_sheet", lang))
    sources.append([text("col_workbook", lang), text("township", lang), text("col_verdict", lang),
                    cover_label("as_of"), text("col_used", lang)])
    used = {id(r) for r in summary.townships}
    for result in batch.results:
        row = sources.max_row + 1
        put_text(sources.cell(row, 1), result.display)
        put_text(sources.cell(row, 2), result.township or "")
        put_text(sources.cell(row, 3), verdict(result, lang))
        if result.as_of:
            sources.cell(row, 4, result.as_of).number_format = "yyyy-mm-dd"
        put_text(sources.cell(row, 5), text("used_yes" if id(result) in used else "used_no",
                                            lang))
    sources.column_dimensions["A"].width = 60
    add_dispatch_sheets(book, dispatch_list(summary), lang)  # the day's dispatch list
    add_trend_sheet(book, trend_of(batch, lambda day: county_summary(batch, None, day)), lang)
    for sheet in book.worksheets:  # every sheet, whoever built it: how it prints
        apply_print_setup(sheet, county or summary.scope(lang), summary.as_of, lang=lang)
    return book


def _fill_numbers(ws: Any, row: int, counts: dict[str, Any],
                  rates: dict[str, Fraction | None]) -> None:
    for j, count in enumerate(COUNTS, start=4):
        value = counts.get(count.key) or 0
        cell = ws.cell(row, j, _plain(value))
        cell.number_format = count.number_format
    for j, rate in enumerate(RATES, start=4 + len(COUNTS)):
        value = rates.get(rate.key)
        cell = ws.cell(row, j, float(value) if value is not None else None)
        cell.number_format = rate.number_format


def write_summary(summary: CountySummary, batch: Batch, out: str | os.PathLike[str],
                  lang: Lang = "zh", county: str | None = None) -> None:
    book = build_workbook(summary, batch, lang, county)
    write_atomic(out, lambda tmp: book.save(tmp))
