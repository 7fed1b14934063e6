"""Timing helpers shared by the benchmarks: repeated runs, min/median/max, one result row each."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "reference" / "seed-article.txt"
EXAMPLE_TEXT = ROOT / "examples" / "scraped-launch-notes.txt"
BIN = Path(sys.executable).parent


def reference_article() -> Path:
    """The user's reference article when it is beside the checkout, else our own example."""
    return SEED if SEED.exists() else EXAMPLE_TEXT


@dataclass
class Row:
    id: str
    name: str
    unit: str
    target: float | None
    op: str  # "<=" (lower is better) or ">=" (higher is better)
    runs: int = 0
    min: float | None = None
    median: float | None = None
    max: float | None = None
    value: float | None = None  # the figure compared with the target (median unless said)
    note: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def once(cls, id_, name, unit, target, value, *, op="<=", note="") -> Row:
        """A figure measured by one run (a whole batch, a ratio): min = median = max."""
        return cls(id_, name, unit, target, op, 1, value, value, value, value, note)

    @property
    def ok(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value <= self.target if self.op == "<=" else self.value >= self.target

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def timed(fn: Callable[[], object], runs: int, *, warmup: int = 2, scale: float = 1000.0):
    """(min, median, max) of `runs` calls, in ms by default (scale=1e6 gives µs)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * scale)
    return min(samples), statistics.median(samples), max(samples)


def row_from(id_, name, unit, target, samples, *, op="<=", runs, note="") -> Row:
    lo, med, hi = samples
    return Row(id_, name, unit, target, op, runs, lo, med, hi, med, note)


def run_process(args: list[str], *, cwd: Path | None = None, env: dict | None = None) -> float:
    """Wall time of one whole process, in seconds; raises if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        args, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, check=False
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed
