"""SIGKILL at random moments: nothing lost, nothing sent twice, threads in order.

A real `python -m repurpose worker --until-idle` process sends 280 emails (aiosmtpd) and a
20-post X thread (fake X API) and is killed with SIGKILL at random moments, then restarted until
it finishes on its own. The receivers count what arrived.

Email's unavoidable window (the server accepted, the kill came before the local commit) can give
the one recipient in flight a second copy; it carries the same Message-ID, so we count distinct
Message-IDs and bound the repeats by the number of kills. On X the retry of an accepted post is
answered "duplicate content" and recorded with the existing post's id, so X never has a repeat.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from repurpose.schedule import tables as T
from repurpose.schedule.store import Outbox
from tests.integration.fake_x import CREDS, FakeX
from tests.integration.smtp_sink import Sink
from tests.integration.worker_helpers import email_rows, states, thread_rows, write_config

EMAILS, POSTS = 280, 20
KILLS = 10


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_and_sends_nothing_twice(tmp_path):
    rng = random.Random(20240605)
    db = f"sqlite:///{tmp_path / 'outbox.db'}"
    with Outbox.open(db) as ob:
        ob.add_items(email_rows(EMAILS) + thread_rows(POSTS))
    with Sink() as sink, FakeX() as fake:
        # one lost reply too: X accepted post 3, the worker never heard (a retry must not repeat)
        cfg = write_config(
            tmp_path / "repurpose.toml",
            smtp_port=sink.port,
            x_base=fake.base,
            outbox_dir=tmp_path / "out",
        )
        cfg.write_text(cfg.read_text().replace("rate_per_minute = 1000000", "rate_per_minute = 9000"))  # fmt: skip
        env = {**os.environ, **CREDS, "NO_COLOR": "1", "REPURPOSE_WORKER_SEED": "3"}
        env.pop("REPURPOSE_DB", None)
        kills, runs, deadline = 0, 0, time.monotonic() + 180
        fault_armed = False
        while time.monotonic() < deadline:
            runs += 1
            log = open(tmp_path / f"run{runs}.log", "wb")  # noqa: SIM115
            proc = subprocess.Popen(
                [sys.executable, "-m", "repurpose", "worker", "--until-idle",
                 "--db", db, "--config", str(cfg)],
                cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            if kills < KILLS:
                if not fault_armed and len(fake.posts) >= 2:
                    fake.state.faults.append("accept_then_500")
                    fault_armed = True
                try:
                    if rng.random() < 0.25:  # at a random moment of start-up
                        proc.wait(timeout=rng.uniform(0.05, 1.0))
                    else:  # at a random moment while sending
                        before = len(sink.received) + len(fake.posts)
                        while len(sink.received) + len(fake.posts) == before:
                            if proc.poll() is not None:
                                break
                            time.sleep(0.005)
                        proc.wait(timeout=rng.uniform(0.0, 0.4))
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    kills += 1
                    log.close()
                    continue
            else:
                try:
                    proc.wait(timeout=max(1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                    raise
            log.close()
            assert proc.returncode == 0, (tmp_path / f"run{runs}.log").read_text()[-2000:]
            with Outbox.open(db) as ob:
                if states(ob) == {"sent": EMAILS + POSTS}:
                    break
        with Outbox.open(db) as ob:
            final = states(ob)
            views = ob.list_items()
        ids = sink.handler.message_ids()
        posts = list(fake.posts)

    assert kills >= 3, f"only {kills} kills: the test did not exercise crashes"
    assert final == {"sent": EMAILS + POSTS}, final
    # email: every recipient got the message; a repeat only for an in-flight one, same Message-ID
    expected = {v.external_id for v in views if v.channel == "email"}
    assert set(ids) == expected and len(expected) == EMAILS
    repeats = sum(n - 1 for n in ids.values())
    assert repeats <= kills, f"{repeats} repeated emails for {kills} kills"
    # X: exactly once, in order, each a reply to the previous post
    assert [p.text for p in posts] == [f"launch post {i}/{POSTS}" for i in range(1, POSTS + 1)]
    assert [p.in_reply_to for p in posts] == [None] + [p.id for p in posts[:-1]]
    by_pos = sorted((v for v in views if v.channel == "x"), key=lambda v: v.position)
    assert [v.external_id for v in by_pos] == [p.id for p in posts]
    # a kill costs an attempt only to the send in flight (one lane), not to the claimed batch
    with Outbox.open(db) as ob, ob.engine.connect() as conn:
        expired = conn.execute(
            sa.select(sa.func.count())
            .select_from(T.attempts)
            .where(T.attempts.c.outcome == "expired")
        ).scalar()
    assert expired <= kills, f"{expired} expired attempts for {kills} kills"
    # no credential in the logs, the database or the outbox directory
    blobs = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    for secret in CREDS.values():
        assert not any(secret.encode() in b for b in blobs), secret
    print(f"\n{kills} kills over {runs} runs, {repeats} repeated emails (same Message-ID)")
