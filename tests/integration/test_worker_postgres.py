"""Two worker processes on a real PostgreSQL outbox: no item sent twice, and both did work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from repurpose.schedule import tables as T
from repurpose.schedule.store import Outbox
from tests.integration.fake_x import CREDS, FakeX
from tests.integration.smtp_sink import Sink
from tests.integration.worker_helpers import email_rows, states, thread_rows, write_config

pytestmark = pytest.mark.postgres
EMAILS = 400


@pytest.fixture
def pg_db(pg_url):
    """A database of our own for this test, dropped afterwards (others use the shared one)."""
    name = f"repurpose_worker_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _count(url: str, table: sa.Table, *where) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(table).where(*where)
            ).scalar()
    finally:
        engine.dispose()


def _wait(pred, what: str, *, stall: float = 60.0, progress=lambda: None) -> None:
    """Wait until pred(); fail only when nothing moved for `stall` seconds (a slow, loaded
    machine is fine, a stuck worker is not)."""
    last, moved = progress(), time.monotonic()
    while not pred():
        time.sleep(0.1)
        now = progress()
        if now != last:
            last, moved = now, time.monotonic()
        assert time.monotonic() - moved < stall, f"no progress for {stall:.0f} s: {what}"


def test_two_workers_share_the_queue_without_doubles(tmp_path, pg_db):
    """Both workers are running before anything falls due (so neither can finish the queue
    alone while the other is still starting), then SIGTERM ends them."""
    later = datetime.now(UTC) + timedelta(days=1)
    with Outbox.open(pg_db) as ob:
        ob.add_items(email_rows(EMAILS, due=later) + thread_rows(8, due=later))
    i = T.items.c
    with Sink() as sink, FakeX() as fake:
        cfg = write_config(tmp_path / "repurpose.toml", smtp_port=sink.port, x_base=fake.base)
        # 50 sends/s per worker: one worker alone would need 8 s, the other wakes within 1 s
        cfg.write_text(
            cfg.read_text().replace("rate_per_minute = 1000000", "rate_per_minute = 3000")
        )
        env = {**os.environ, **CREDS, "NO_COLOR": "1"}
        logs = [tmp_path / f"worker{n}.log" for n in range(2)]
        cmd = [sys.executable, "-m", "repurpose", "worker", "--concurrency", "2",
               "--db", pg_db, "--config", str(cfg)]  # fmt: skip
        procs = []
        try:
            for log in logs:
                with log.open("wb") as out:
                    procs.append(
                        subprocess.Popen(
                            cmd, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
                        )
                    )
            _wait(
                lambda: _count(pg_db, T.workers) == 2 or any(p.poll() is not None for p in procs),
                "both workers registered",
                stall=120,
            )
            assert all(p.poll() is None for p in procs), [log.read_text() for log in logs]
            engine = sa.create_engine(pg_db)
            with engine.begin() as conn:
                now = datetime.now(UTC)
                conn.execute(T.items.update().values(due_at=now, planned_at=now))
            engine.dispose()
            sent = lambda: _count(pg_db, T.items, i.state == "sent")  # noqa: E731
            _wait(
                lambda: sent() == EMAILS + 8 or any(p.poll() is not None for p in procs),
                "every item sent",
                progress=sent,
            )
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=60)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        outputs = [log.read_text() for log in logs]
        assert [p.returncode for p in procs] == [0, 0], outputs
        ids = sink.handler.message_ids()
        posts = list(fake.posts)
    with Outbox.open(pg_db) as ob:
        assert states(ob) == {"sent": EMAILS + 8}
        assert ob.in_flight_count() == 0
        with ob.engine.connect() as conn:
            by_worker = Counter(
                conn.execute(
                    sa.select(T.attempts.c.worker_id).where(T.attempts.c.outcome == "sent")
                ).scalars()
            )
            assert conn.execute(sa.select(sa.func.count()).select_from(T.workers)).scalar() == 0
    assert len(ids) == EMAILS and max(ids.values()) == 1  # nobody got a message twice
    assert [p.text for p in posts] == [f"launch post {i}/8" for i in range(1, 9)]
    assert [p.in_reply_to for p in posts] == [None] + [p.id for p in posts[:-1]]
    assert len(by_worker) == 2 and min(by_worker.values()) > 0, by_worker
    assert sum(by_worker.values()) == EMAILS + 8
    assert all("SIGTERM" in out and "worker stopped" in out for out in outputs)
