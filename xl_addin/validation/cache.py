"""The result cache: the ``Outcome`` of a workbook already checked, so that an unchanged
workbook is not read again (docs/formats.md, "The result cache").

An entry is keyed by the sha256 of the file's bytes, the file's name (its date and suffix
change the outcome), the tool (its version and the hash of its code), the schemas, the
policy file and the options that change an outcome (``--as-of``, ``--month``, the limits).
It is JSON with a typed encoding, never pickle: a foreign entry can never run code, and one
that is damaged, of another format or not exactly what an ``Outcome`` holds is ignored (and
removed), never trusted. Entries are written atomically (a temporary file beside it, then
a rename), so two runs at once never leave a half-written entry.

The path and display name are not stored: the same file under another folder reports its
own name. No 身份证号 or phone number is stored unmasked: the 封面's private fields are
masked as the reports mask them, and an outcome that would still hold one anywhere is not
cached at all (it is read again next time).

Light: the command's own process uses this module (no polars, pandera or pydantic)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import os
import re
import secrets
import stat
import types
import typing
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from .. import __version__, bundled
from ..core.codes import mask_id_number, mask_phone, validate_id_number
from ..core.errors import CalcError, XlAddinError
from ..model.findings import Finding, Severity
from ..model.spec import load_workbook_spec
from ..reading.limits import Limits
from .outcome import Outcome

CACHE_ENV = "XL_ADDIN_CACHE_DIR"
FORMAT = "xl-addin-result-cache/1"
POLICY_ENV = "XL_ADDIN_POLICY"  # core.policy's variable (that module loads pydantic)
# An outcome with one of these findings is not stored: it depends on today's date (no
# 统计日期 anywhere) or on a failure of the run rather than on the file.
NOT_STORED = frozenset({"no_as_of", "file_timeout", "file_crashed", "worker_failed"})

_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[0-9]{10}(?![0-9])")


class Unstorable(XlAddinError):
    """An outcome the cache does not store (a type it cannot encode, private data, the
    file's name inside a text). Never shown: the workbook is simply read next time."""

    def __init__(self, reason: str) -> None:
        super().__init__("cache_unstorable", reason=reason)


class Foreign(XlAddinError, ValueError):
    """An entry that is not exactly what this version stores. Never shown: the entry is
    ignored and removed."""

    def __init__(self, reason: str) -> None:
        super().__init__("cache_foreign", reason=reason)


def cache_dir() -> Path:
    """``$XL_ADDIN_CACHE_DIR``, else the user's cache folder (platformdirs)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("xl-addin", appauthor=False)) / "results"


# --- the key --------------------------------------------------------------------------


def _digest_files(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def tool_digest() -> str:
    """The version and the hash of the package's code and shipped policies: a checkout
    changed without a new version number is a new tool too."""
    root = Path(__file__).resolve().parents[1]
    files = sorted(p for p in root.rglob("*") if p.suffix in {".py", ".toml"}
                   and "__pycache__" not in p.parts)
    return f"{__version__}:{_digest_files(files, root)}"


@functools.cache
def schemas_digest() -> str:
    root = bundled("schemas")
    return _digest_files(sorted(root.glob("*.yaml")), root)


def policy_digest(policy_path: str | None) -> str | None:
    """The hash of the policy file the workers will load (the shipped default is part of
    the tool's hash); None when it cannot be read (then nothing is cached: the workers
    report it)."""
    chosen = policy_path or os.environ.get(POLICY_ENV)
    if not chosen:
        return "default"
    try:
        return hashlib.sha256(Path(chosen).read_bytes()).hexdigest()
    except OSError:
        return None


@dataclasses.dataclass(frozen=True)
class Lookup:
    """What a file was when it was looked up: its key, and its size and modification time
    (a file changed while it was checked is not stored)."""

    key: str
    signature: tuple[int, int]
    modified: float = 0.0  # st_mtime, as the worker takes it: the outcome's, not the entry's


class ResultCache:
    """The cache of one batch: one policy, as-of date, month and limits."""

    def __init__(self, policy_path: str | None, as_of: dt.date | None, month: str | None,
                 limits: Limits, directory: Path | None = None) -> None:
        self.directory = directory or cache_dir()
        self.limits = limits
        policy = policy_digest(policy_path)
        self.enabled = policy is not None
        self.base = json.dumps({
            "format": FORMAT, "tool": tool_digest(), "schemas": schemas_digest(),
            "policy": policy, "as_of": as_of.isoformat() if as_of else None, "month": month,
            "limits": dataclasses.asdict(limits)}, sort_keys=True)

    def lookup(self, path: str) -> Lookup | None:
        """The key of the file at ``path``; None for what is not a regular file (a link is
        reported by the guard, never answered from the cache), cannot be read or is over
        the size limit."""
        if not self.enabled:
            return None
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > self.limits.max_file_bytes:
                return None
            with open(path, "rb") as handle:
                content = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None
        key = hashlib.sha256("\0".join(
            (self.base, content, os.path.basename(path))).encode()).hexdigest()
        return Lookup(key, (info.st_size, info.st_mtime_ns), info.st_mtime)

    def holds(self, lookup: Lookup) -> bool:
        """Whether an entry for the file is there (whether it is sound is known when it is
        loaded)."""
        return self._entry(lookup.key).is_file()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def load(self, lookup: Lookup, path: str, display: str) -> Outcome | None:
        """The stored outcome of the file, under its own path and name; None when there
        is none or the entry is not to be trusted (a damaged entry is removed)."""
        entry = self._entry(lookup.key)
        try:
            raw = entry.read_bytes()
        except OSError:
            return None
        try:
            outcome = decode_entry(raw, lookup.key, path, display)
            # the file's own modification time, not the one of the copy first stored: which
            # of two submissions of a day is newer is decided on it (rules/county.py)
            return dataclasses.replace(outcome, modified=lookup.modified)
        except Exception:  # damaged or foreign: never trusted, never fatal
            with contextlib.suppress(OSError):
                entry.unlink()
            return None

    def store(self, lookup: Lookup, outcome: Outcome) -> bool:
        """Store ``outcome``; False when it is not stored (see the module's doc), the file
        changed since it was looked up, or the folder cannot be written."""
        try:
            info = os.lstat(outcome.path)
            if (info.st_size, info.st_mtime_ns) != lookup.signature:
                return False
            data = encode_entry(outcome, lookup.key)
        except (OSError, Unstorable):
            return False
        try:
            _write_atomic(self._entry(lookup.key), data)
        except OSError:
            return False
        return True


def _write_atomic(target: Path, data: bytes) -> None:
    """A temporary file of a new name beside ``target``, then a rename: a reader sees the
    old entry or the new one, never part of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --- the entry --------------------------------------------------------------------------


def encode_entry(outcome: Outcome, key: str) -> bytes:
    """The entry of ``outcome``: its JSON with a digest of it. Raises ``Unstorable``."""
    if outcome.unreadable or any(f.rule in NOT_STORED for f in outcome.findings):
        raise Unstorable("not a stable outcome")
    names = {outcome.path: "path", outcome.display: "display"}
    payload = _encode(dataclasses.replace(outcome, cover=_masked_cover(outcome.cover)), names)
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    _refuse_private(body)
    return json.dumps({"format": FORMAT, "key": key,
                       "sha256": hashlib.sha256(body.encode()).hexdigest(),
                       "outcome": body}, ensure_ascii=False).encode()


def decode_entry(raw: bytes, key: str, path: str, display: str) -> Outcome:
    """The outcome of an entry, checked against what this version stores; raises on
    anything else."""
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or set(data) != {"format", "key", "sha256", "outcome"}:
        raise Foreign("not an entry")
    if data["format"] != FORMAT or data["key"] != key or not isinstance(data["outcome"], str):
        raise Foreign("another format or key")
    body = data["outcome"]
    if hashlib.sha256(body.encode()).hexdigest() != data["sha256"]:
        raise Foreign("damaged")
    outcome = _decode(json.loads(body), {"path": path, "display": display})
    if not isinstance(outcome, Outcome) or outcome.path != path or outcome.display != display:
        raise Foreign("not an outcome")
    return outcome


def _private_columns() -> dict[str, bool]:
    """The 封面's fields holding a 身份证号 (True) or a phone number (False)."""
    return {c.name: c.personal for c in load_workbook_spec().cover.columns
            if c.personal or {"mobile", "phone"} & set(c.checks)}


def _masked_cover(cover: dict[str, Any]) -> dict[str, Any]:
    private = _private_columns()
    return {name: value if name not in private or value is None else
            (mask_id_number(value) if private[name] else mask_phone(value))
            for name, value in cover.items()}


def without_private(outcome: Outcome) -> Outcome:
    """``outcome`` with the 封面's 身份证号 and phone fields masked as the reports mask them
    (``check_paths`` masks every outcome so, cached or not: the two never differ)."""
    masked = _masked_cover(outcome.cover)
    return outcome if masked == outcome.cover else dataclasses.replace(outcome, cover=masked)


def _refuse_private(body: str) -> None:
    for match in _MOBILE.finditer(body):
        if not _in_digest(body, match.start(), match.end()):
            raise Unstorable("a phone number")
    for match in _ID_CANDIDATE.finditer(body):
        with contextlib.suppress(CalcError):
            validate_id_number(match[0].upper())
            raise Unstorable("a 身份证号")


_DIGEST = re.compile(r"[0-9a-f]{32,64}")


def _in_digest(body: str, start: int, end: int) -> bool:
    """Whether ``body[start:end]`` lies inside a hexadecimal digest (the day rules match
    吸纳就业补贴 rows by a digest of the 身份证号: its digits may look like a mobile number)."""
    while start and body[start - 1].isalnum():
        start -= 1
    while end < len(body) and body[end].isalnum():
        end += 1
    return _DIGEST.fullmatch(body, start, end) is not None


# --- the typed encoding -------------------------------------------------------------------

_ENUMS: dict[str, type[enum.Enum]] = {"Severity": Severity}


def _dataclasses_of(cls: type, found: dict[str, type]) -> dict[str, type]:
    """``cls`` and every dataclass its fields' types name, by class name."""
    if cls.__name__ in found:
        return found
    found[cls.__name__] = cls
    for hint in typing.get_type_hints(cls).values():
        for inner in _types_in(hint):
            if dataclasses.is_dataclass(inner) and isinstance(inner, type):
                _dataclasses_of(inner, found)
    return found


def _types_in(hint: Any) -> list[Any]:
    return [hint, *(t for arg in typing.get_args(hint) for t in _types_in(arg))]


@functools.cache
def _classes() -> dict[str, type]:
    return _dataclasses_of(Outcome, {"Finding": Finding})


def _encode(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, enum.Enum):  # first: a StrEnum is a str too
        if _ENUMS.get(type(value).__name__) is not type(value):
            raise Unstorable(f"enum {type(value).__name__}")
        return {"$": "enum", "t": type(value).__name__, "v": value.value}
    if isinstance(value, str):
        if value in names:
            return {"$": "name", "v": names[value]}
        if any(name and name in value for name in names):  # it would be wrong elsewhere
            raise Unstorable("the file's name in a text")
        return value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else {
            "$": "float", "v": repr(value)}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, Fraction):
        return {"$": "fraction", "v": str(value)}
    if isinstance(value, dt.datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, tuple):
        return {"$": "tuple", "v": _encode_items(value, names)}
    if isinstance(value, list):
        return _encode_items(value, names)
    if isinstance(value, dict):
        return {"$": "dict", "v": [[_encode(k, names), _encode(v, names)]
                                   for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _classes().get(name) is not type(value):
            raise Unstorable(f"dataclass {name}")
        return {"$": "dc", "t": name, "v": {f.name: _encode(getattr(value, f.name), names)
                                             for f in dataclasses.fields(value)}}
    raise Unstorable(f"type {type(value).__name__}")


_SCALARS: dict[str, Any] = {
    "decimal": Decimal, "fraction": Fraction, "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat, "time": dt.time.fromisoformat, "float": float}


_PLAIN = frozenset({str, int, bool, type(None)})  # stored as they are, read back the same


def _encode_items(items: list[Any] | tuple[Any, ...], names: dict[str, str]) -> list[Any]:
    """The items of a list or tuple: at once when each is a text (naming neither file name),
    a whole number, a yes/no or blank, or a tuple of those, as the day registers of a long
    roster are (60,000 rows); otherwise one by one."""
    kinds = set(map(type, items))
    if kinds <= _PLAIN:
        texts = "\x00".join(v for v in items if type(v) is str)
        if not any(name and name in texts for name in names):
            return list(items)
    elif kinds == {tuple} and all(set(map(type, t)) <= _PLAIN for t in items):
        texts = "\x00".join(v for t in items for v in t if type(v) is str)
        if not any(name and name in texts for name in names):
            return [{"$": "tuple", "v": list(t)} for t in items]
    return [_encode(v, names) for v in items]


def _decode(value: Any, names: dict[str, str]) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return list(value) if set(map(type, value)) <= _PLAIN else [_decode(v, names)
                                                                    for v in value]
    if not isinstance(value, dict):
        raise Foreign("a JSON value of no known kind")
    tag, inner = value.get("$"), value.get("v")
    if set(value) - {"$", "t", "v"}:
        raise Foreign("an object of no known kind")
    if tag == "name" and inner in names:
        return names[inner]
    if tag in _SCALARS and isinstance(inner, str):
        decoded = _SCALARS[tag](inner)
        if tag == "date" and isinstance(decoded, dt.datetime):
            raise Foreign("a date-time for a date")
        return decoded
    if tag == "tuple" and isinstance(inner, list):
        return tuple(inner) if set(map(type, inner)) <= _PLAIN else tuple(
            _decode(v, names) for v in inner)
    if tag == "dict" and isinstance(inner, list):
        pairs = [_pair(p, names) for p in inner]
        out = dict(pairs)
        if len(out) != len(pairs):
            raise Foreign("a repeated key")
        return out
    if tag == "enum" and value.get("t") in _ENUMS:
        return _ENUMS[value["t"]](inner)
    if tag == "dc" and isinstance(inner, dict):
        return _dataclass(value.get("t"), inner, names)
    raise Foreign(f"tag {tag!r}")


def _pair(pair: Any, names: dict[str, str]) -> tuple[Any, Any]:
    if not isinstance(pair, list) or len(pair) != 2:
        raise Foreign("a dict entry that is not a pair")
    key = _decode(pair[0], names)
    if isinstance(key, list | dict):
        raise Foreign("an unhashable key")
    return key, _decode(pair[1], names)


def _dataclass(name: Any, fields: dict[str, Any], names: dict[str, str]) -> Any:
    cls = _classes().get(name) if isinstance(name, str) else None
    if cls is None:
        raise Foreign(f"class {name!r}")
    declared = {f.name for f in dataclasses.fields(cls) if f.init}
    if set(fields) != declared:
        raise Foreign(f"the fields of {name}")
    hints = typing.get_type_hints(cls)
    values = {k: _decode(v, names) for k, v in fields.items()}
    for field, value in values.items():
        if not conforms(value, hints[field]):
            raise Foreign(f"{name}.{field}")
    return cls(**values)


def conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the type ``hint`` (the hints a dataclass of the outcome
    uses: classes, unions, Optional, list, dict, tuple, Any)."""
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(conforms(value, arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(conforms(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            conforms(k, args[0]) and conforms(v, args[1]) for k, v in value.items())
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(conforms(v, args[0]) for v in value)
        return len(args) == len(value) and all(map(conforms, value, args))
    if origin is not None:  # another generic: its container class
        return isinstance(value, origin)
    if hint is float:
        return isinstance(value, float | int) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, hint)
