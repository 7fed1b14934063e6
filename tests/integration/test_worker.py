"""The worker in-process against a real SQLite outbox, aiosmtpd and the fake X API."""

from __future__ import annotations

import logging
import random
import threading
import time
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest

from repurpose.config import load_settings
from repurpose.deliver.base import Registry
from repurpose.schedule.store import Outbox
from repurpose.schedule.worker import Worker, backoff_delay, late_verdict
from tests.integration.fake_x import CREDS, FakeX
from tests.integration.smtp_sink import Sink
from tests.integration.worker_helpers import (
    email_rows,
    now,
    states,
    thread_rows,
    write_config,
)

SMTP_ENV = {"REPURPOSE_SMTP_USER": "mailer", "REPURPOSE_SMTP_PASSWORD": "pw-0123456789"}


@pytest.fixture
def outbox(tmp_path):
    with Outbox.open(f"sqlite:///{tmp_path / 'outbox.db'}") as ob:
        yield ob


def run_until_done(outbox, settings, env, *, rounds=20, **kw) -> list[Worker]:
    """Run --until-idle workers until nothing is scheduled (waiting for retries to fall due)."""
    workers = []
    for _ in range(rounds):
        w = Worker(outbox, settings, registry=Registry(settings, env=env), until_idle=True,
                   rng=random.Random(7), **kw)  # fmt: skip
        w.run()
        workers.append(w)
        due = outbox.next_due_at()
        if due is None:
            break
        time.sleep(max(0.0, (due - now()).total_seconds()) + 0.05)
    return workers


def test_dry_run_everything_to_files(tmp_path, outbox):
    outdir = tmp_path / "out"
    settings = load_settings(write_config(tmp_path / "r.toml", outbox_dir=outdir))
    outbox.add_items(email_rows(3) + thread_rows(4) + thread_rows(2, channel="bluesky"))
    reg = Registry(settings, env={})
    assert set(reg.dry_run_channels()) >= {"email", "x", "bluesky", "webhook"}
    Worker(outbox, settings, registry=reg, until_idle=True).run()
    assert states(outbox) == {"sent": 9}
    emls = sorted((outdir / "email").glob("*.eml"))
    assert len(emls) == 3
    msg = message_from_bytes(emls[0].read_bytes(), policy=email_policy.default)
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(list((outdir / "x").glob("*.json"))) == 4
    # threads chain in dry-run too: every post names its predecessor's external id
    views = {v.position: v for v in outbox.list_items() if v.channel == "x"}
    assert all(views[i].external_id.startswith("dry-run:") for i in range(4))
    # running again sends nothing more and writes no new file
    Worker(outbox, settings, registry=Registry(settings, env={}), until_idle=True).run()
    assert len(list(outdir.rglob("*.*"))) == 9


def test_live_smtp_and_x_thread_in_order(tmp_path, outbox, caplog):
    with Sink() as sink, FakeX() as fake:
        settings = load_settings(
            write_config(tmp_path / "r.toml", smtp_port=sink.port, x_base=fake.base)
        )
        outbox.add_items(email_rows(20) + thread_rows(6))
        caplog.set_level(logging.INFO, logger="repurpose.worker")
        w = Worker(outbox, settings, registry=Registry(settings, env=CREDS), until_idle=True)
        w.run()
    assert states(outbox) == {"sent": 26}
    assert len(sink.received) == 20 and len(set(sink.handler.message_ids())) == 20
    texts = [p.text for p in fake.posts]
    assert texts == [f"launch post {i}/6" for i in range(1, 7)]
    assert [p.in_reply_to for p in fake.posts] == [None] + [p.id for p in fake.posts[:-1]]
    views = sorted((v for v in outbox.list_items() if v.channel == "x"), key=lambda v: v.position)
    assert [v.external_id for v in views] == [p.id for p in fake.posts]
    lines = [r.getMessage() for r in caplog.records if "result=" in r.getMessage()]
    assert len(lines) == 26
    assert all("latency_ms=" in ln and "channel=" in ln and "item=" in ln for ln in lines)


def test_transient_failures_retry_with_backoff_then_send(tmp_path, outbox):
    with Sink() as sink, FakeX() as fake:
        sink.handler.data_replies = ["451 4.3.0 busy", "421 4.7.0 later"]
        fake.state.faults += [(503, {}, {"title": "Service Unavailable"})] * 2
        settings = load_settings(
            write_config(tmp_path / "r.toml", smtp_port=sink.port, x_base=fake.base)
        )
        outbox.add_items(email_rows(3) + thread_rows(3))
        run_until_done(outbox, settings, CREDS)
    assert states(outbox) == {"sent": 6}
    assert len(sink.received) == 3
    assert [p.text for p in fake.posts] == [f"launch post {i}/3" for i in range(1, 4)]
    history = [h["outcome"] for v in outbox.list_items() for h in outbox.get(v.id).history]
    assert history.count("retry") >= 3  # 421 drops the connection; the rest retried once each


def test_permanent_failures_and_exhausted_retries_fail_with_reason(tmp_path, outbox):
    with Sink() as sink:
        sink.handler.rcpt_replies = {
            "reader0@example.org": "550 5.1.1 no such user",
            "reader1@example.org": "450 4.2.0 mailbox busy",
        }
        settings = load_settings(
            write_config(tmp_path / "r.toml", smtp_port=sink.port, max_attempts=3)
        )
        outbox.add_items(email_rows(3))
        run_until_done(outbox, settings, {})
    views = {v.recipient: v for v in outbox.list_items()}
    assert views["reader0@example.org"].state == "failed"
    assert "550" in views["reader0@example.org"].last_error
    assert views["reader0@example.org"].attempts == 1
    assert views["reader1@example.org"].state == "failed"
    assert views["reader1@example.org"].last_error.startswith("gave up after 3 attempts")
    assert views["reader2@example.org"].state == "sent"


def test_auth_failure_pauses_channel_instead_of_burning_the_queue(tmp_path, outbox, caplog):
    bad = {**CREDS, "REPURPOSE_X_ACCESS_TOKEN_SECRET": "revoked-secret-value-42"}
    with FakeX() as fake, Sink() as sink:
        settings = load_settings(
            write_config(tmp_path / "r.toml", x_base=fake.base, smtp_port=sink.port)
        )
        outbox.add_items(thread_rows(4) + thread_rows(3, slug="other") + email_rows(2))
        caplog.set_level(logging.INFO, logger="repurpose.worker")
        Worker(outbox, settings, registry=Registry(settings, env=bad), until_idle=True).run()
        x_views = [v for v in outbox.list_items() if v.channel == "x"]
        assert all(v.state == "scheduled" for v in x_views)
        # only the first post of each thread was tried: one request each, then the pause
        assert fake.state.create_calls <= 2 and fake.posts == []
        assert states(outbox)["sent"] == 2  # email is not affected
        (pause,) = outbox.paused_channels()
        assert pause["channel"] == "x" and "401" in pause["reason"]
        assert any("paused" in r.getMessage() for r in caplog.records)
        text = caplog.text + str(pause)
        assert "revoked-secret-value-42" not in text
        # credentials fixed and pause lifted: the threads go out, in order
        assert outbox.resume_channel("x")
        Worker(outbox, settings, registry=Registry(settings, env=CREDS), until_idle=True).run()
    assert states(outbox) == {"sent": 9}
    assert [p.text for p in fake.posts if p.text.startswith("launch")] == [
        f"launch post {i}/4" for i in range(1, 5)
    ]


def test_rate_limit_honours_reset_and_holds_the_channel(tmp_path, outbox):
    with FakeX() as fake:
        reset = int(time.time()) + 2
        fake.state.faults.append((429, {"x-rate-limit-reset": str(reset)}, {"title": "Too Many"}))
        settings = load_settings(write_config(tmp_path / "r.toml", x_base=fake.base))
        outbox.add_items(thread_rows(2) + thread_rows(2, slug="b"))
        Worker(outbox, settings, registry=Registry(settings, env=CREDS), until_idle=True).run()
        assert fake.state.create_calls == 1  # the 429, then the channel waits
        waiting = [v for v in outbox.list_items() if v.state == "scheduled"]
        assert len(waiting) == 4
        assert all(v.due_at.timestamp() >= reset - 0.001 or v.position == 1 for v in waiting
                   if v.article_slug == "launch")  # fmt: skip
        run_until_done(outbox, settings, CREDS)
        assert time.time() >= reset
    assert states(outbox) == {"sent": 4}
    assert len(fake.posts) == 4


def test_missed_sends_follow_the_late_policy(tmp_path, outbox):
    settings = load_settings(write_config(tmp_path / "r.toml", outbox_dir=tmp_path / "o"))
    t = now()
    outbox.add_items(
        email_rows(1, due=t - timedelta(hours=3), slug="old", late_window_seconds=3600)
        + email_rows(1, due=t - timedelta(minutes=30), slug="recent", late_window_seconds=3600)
        + email_rows(1, due=t - timedelta(minutes=5), slug="strict", late_policy="skip")
    )
    Worker(outbox, settings, registry=Registry(settings, env={}), until_idle=True).run()
    views = {v.article_slug: v for v in outbox.list_items()}
    assert views["recent"].state == "sent"
    assert views["old"].state == "skipped" and "beyond its 1h" in views["old"].last_error
    assert views["strict"].state == "skipped" and "skip missed" in views["strict"].last_error


def test_late_verdict_counts_from_the_planned_time():
    class It:
        due_at = now()
        planned_at = now() - timedelta(hours=2)
        late_policy = "send_late"
        late_window_seconds = 3600

    assert "beyond" in late_verdict(It, now())
    It.planned_at = now() - timedelta(minutes=10)
    assert late_verdict(It, now()) is None


def test_backoff_is_exponential_and_seedable():
    a = [backoff_delay(n, 30, 3600, random.Random(1)) for n in range(1, 8)]
    b = [backoff_delay(n, 30, 3600, random.Random(1)) for n in range(1, 8)]
    assert a == b
    for n, d in enumerate(a, start=1):
        cap = min(3600, 30 * 2 ** (n - 1))
        assert cap / 2 <= d <= cap


def test_dispatch_wakes_on_time_for_future_items(tmp_path, outbox):
    settings = load_settings(write_config(tmp_path / "r.toml", outbox_dir=tmp_path / "o"))
    w = Worker(outbox, settings, registry=Registry(settings, env={}))
    thread = threading.Thread(target=w.run)
    thread.start()
    try:
        time.sleep(0.3)
        t = now()
        outbox.add_items(email_rows(5, due=t + timedelta(seconds=1.5), slug="soon"))
        outbox.add_items(email_rows(5, due=t + timedelta(seconds=2.5), slug="later"))
        deadline = time.time() + 10
        while states(outbox).get("sent", 0) < 10 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        w.stop()
        thread.join(10)
    assert states(outbox) == {"sent": 10}
    assert len(w.stats.lateness) == 10
    assert max(w.stats.lateness) < 1.0 and min(w.stats.lateness) >= 0


def test_stop_releases_claimed_items(tmp_path, outbox):
    settings = load_settings(write_config(tmp_path / "r.toml", outbox_dir=tmp_path / "o"))
    outbox.add_items(email_rows(50))
    w = Worker(outbox, settings, registry=Registry(settings, env={}), until_idle=True)
    original = w._handle
    calls = []

    def handle(item, *args):
        calls.append(item.id)
        if len(calls) == 5:
            w.stop()
        return original(item, *args)

    w._handle = handle
    w.run()
    got = states(outbox)
    assert got.get("sending", 0) == 0
    assert got["sent"] == 4 and got["scheduled"] == 46
    assert outbox.in_flight_count() == 0


def test_concurrency_sends_everything_once(tmp_path, outbox):
    with Sink() as sink:
        settings = load_settings(write_config(tmp_path / "r.toml", smtp_port=sink.port))
        outbox.add_items(email_rows(120))
        w = Worker(outbox, settings, registry=Registry(settings, env={}), until_idle=True,
                   concurrency=4)  # fmt: skip
        w.run()
    assert states(outbox) == {"sent": 120}
    ids = sink.handler.message_ids()
    assert len(ids) == 120 and max(ids.values()) == 1


def test_killed_worker_costs_an_attempt_only_to_the_send_in_flight(outbox):
    """A worker claims a batch, sends one, is in the middle of the second and dies: recovery gives
    the second an 'expired' attempt; the rest of the batch goes back untouched."""
    outbox.add_items(email_rows(10))
    t = now()
    batch = outbox.claim_due("dead", t, lease_seconds=60, limit=100, started=False)
    assert len(batch) == 10
    assert outbox.mark_started(batch[0].id, "dead")
    assert outbox.mark_sent(batch[0].id, "dead", "<id0>", 3, start_next=batch[1].id)
    # the worker dies here, while sending batch[1]; its lease runs out
    again = outbox.claim_due("next", t + timedelta(seconds=61), lease_seconds=60, limit=100)
    assert sorted(c.id for c in again) == sorted(c.id for c in batch[1:])
    attempts = {c.id: c.attempts for c in again}
    assert attempts[batch[1].id] == 1
    assert all(attempts[c.id] == 0 for c in batch[2:])
    assert [h["outcome"] for h in outbox.get(batch[1].id).history] == ["expired"]
    assert all(outbox.get(c.id).history == [] for c in batch[2:])
    assert [h["outcome"] for h in outbox.get(batch[0].id).history] == ["sent"]


def test_poison_item_fails_after_max_attempts_of_expired_leases(tmp_path, outbox):
    """An item whose send kills the worker every time ends failed after max_attempts."""
    settings = load_settings(
        write_config(tmp_path / "r.toml", outbox_dir=tmp_path / "o", max_attempts=3)
    )
    outbox.add_items(email_rows(2))
    t = now()
    for k in range(3):  # three workers died while sending reader0
        at = t + timedelta(seconds=61 * k)
        first, *_ = outbox.claim_due(f"dead{k}", at, lease_seconds=60, limit=100, started=False)
        assert first.recipient == "reader0@example.org"
        assert outbox.mark_started(first.id, f"dead{k}")
    outbox.recover_leases(t + timedelta(seconds=61 * 3))
    Worker(outbox, settings, registry=Registry(settings, env={}), until_idle=True).run()
    views = {v.recipient: v for v in outbox.list_items()}
    poison = views["reader0@example.org"]
    assert poison.state == "failed" and "gave up after 3 attempts" in poison.last_error
    assert [h["outcome"] for h in outbox.get(poison.id).history] == ["expired"] * 3 + ["failed"]
    assert views["reader1@example.org"].state == "sent"
    assert views["reader1@example.org"].attempts == 1


def test_refused_sender_address_pauses_email_and_keeps_the_queue(tmp_path, outbox):
    with Sink() as sink:
        sink.handler.mail_reply = "550 5.7.1 sender address rejected"
        settings = load_settings(write_config(tmp_path / "r.toml", smtp_port=sink.port))
        outbox.add_items(email_rows(5))
        Worker(outbox, settings, registry=Registry(settings, env={}), until_idle=True).run()
        assert states(outbox) == {"scheduled": 5}
        (pause,) = outbox.paused_channels()
        assert pause["channel"] == "email" and "550" in pause["reason"]
        assert "news@example.com" in pause["reason"]
        sink.handler.mail_reply = None
        assert outbox.resume_channel("email")
        Worker(outbox, settings, registry=Registry(settings, env={}), until_idle=True).run()
    assert states(outbox) == {"sent": 5} and len(sink.received) == 5
