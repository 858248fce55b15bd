"""Writing outputs atomically: a temporary file beside the target, then a rename, so an
existing output is never left half-written."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``. The
    result has the permissions of the file it replaces, or those a new file would get (the
    umask), not the owner-only ones of a temporary file."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_file(target)
    try:
        yield tmp
        with contextlib.suppress(OSError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _new_file(target: Path) -> Path:
    """An empty file of a new name beside ``target``, created with the umask's permissions."""
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp


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
