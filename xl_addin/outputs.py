"""Writing outputs atomically: a temporary file beside the target, then a rename, so an
existing output is never left half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(target: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result onto ``target``."""
    with atomic_path(target) as tmp:
        write(tmp)
    return Path(target)


def write_text_atomic(target: str | os.PathLike[str], content: str) -> Path:
    return write_atomic(target, lambda p: p.write_text(content, encoding="utf-8"))


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def put_text(cell: object, value: object) -> None:
    """Write text copied from a workbook into an output cell as plain text, never as a
    formula: a leading =, +, -, @ is kept as a literal character (formula injection)."""
    text = "" if value is None else str(value)
    cell.value = text  # type: ignore[attr-defined]
    cell.data_type = "s"  # type: ignore[attr-defined]
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True  # type: ignore[attr-defined]  # Excel shows it as typed text
