"""1,000 workbooks in one batch with bounded memory (issue 7).

The workbooks are the 11 demo townships on 91 consecutive dates (2020-03-11 onwards), as a
county's archive of daily reports would be: the 统计日期 of each cover is moved and the
file named after it. The batch runs in a fresh process, so that its peak memory is its
own (``ru_maxrss`` of this test process would remember earlier tests).

The bound: the parent keeps, per workbook, its findings, cover, counts and the keys of
the rules between workbooks (about 30 credit codes): a few KiB. 1,000 workbooks measure
about 10–40 MiB of growth here; the bound of 100 MiB leaves room for the allocator and
still fails if the parent kept what a worker reads (a workbook's DataFrames are about
1 MiB each, 1 GiB for the batch) or if messages grew with the size of the batch.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile

COUNT = 1000
DAY0, SERIAL0 = dt.date(2020, 3, 11), 43901  # the demo's 统计日期 and its Excel serial
MEMORY_BOUND_MIB = 100
SCRIPT = r"""
import json, resource, sys, time
from xl_addin.validation.batch import check_paths

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

import xl_addin.validation.workbook, xl_addin.outputs.summary  # what the parent imports anyway
before_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = rss()
samples = []
started = time.monotonic()
batch = check_paths([sys.argv[1]], jobs=2, progress=lambda checked: samples.append(rss()))
seconds = time.monotonic() - started
print(json.dumps({
    "seconds": seconds, "results": len(batch.results), "exit_code": batch.exit_code,
    "unreadable": sum(r.unreadable for r in batch.results),
    "displays": len({r.display for r in batch.results}),
    "rules": sorted({f.rule for f in batch.all_findings}),
    "rss_before": before, "rss_max_sampled": max(samples), "rss_after": rss(),
    "peak_before": before_peak,
    "peak_after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def archive(folder: Path) -> list[Path]:
    demos = sorted(hostile.DEMO_DIR.glob("*.xlsx"))
    parts = {p: hostile.read_parts(p) for p in demos}
    made = []
    for i in range(COUNT):
        source, day = demos[i % len(demos)], i // len(demos)
        package = dict(parts[source])
        cover = package["xl/worksheets/sheet1.xml"]
        assert cover.count(f"<v>{SERIAL0}</v>".encode()) == 1
        package["xl/worksheets/sheet1.xml"] = cover.replace(
            f"<v>{SERIAL0}</v>".encode(), f"<v>{SERIAL0 + day}</v>".encode())
        town = source.name.split("_")[0]
        path = folder / f"{town}_{(DAY0 + dt.timedelta(days=day)).isoformat()}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name, data in package.items():
                out.writestr(name, data)
        made.append(path)
    return made


def test_a_thousand_workbooks_with_bounded_memory(tmp_path: Path) -> None:
    files = archive(tmp_path)
    assert len({p.name for p in files}) == COUNT
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    print("1,000 workbooks:", json.dumps({k: (round(v, 1) if isinstance(v, float) else v)
                                          for k, v in figures.items()}, ensure_ascii=False))
    assert figures["results"] == figures["displays"] == COUNT  # every workbook reported once
    assert figures["unreadable"] == 0
    # one township per date: no workbook repeats another, no enterprise is in two townships
    assert "duplicate_workbook" not in figures["rules"]
    assert "county_duplicate" not in figures["rules"]
    growth = max(figures["peak_after"] - figures["peak_before"],
                 figures["rss_max_sampled"] - figures["rss_before"])
    assert growth < MEMORY_BOUND_MIB, figures
    assert figures["worker_peak"] < 400, figures  # a worker reads one small workbook at a time
    assert figures["seconds"] < 240, figures
