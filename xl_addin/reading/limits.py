"""Limits on what a workbook may cost to read, with sane defaults; every one can be set
from the command line (``xl-addin check --max-size …``)."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * MIB  # the file on disk
    max_unpacked_bytes: int = 2048 * MIB  # all parts together, as the zip declares them
    max_ratio: int = 200  # unpacked / packed, for a part above ``ratio_floor`` bytes
    ratio_floor: int = 8 * MIB
    max_parts: int = 10_000
    max_cells: int = 50_000_000  # the grid a sheet spans (what a reader allocates)
    timeout_seconds: float = 300.0  # per workbook
    max_memory_bytes: int = 3072 * MIB  # address space a reading process may add


def size_text(size: int) -> str:
    """1536 → "1.5 KiB"."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


DEFAULT_LIMITS = Limits()
