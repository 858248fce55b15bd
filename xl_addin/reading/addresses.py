"""Excel column letters: the one parser (letters → number) and its inverse.

openpyxl's ``column_index_from_string`` is not used: it refuses columns past ZZZ, which a
hostile sheet may name and the guard must still measure, and its unbounded cache would grow
with every distinct reference such a sheet holds.
"""

from __future__ import annotations


def column_number(letters: bytes) -> int:
    """Upper-case column letters → 1-based column number (b"A" → 1, b"AA" → 27); any
    length. Bytes, as the guard scans them (the reader encodes its ``str``): the loop over
    ``bytes`` is the fastest measured (docs/architecture.md, "one reading of the package's
    parts")."""
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
