"""`make bench`: every benchmark, a table on stdout, and bench/results.json.

Usage: python bench/run.py [--only P1,P3] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, Row

# (group id, "module:function"); each returns a list of Rows.
BENCHES = [
    ("I", "bench.bench_render:ingest_speed"),
    ("C", "bench.bench_platforms:rows"),
    ("P1", "bench.bench_render:p1_render_in_process"),
    ("P2", "bench.bench_render:p2_processes"),
    ("P3", "bench.bench_batch:p3_batch"),
    ("S", "bench.bench_store:rows"),
    ("P4", "bench.bench_worker:p4_smtp_throughput"),
    ("P5", "bench.bench_worker:p5_two_workers"),
    ("P6", "bench.bench_mjml:p6_mjml_vs_node"),
]

PACKAGES = [
    "repurpose",
    "click",
    "jinja2",
    "mjml-python",
    "pydantic",
    "trafilatura",
    "tweepy",
    "apscheduler",
    "sqlalchemy",
    "psycopg",
    "aiosmtpd",
]


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1048576, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def fmt(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="comma-separated group ids, e.g. P1,P3")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    rows: list[Row] = []
    started = time.time()
    for group, target in BENCHES:
        if only and group not in only:
            continue
        module_name, func = target.split(":")
        print(f"… {group} ({target})", file=sys.stderr, flush=True)
        try:
            rows += getattr(importlib.import_module(module_name), func)()
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            rows.append(
                Row(group, target, "", None, "<=", note=f"error: {type(exc).__name__}: {exc}")
            )
    width = max(len(r.name) for r in rows) if rows else 10
    print(
        f"\n{'id':5} {'benchmark':{width}} {'runs':>5} {'min':>9} {'median':>9} {'max':>9} {'unit':5} {'target':>9}  ok"
    )
    for r in rows:
        target = f"{r.op}{fmt(r.target)}" if r.target is not None else "-"
        ok = {True: "yes", False: "NO", None: "-"}[r.ok]
        print(
            f"{r.id:5} {r.name:{width}} {r.runs:>5} {fmt(r.min):>9} {fmt(r.median):>9} {fmt(r.max):>9} {r.unit:5} {target:>9}  {ok}"
            + (f"  ({r.note})" if r.note else "")
        )
    result = {
        "machine": machine(),
        "seconds": round(time.time() - started, 1),
        "results": [r.as_dict() for r in rows],
    }
    Path(args.out).write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(f"\nwrote {args.out} in {result['seconds']} s")
    failed = [r.id for r in rows if r.ok is False or r.note.startswith("error")]
    if failed:
        print(f"targets missed or errors: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
