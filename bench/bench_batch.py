"""P3: 1,000 generated articles of varied length through the parallel batch mode."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.common import BIN, Row, run_process
from bench.corpus import write_corpus


def p3_batch(count: int = 1000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles"
        paths = write_corpus(src, count)
        words = sum(len(p.read_text().split()) for p in paths)
        seconds = run_process(
            [str(BIN / "repurpose"), "-q", "render", str(src), "-o", str(Path(tmp) / "out")]
        )
        rendered = sum(1 for _ in (Path(tmp) / "out").iterdir())
    note = f"{rendered}/{count} rendered, {words:,} words, {os.cpu_count()} cores"
    return [
        Row.once("P3", f"{count:,} articles, batch render", "s", 10, seconds, op="<=", note=note)
    ]
