"""Values a reader returns for cells that hold no usable value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CellError:
    """A formula error value such as ``#DIV/0!`` or ``#REF!`` — never read as blank."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class Uncalculated:
    """A formula with no cached value: the file was written by a program and never
    calculated, so the value is unknown."""

    formula: str

    def __str__(self) -> str:
        return f"={self.formula}"


ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
               "#GETTING_DATA", "#SPILL!", "#CALC!")
