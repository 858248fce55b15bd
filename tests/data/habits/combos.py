"""Combinations a real form has (see __init__.py): several habits in one workbook, each
edit the one of its own area's module, the findings expected the union of theirs."""

from __future__ import annotations

from openpyxl.workbook import Workbook

from . import Expect, Habit, cover, headers, sheets, table, values


def _of(module: object, name: str) -> Habit:
    return next(h for h in module.HABITS if h.name == name)  # type: ignore[attr-defined]


def _together(*parts: Habit):
    def edit(book: Workbook) -> None:
        for part in parts:
            part.edit(book)
    return edit


def _expected(*parts: Habit, moved: dict[tuple[str | None, str | None], tuple[str, str]]
              | None = None) -> tuple[Expect, ...]:
    """The union of the parts' findings; ``moved``: (sheet, cell) as a part expects it →
    where it is once the other parts have inserted rows or renamed the sheet (positions
    are always the workbook's own)."""
    out = []
    for part in parts:
        for e in part.expected:
            sheet, cell = (moved or {}).get((e.sheet, e.cell), (e.sheet, e.cell))
            out.append(Expect(e.rule, sheet, cell, e.severity, e.params))
    return tuple(out)


def _units_under_two_rows(book: Workbook) -> None:
    """贫困劳动力 as a county's paper form: a merged title, 已返岗人数 over its four
    children, and a row of units under them — three rows above the data."""
    _of(headers, "header_two_rows_title").edit(book)
    ws = book["贫困劳动力"]
    ws.insert_rows(4)  # title 1, parents 2, children 3, units 4
    for letter in "DEFG":
        ws[f"{letter}4"] = "人"


def _units_wrong_under_two_rows(book: Workbook) -> None:
    _units_under_two_rows(book)
    book["贫困劳动力"]["D4"] = "万人"


# the parts of a whole form, from every area, that change no figure
_FORM = (_of(cover, "cover_township_as_government"), _of(cover, "cover_labels_full_width_colon"),
         _of(cover, "cover_title_row_above"), _of(headers, "header_unit_people"),
         _of(headers, "header_line_break"), _of(table, "total_spaced"),
         _of(table, "signature_lines"), _of(table, "form_as_returned"),
         _of(table, "industry_merged_five_rows"), _of(values, "values_nbsp_in_size"),
         _of(headers, "header_two_rows"))
_RENAMED = (_of(headers, "header_synonyms"), _of(sheets, "sheet_trailing_space"))

HABITS: list[Habit] = [
    Habit("combo_title_units_two_rows", "a title row, a two-row header and a row of units "
          "together (贫困劳动力)", _units_under_two_rows),
    Habit("combo_title_units_two_rows_wrong", "the same with 万人 under 省外: every figure "
          "below 10,000 times off", _units_wrong_under_two_rows,
          (Expect.of("header_unit_mismatch", "贫困劳动力", "D4", "error"),), clean=False),
    Habit("combo_whole_form", "a whole form as a township returns it: 封面 with colons, a "
          "title and 泷泊镇人民政府; units and line breaks in headers; a spaced 合计, "
          "signature lines, 小计 groups and 总计, merged cells, a no-break space, a two-row "
          "header", _together(*_FORM),
          _expected(*_FORM, moved={("封面", "B1"): ("封面", "B3")})),  # under the title rows
    Habit("combo_renamed_and_synonyms", "a sheet name with a trailing space and headers "
          "written with the county's synonyms", _together(*_RENAMED),
          _expected(*_RENAMED, moved={("规模工业企业", c): ("规模工业企业 ", c)
                                      for c in ("B1", "H1")})),
]
