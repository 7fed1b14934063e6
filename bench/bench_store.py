"""Outbox figures: scheduling 1,000 articles × 10 items into SQLite, and `queue list` over
20,000 items as a whole process."""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BIN, Row, run_process
from bench.corpus import write_corpus

ARTICLES = 1000
# Ten single posts a week apart across the social channels: ten items per article.
CALENDAR = "name: bench\ntimezone: Europe/Berlin\nstart: 2031-03-03 09:00\nsteps:\n" + "".join(
    f"  - id: s{i}\n    channel: {ch}\n    content: post\n    when: +{i}d\n"
    for i, ch in enumerate(["x", "bluesky", "mastodon", "linkedin", "threads"] * 2)
)


def _build(path: str):
    from repurpose.config import Settings
    from repurpose.pipeline import build

    return build(path, Settings(), only=("thread",))


def s1_schedule() -> Row:
    from repurpose.config import Settings
    from repurpose.schedule.calendar import parse_calendar
    from repurpose.schedule.service import schedule_bundle
    from repurpose.schedule.store import Outbox

    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(p) for p in write_corpus(Path(tmp) / "a", ARTICLES)]
        with ProcessPoolExecutor() as pool:  # rendering is P3's figure, not this one
            bundles = list(pool.map(_build, paths, chunksize=25))
        cal = parse_calendar(CALENDAR, "bench.yaml")
        settings = Settings()
        now = datetime(2031, 3, 1, tzinfo=UTC)
        store = Outbox.open(f"sqlite:///{tmp}/bench.db")
        t0 = time.perf_counter()
        for b in bundles:
            schedule_bundle(b, cal, store, settings=settings, now=now)
        seconds = time.perf_counter() - t0
        items = store.count()
        store.close()
    return Row.once(
        "S1",
        f"schedule {ARTICLES:,} articles × 10 items (SQLite)",
        "s",
        10,
        seconds,
        op="<=",
        note=f"{items:,} items written",
    )


def s2_queue_list(n: int = 20_000, runs: int = 5) -> Row:
    from repurpose.schedule.store import NewItem, Outbox

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/list.db"
        store = Outbox.open(url)
        due = datetime(2031, 1, 1, 9, tzinfo=UTC)
        store.add_items(
            [
                NewItem(
                    article_slug=f"a{i // 10}",
                    channel="x",
                    kind="post",
                    body={"text": f"Post {i} about the spring catalogue."},
                    due_at=due,
                    tz="UTC",
                    idempotency_key=f"k{i}",
                    summary=f"Post {i}",
                )
                for i in range(n)
            ]
        )
        store.close()
        samples = sorted(
            run_process([str(BIN / "repurpose"), "queue", "list", "--db", url]) for _ in range(runs)
        )
    return Row(
        "S2",
        f"`repurpose queue list` over {n:,} items",
        "s",
        1,
        "<=",
        runs,
        samples[0],
        samples[len(samples) // 2],
        samples[-1],
        samples[len(samples) // 2],
    )


def rows() -> list[Row]:
    return [s1_schedule(), s2_queue_list()]
