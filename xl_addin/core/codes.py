"""Check digits of 统一社会信用代码 (GB 32100 / GB 11714) and 身份证号 (GB 11643),
and the division codes of the townships."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import re
from pathlib import Path

from .errors import CalcError
from .normalize import normalize_code

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")


def _org_value(char: str) -> int:
    """GB 11714 character value: digits as themselves, letters A=10 … Z=35."""
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_check_char(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    c9 = 11 - sum(_org_value(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def uscc_check_char(body17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def id_check_char(body17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a 身份证号."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def validate_uscc(value: object) -> str:
    """Return the normalised code, or raise ``CalcError`` with the reason."""
    code = normalize_code(value)
    if len(code) != 18:
        raise CalcError("uscc_length", length=len(code))
    for pos, char in enumerate(code, start=1):
        if char not in USCC_CHARSET:
            raise CalcError("uscc_char", pos=pos, char=char)
    expected_org = org_check_char(code[8:16])
    if code[16] != expected_org:
        raise CalcError("uscc_org_check", expected=expected_org)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise CalcError("uscc_check", expected=expected)
    return code


def validate_id_number(value: object) -> str:
    """Return the normalised 身份证号, or raise ``CalcError`` with the reason."""
    code = normalize_code(value)
    if len(code) != 18:
        raise CalcError("id_length", length=len(code))
    if not ID_PATTERN.match(code):
        raise CalcError("id_char")
    birth = code[6:14]
    try:
        dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError as exc:
        raise CalcError("id_birth", birth=birth) from exc
    expected = id_check_char(code[:17])
    if code[17] != expected:
        raise CalcError("id_check", expected=expected)
    if not known_division(code[:6]):
        raise CalcError("id_division", division=code[:6])
    return code


def known_division(prefix: str) -> bool:
    """Whether the first six digits of a 身份证号 are an administrative division code of
    China, now or formerly (python-stdnum's table of GB/T 2260 codes, which keeps the
    codes of abolished counties: an old card keeps its code). Province and prefecture
    codes (430000, 431100) count, as cards were issued under them."""
    return prefix in division_codes()


@functools.cache
def division_codes() -> frozenset[str]:
    """Every 6-digit code of python-stdnum's ``cn/loc.dat``: the lines of a province
    (``43 province="湖南省"``) and, indented under it, of its divisions (``  1123
    county="[1995-]双牌县"``). Read here in ~30 ms: loading it through ``stdnum.numdb`` takes
    ~0.6 s per process, a sixth of checking a 60,000-row workbook (docs/real-workbooks.md)."""
    spec = importlib.util.find_spec("stdnum")  # the package's place, without importing it
    if spec is None or spec.origin is None:  # pragma: no cover - a declared dependency
        raise ModuleNotFoundError("python-stdnum")
    codes: set[str] = set()
    province = ""
    with open(Path(spec.origin).parent / "cn" / "loc.dat", encoding="utf-8") as table:
        for line in table:
            if line[:2].isdigit():
                province = line[:2]
            elif line.startswith("  ") and line[2:6].isdigit() and "county=" in line:
                codes.add(province + line[2:6])
    return frozenset(codes)


def mask_id_number(value: object) -> str:
    """Keep the first 6 and last 4 characters: 431123********123X."""
    code = normalize_code(value)
    if len(code) <= 10:
        return "*" * len(code)
    return code[:6] + "*" * (len(code) - 10) + code[-4:]


def mask_phone(value: object) -> str:
    """Keep the first 3 and last 4 digits of a phone number: 138****5678."""
    code = normalize_code(value)
    if len(code) <= 7:
        return "*" * len(code)
    return code[:3] + "*" * (len(code) - 7) + code[-4:]
