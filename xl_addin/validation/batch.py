"""Checking many workbooks: files and folders, in parallel processes, plus the rules
between workbooks (a credit code in two townships, two workbooks for one township
and date)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

from ..model.findings import Finding, Severity, Tally, sort_key
from ..model.spec import sheet_order
from ..reading.guard import ReadError
from ..reading.limits import DEFAULT_LIMITS, Limits, size_text

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".csv"}


@dataclass
class Checked(Tally):
    """The picklable outcome of checking one workbook."""

    path: str
    display: str
    findings: list[Finding]
    unreadable: bool = False
    cover: dict[str, Any] = field(default_factory=dict)
    as_of: dt.date | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # county-unique
    policy: str = ""


@dataclass
class Batch:
    results: list[Checked]
    findings: list[Finding]  # the rules between workbooks

    @functools.cached_property
    def all_findings(self) -> list[Finding]:
        order = sheet_order()
        return sorted([f for r in self.results for f in r.findings] + self.findings,
                      key=lambda f: sort_key(f, order))

    @functools.cached_property
    def _cross_errors(self) -> Counter[str]:
        return Counter(f.workbook for f in self.findings if f.severity is Severity.ERROR)

    def errors_of(self, result: Checked) -> int:
        """The 错误 of one workbook, those of the rules between workbooks included."""
        return result.errors + self._cross_errors[result.display]

    @property
    def exit_code(self) -> int:
        """0: no 错误; 1: some 错误; 2: some file could not be read at all."""
        if any(r.unreadable for r in self.results):
            return 2
        return 1 if any(f.severity is Severity.ERROR for f in self.all_findings) else 0


def collect(paths: Iterable[str]) -> list[tuple[str, str]]:
    """(path, display) of every workbook named or found in the folders named, in order.
    Folders are walked without following symbolic links; a link found (to a workbook or to
    a folder) is still listed, so that it is reported, not silently skipped."""
    out: list[tuple[str, str]] = []
    for given in paths:
        if os.path.isdir(given) and not os.path.islink(given):
            found = []
            for root, dirs, names in os.walk(given, followlinks=False):
                links = {d for d in dirs if os.path.islink(os.path.join(root, d))}
                found.extend(os.path.join(root, d) for d in links if not d.startswith("."))
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in links)
                for name in names:
                    suffix = os.path.splitext(name)[1].lower()
                    if suffix in WORKBOOK_SUFFIXES and not name.startswith(("~$", ".")):
                        found.append(os.path.join(root, name))
            out.extend((p, p) for p in sorted(found))
        else:
            out.append((given, given))
    return out


def check_one(path: str, display: str, as_of: dt.date | None = None,
              policy_path: str | None = None, month: str | None = None,
              limits: Limits = DEFAULT_LIMITS) -> Checked:
    """Check one workbook (runs in a worker process, which has imported ``workbook_check``
    already; the parent process, which only schedules the files and renders the report,
    never imports pandas, pandera or pydantic)."""
    with paused_gc():
        from .worker import check_workbook

        return check_workbook(path, display, as_of, policy_path, month, limits)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while one workbook is checked: the values of a large
    sheet are millions of objects, and each full collection walks them all (0.3 s over a
    60,000-row roster) to find almost nothing. What a check leaves is freed by reference
    counting; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _safe_check(args: tuple[str, str, dt.date | None, str | None, str | None, Limits]
                ) -> Checked:
    path, display = args[0], args[1]
    try:
        return check_one(*args)
    except MemoryError:
        return _failed(path, display, "file_crashed",
                       {"file": display, "limit": size_text(args[5].max_memory_bytes)})
    except Exception as exc:  # never let one file stop the batch
        return _worker_failed(path, display, exc)


def _failed(path: str, display: str, rule: str, params: dict[str, Any]) -> Checked:
    return Checked(path, display, [Finding(display, None, None, None, None, rule,
                                           Severity.ERROR, params)], unreadable=True)


def _worker_failed(path: str, display: str, exc: Exception) -> Checked:
    return _failed(path, display, "worker_failed",
                   {"file": display, "detail": f"{type(exc).__name__}: {exc}"[:200]})


def _init_worker(max_bytes: int) -> None:
    """Worker initializer: load the checking program, then limit the memory, and keep the
    worker's standard error off the console (a reader that runs out of memory prints a
    Rust message and backtrace there before it aborts; what went wrong is reported as a
    finding instead). Set ``XL_ADDIN_DEBUG=1`` to keep it."""
    with paused_gc(), contextlib.suppress(Exception):
        # pandas, pandera, pydantic: the limit is on what a file adds to them. Should the
        # import fail, check_one imports again and reports the error for each file.
        import xl_addin.validation.worker  # noqa: F401
    _limit_memory(max_bytes)
    # With RUST_BACKTRACE set, a reader running out of memory tries to capture a backtrace,
    # needs memory for it and can deadlock instead of aborting: the file would hang until
    # the time limit instead of being reported at once.
    os.environ["RUST_BACKTRACE"] = "0"
    if not os.environ.get("XL_ADDIN_DEBUG"):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def _limit_memory(max_bytes: int) -> None:
    """Cap the address space this process may add, so that a hostile file makes the read
    fail (or the worker die) instead of exhausting the machine. The cap is only ever
    lowered."""
    import resource

    with open("/proc/self/statm") as handle:
        current = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + max_bytes
    for cap in (soft, hard):
        if cap != resource.RLIM_INFINITY:
            limit = min(limit, cap)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _some(places: list[str], shown: int = 5) -> str:
    """The first places, and how many more: a value repeated in a thousand workbooks must
    not give a thousand findings that each list the thousand others."""
    more = len(places) - shown
    return "、".join(places[:shown]) + (f" … (+{more})" if more > 0 else "")


def cross_checks(results: list[Checked]) -> list[Finding]:
    """Rules between workbooks."""
    findings: list[Finding] = []
    # a county-unique value is compared within one 统计日期: a batch may hold several
    # dates of each township, and an enterprise is in each of its township's reports
    seen: dict[tuple[str, dt.date | None], dict[str, list[tuple[Checked, str, str]]]] = (
        defaultdict(lambda: defaultdict(list)))
    for result in results:
        for key, values in result.keys.items():
            for value, sheet, cell in values:
                seen[(key, result.as_of)][value].append((result, sheet, cell))
    for (key, _date), by_value in seen.items():
        column = key.split(".", 1)[1]
        for value, places in by_value.items():
            books = {r.display for r, _, _ in places}
            if len(books) < 2:
                continue
            for result, sheet, cell in places:
                others = _some(sorted(f"{Path(r.display).name}!{c}" for r, _, c in places
                                      if r.display != result.display))
                findings.append(Finding(result.display, sheet, cell, int("".join(
                    ch for ch in cell if ch.isdigit())), column, "county_duplicate",
                    Severity.ERROR, {"column": column, "value": value, "other": others}, value))
    groups: dict[tuple[str, str], list[Checked]] = defaultdict(list)
    for result in results:
        if result.township and result.as_of:
            groups[(result.township, result.as_of.isoformat())].append(result)
    for (township, date), group in groups.items():
        if len(group) < 2:
            continue
        for result in group:
            others = _some([r.display for r in group if r is not result])
            findings.append(Finding(result.display, "封面", None, None, "填报单位",
                                    "duplicate_workbook", Severity.ERROR,
                                    {"township": township, "date": date, "others": others}))
    return findings


def check_paths(paths: Iterable[str], as_of: dt.date | None = None, jobs: int | None = None,
                policy_path: str | None = None, month: str | None = None,
                progress: Callable[[Checked], None] | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Batch:
    """Check every workbook named or found under ``paths``, each in a worker process with
    the memory and time limits of ``limits``; a file that crashes or hangs its worker is
    reported and the batch goes on."""
    files = collect(paths)
    tasks = [(p, d, as_of, policy_path, month, limits) for p, d in files]
    results: list[Checked | None] = [None] * len(tasks)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    with ProcessPool(max_workers=workers, initializer=_init_worker,
                     initargs=(limits.max_memory_bytes,)) as pool:
        futures = {pool.schedule(_safe_check, args=(task,), timeout=limits.timeout_seconds): i
                   for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            path, display = tasks[i][0], tasks[i][1]
            try:
                checked = _outcome(future, display, limits)
            except ReadError as exc:  # timed out, or the worker died
                checked = _failed(path, display, exc.rule, exc.params)
            except Exception as exc:
                checked = _worker_failed(path, display, exc)
            results[i] = checked
            if progress:
                progress(checked)
    done = [r for r in results if r is not None]
    return Batch(done, cross_checks([r for r in done if not r.unreadable]))


def run_guarded(func: Callable[..., Any], args: tuple[Any, ...], display: str,
                limits: Limits = DEFAULT_LIMITS) -> Any:
    """Run ``func(*args)`` in a worker process with the memory and time limits of
    ``limits``; a crash or a time-out becomes a ``ReadError`` naming ``display``."""
    with ProcessPool(max_workers=1, initializer=_init_worker,
                     initargs=(limits.max_memory_bytes,)) as pool:
        return _outcome(pool.schedule(func, args=args, timeout=limits.timeout_seconds),
                        display, limits)


def _outcome(future: Any, display: str, limits: Limits) -> Any:
    """What a worker returned; a time-out or a worker that died (its memory limit, most
    likely) becomes a ``ReadError`` naming ``display``."""
    try:
        return future.result()
    except FutureTimeout as exc:
        raise ReadError("file_timeout", file=display,
                        seconds=int(limits.timeout_seconds)) from exc
    except ProcessExpired as exc:
        raise ReadError("file_crashed", file=display,
                        limit=size_text(limits.max_memory_bytes)) from exc
