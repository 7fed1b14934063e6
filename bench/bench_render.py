"""P1 (in-process render), ingest speed, and P2 (whole-process render and --help, import times)."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import BIN, ROOT, Row, reference_article, row_from, run_process, timed

HEAVY = (
    "tweepy",
    "sqlalchemy",
    "apscheduler",
    "playwright",
    "trafilatura",
    "mjml",
    "jinja2",
    "pydantic",
)


def p1_render_in_process(runs: int = 60) -> list[Row]:
    from repurpose.config import Settings
    from repurpose.pipeline import build

    article = str(reference_article())
    settings = Settings()
    samples = timed(lambda: build(article, settings), runs)
    return [
        row_from(
            "P1", f"{Path(article).name} → all outputs, in-process", "ms", 10, samples, runs=runs
        )
    ]


def ingest_speed(runs: int = 60) -> list[Row]:
    from repurpose.ingest import load_text, parse

    rows = []
    ref = reference_article()
    text = load_text(str(ref))
    samples = timed(lambda: parse(text, "text", path=str(ref)), runs)
    rows.append(row_from("I1", f"read {ref.name}", "ms", 5, samples, runs=runs))
    long = ROOT / "tests" / "fixtures" / "text" / "long-article.txt"
    if long.exists():
        long_text = load_text(str(long))
        words = len(long_text.split())
        samples = timed(lambda: parse(long_text, "text", path=str(long)), max(10, runs // 3))
        rows.append(
            row_from(
                "I2", f"read a {words:,}-word article", "ms", 50, samples, runs=max(10, runs // 3)
            )
        )
    return rows


def p2_processes(runs: int = 12) -> list[Row]:
    exe = str(BIN / "repurpose")
    article = str(reference_article())
    rows = []
    with tempfile.TemporaryDirectory() as out:
        render = sorted(run_process([exe, "-q", "render", article, "-o", out]) for _ in range(runs))
    help_ = sorted(run_process([exe, "--help"]) for _ in range(runs))
    for id_, name, target, samples in (
        ("P2a", "`repurpose render` whole process", 0.3, render),
        ("P2b", "`repurpose --help` whole process", 0.15, help_),
    ):
        rows.append(
            Row(
                id_,
                name,
                "s",
                target,
                "<=",
                runs,
                samples[0],
                statistics.median(samples),
                samples[-1],
                statistics.median(samples),
            )
        )
    rows[0].extra["import_ms"] = import_times()
    return rows


def import_times() -> dict[str, float]:
    """Cumulative import time of each heavy dependency (python -X importtime), in ms."""
    out: dict[str, float] = {}
    for mod in HEAVY:
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {mod}"],
            capture_output=True,
            text=True,
            check=False,
        )
        for line in proc.stderr.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
            if m and m.group(2) == mod:
                out[mod] = int(m.group(1)) / 1000
    # what the render command itself pulls in: none of the senders' or scheduler's libraries
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "import repurpose.commands.render, repurpose.pipeline",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    loaded = {
        m.group(1).strip().split(".")[0] for m in re.finditer(r"\|\s*(\S+)$", proc.stderr, re.M)
    }
    out["render_path_loads"] = sorted(
        m for m in ("tweepy", "sqlalchemy", "apscheduler", "playwright") if m in loaded
    )  # type: ignore[assignment]
    return out
