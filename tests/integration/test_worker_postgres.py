"""Two worker processes on a real PostgreSQL outbox: no item sent twice, and both did work."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter

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


def test_two_workers_share_the_queue_without_doubles(tmp_path, pg_db):
    with Outbox.open(pg_db) as ob:
        ob.add_items(email_rows(EMAILS) + thread_rows(8))
    with Sink() as sink, FakeX() as fake:
        cfg = write_config(tmp_path / "repurpose.toml", smtp_port=sink.port, x_base=fake.base)
        cfg.write_text(
            cfg.read_text().replace("rate_per_minute = 1000000", "rate_per_minute = 9000")
        )
        env = {**os.environ, **CREDS, "NO_COLOR": "1"}
        logs = [tmp_path / f"worker{n}.log" for n in range(2)]
        cmd = [sys.executable, "-m", "repurpose", "worker", "--until-idle", "--concurrency", "2",
               "--db", pg_db, "--config", str(cfg)]  # fmt: skip
        procs = []
        for log in logs:
            with log.open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        cmd, cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
                    )
                )
        try:
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
        with ob.engine.connect() as conn:
            by_worker = Counter(
                conn.execute(
                    sa.select(T.attempts.c.worker_id).where(T.attempts.c.outcome == "sent")
                ).scalars()
            )
    assert len(ids) == EMAILS and max(ids.values()) == 1  # nobody got a message twice
    assert [p.text for p in posts] == [f"launch post {i}/8" for i in range(1, 9)]
    assert [p.in_reply_to for p in posts] == [None] + [p.id for p in posts[:-1]]
    assert len(by_worker) == 2 and min(by_worker.values()) > 0, by_worker
    assert sum(by_worker.values()) == EMAILS + 8
