"""Checking many workbooks: files and folders, in parallel processes with limits on
memory and time, then the rules between workbooks (``rules.county``) and between a
township's reporting days (``rules.days``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from typing import Any

from pebble import ProcessExpired, ProcessPool

from ..model.findings import Finding
from ..reading.guard import ReadError
from ..reading.limits import DEFAULT_LIMITS, Limits, size_text
from ..rules.county import county_findings, select_workbooks
from ..rules.days import day_findings
from ..rules.registry import rule
from ..rules.workbook import FILE_CRASHED, WORKER_FAILED
from .cache import ResultCache, without_private
from .outcome import Batch, Outcome, policy_townships

# Files a folder is searched for: every workbook a clerk may hand in (.xls, .ods and WPS's
# .et are read; .xlsb and .csv are named and refused, never silently passed over).
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".xlsb", ".ods",
                     ".ots", ".et", ".ett", ".csv"}


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
              limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Check one workbook (runs in a worker process, which has imported ``workbook_check``
    already; the parent process, which only schedules the files and renders the report,
    never imports polars, pandera or pydantic)."""
    with paused_gc():
        from .worker import outcome_of

        return outcome_of(path, display, as_of, policy_path, month, limits)


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
                ) -> Outcome:
    path, display = args[0], args[1]
    try:
        return check_one(*args)
    except MemoryError:
        return unreadable(path, display, FILE_CRASHED.finding(
            display, params={"file": display, "limit": size_text(args[5].max_memory_bytes)}))
    except Exception as exc:  # never let one file stop the batch
        return _worker_failed(path, display, exc)


def unreadable(path: str, display: str, error: ReadError | Finding) -> Outcome:
    """The outcome of a file that could not be checked: one finding on the file."""
    finding = error if isinstance(error, Finding) else rule(error.code).finding(
        display, params=error.params)
    return Outcome(path, display, [finding], unreadable=True)


def _worker_failed(path: str, display: str, exc: Exception) -> Outcome:
    return unreadable(path, display, WORKER_FAILED.finding(
        display, params={"file": display, "detail": f"{type(exc).__name__}: {exc}"[:200]}))


def _init_worker(max_bytes: int) -> None:
    """Worker initializer: load the checking program, then limit the memory, and keep the
    worker's standard error off the console (a reader that runs out of memory prints a
    Rust message and backtrace there before it aborts; what went wrong is reported as a
    finding instead). Set ``XL_ADDIN_DEBUG=1`` to keep it."""
    with paused_gc(), contextlib.suppress(Exception):
        # polars, pandera, pydantic: the limit is on what a file adds to them. Should the
        # import fail, check_one imports again and reports the error for each file.
        from xl_addin.validation.worker import warm_up

        warm_up()
    _limit_memory(max_bytes)
    # With RUST_BACKTRACE set, a reader running out of memory tries to capture a backtrace,
    # needs memory for it and can deadlock instead of aborting: the file would hang until
    # the time limit instead of being reported at once.
    os.environ["RUST_BACKTRACE"] = "0"
    if not os.environ.get("XL_ADDIN_DEBUG"):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def pool_context() -> Any:
    """How worker processes start: forked from this process (nothing to load again: the
    command's process is light), unless this process has started polars already (a
    library caller, the tests, the ribbon's server): polars' thread pool does not survive
    a fork, and a forked worker would wait for it forever. Then they are forked from a
    fork server, a fresh process that has loaded the checking program and never runs it."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "polars" not in sys.modules and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:  # Windows: workers are always spawned there
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["xl_addin.validation.worker"])
    return context


def _forget_inherited_fork_server() -> None:
    """In a process forked from one that had started a fork server, that server is its
    parent's: asking it for workers fails (multiprocessing checks on it with ``waitpid``,
    which only a parent may call). Forget it, so that this process starts its own when it
    needs one (a library caller's own process pool, the tests')."""
    forkserver = sys.modules.get("multiprocessing.forkserver")
    server = getattr(forkserver, "_forkserver", None)
    for name in ("_forkserver_address", "_forkserver_alive_fd", "_forkserver_pid"):
        if hasattr(server, name):
            setattr(server, name, None)


os.register_at_fork(after_in_child=_forget_inherited_fork_server)


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


def check_paths(paths: Iterable[str], as_of: dt.date | None = None, jobs: int | None = None,
                policy_path: str | None = None, month: str | None = None,
                progress: Callable[[Outcome], None] | None = None,
                limits: Limits = DEFAULT_LIMITS, cache: bool = False,
                started: Callable[[int], None] | None = None) -> Batch:
    """Check every workbook named or found under ``paths``, each in a worker process with
    the memory and time limits of ``limits``; a file that crashes or hangs its worker is
    reported and the batch goes on. With ``cache``, a workbook checked before (the same
    bytes, name, tool, schemas, policy and options) is answered from the result cache
    (``validation.cache``) without a worker, and what a worker finds is stored there.

    The workers are started as soon as the files a worker must read are known (a file
    without an entry in the cache), before the cached outcomes are loaded: a worker first
    loads the checking program, and the command's own work goes on meanwhile.
    ``started(number of files)`` is called once, right after that (before any
    ``progress``), for the caller to load what it needs next (its renderers, a progress
    bar) while the workers load theirs."""
    files = collect(paths)
    tasks = [(p, d, as_of, policy_path, month, limits) for p, d in files]
    results: list[Outcome | None] = [None] * len(tasks)
    store = ResultCache(policy_path, as_of, month, limits) if cache else None
    lookups = [store.lookup(path) if store else None for path, _ in files]
    # A file whose entry is not even there goes to a worker at once; an entry that is there
    # but proves damaged when loaded is sent after it (a rare case: then a pool is sized on
    # the files still to load).
    known = [i for i, found in enumerate(lookups) if store and found and store.holds(found)]
    missing = sorted(set(range(len(files))) - set(known))
    futures: dict[Any, int] = {}
    with contextlib.ExitStack() as stack:
        pool: ProcessPool | None = None

        def send(i: int, candidates: int) -> None:
            nonlocal pool
            if pool is None:  # the workers fork here: the first schedule starts the pool
                workers = max(1, min(jobs or os.cpu_count() or 1, candidates))
                pool = stack.enter_context(ProcessPool(
                    max_workers=workers, initializer=_init_worker,
                    initargs=(limits.max_memory_bytes,), context=pool_context()))
            futures[pool.schedule(_safe_check, args=(tasks[i],),
                                  timeout=limits.timeout_seconds)] = i

        for i in missing:
            send(i, len(missing))
        if started:
            started(len(files))
        for n, i in enumerate(known):  # the cache: no worker for a hit
            path, display = files[i]
            found = lookups[i]
            hit = store.load(found, path, display) if store and found else None
            if hit is None:
                send(i, len(known) - n)
                continue
            results[i] = hit
            if progress:
                progress(hit)
        remaining = len(futures)
        for future in as_completed(futures):
            remaining -= 1
            if not remaining and pool is not None:
                # every result is in: the pool winds down (its manager thread wakes every
                # 0.1 s) while the last outcome is stored and the batch's rules run
                pool.stop()
            i = futures[future]
            path, display = tasks[i][0], tasks[i][1]
            try:
                checked = without_private(_outcome(future, display, limits))
            except ReadError as exc:  # timed out, or the worker died
                checked = unreadable(path, display, exc)
            except Exception as exc:
                checked = _worker_failed(path, display, exc)
            looked_up = lookups[i]
            if store and looked_up:
                store.store(looked_up, checked)
            results[i] = checked
            if progress:
                progress(checked)
        return batch_of([r for r in results if r is not None])


def batch_of(done: list[Outcome]) -> Batch:
    """The batch of the outcomes ``done``: the workbooks used (one per township and day,
    ``rules.county.select_workbooks``), the county rules, and each township's workbooks
    compared day by day, in 统计日期 order, each with the last earlier day present."""
    readable = [r for r in done if not r.unreadable]
    selection = select_workbooks(readable)
    findings = (county_findings(readable, policy_townships(done), selection)
                + day_findings(selection.used))
    return Batch(done, findings, selection.superseded)


def run_guarded(func: Callable[..., Any], args: tuple[Any, ...], display: str,
                limits: Limits = DEFAULT_LIMITS) -> Any:
    """Run ``func(*args)`` in a worker process with the memory and time limits of
    ``limits``; a crash or a time-out becomes a ``ReadError`` naming ``display``."""
    with ProcessPool(max_workers=1, initializer=_init_worker,
                     initargs=(limits.max_memory_bytes,), context=pool_context()) as pool:
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
