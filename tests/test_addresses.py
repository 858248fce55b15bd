"""Excel column letters (``xl_addin.reading.addresses``): the one parser, for the guard and
the reader, and its inverse."""

from __future__ import annotations

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from xl_addin.reading.addresses import column_letter, column_number


def test_column_numbers_agree_with_openpyxl_over_its_whole_range() -> None:
    for number in range(1, 18279):  # A … ZZZ
        letters = get_column_letter(number)
        assert column_number(letters.encode()) == column_index_from_string(letters) == number
        assert column_letter(number - 1) == letters


def test_columns_past_zzz_are_counted_not_refused() -> None:
    """A hostile sheet may name a column past Excel's XFD or openpyxl's ZZZ: the guard
    must still measure it."""
    assert column_number(b"AAAA") == 18279
    assert column_number(b"XFD") == 16384
    assert column_letter(18278) == "AAAA"
