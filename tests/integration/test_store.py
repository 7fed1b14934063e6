"""The outbox store: the same tests on a SQLite file and on a real PostgreSQL (fresh schema each)."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from repurpose.errors import StoreError
from repurpose.schedule import migrations
from repurpose.schedule import tables as T
from repurpose.schedule.store import NewItem, Outbox, idempotency_key, mask_url, normalize_url

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outbox.db'}"
        return
    base = request.getfixturevalue("pg_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(normalize_url(base))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture
def store(db_url):
    s = Outbox.open(db_url)
    yield s
    s.close()


def item(n: int, *, slug="post", channel="x", due=NOW, after=None, position=None, **kw) -> NewItem:
    body = kw.pop("body", {"text": f"post number {n}"})
    key = idempotency_key(
        slug=slug, content_hash=str(n), channel=channel, account="default", at=due, who=str(n)
    )
    return NewItem(
        article_slug=slug,
        channel=channel,
        kind=kw.pop("kind", "post"),
        body=body,
        due_at=due,
        tz="Europe/Berlin",
        idempotency_key=key,
        position=position,
        after_key=after,
        summary=f"post number {n}",
        **kw,
    )


def thread(n: int, *, due=NOW, slug="post") -> list[NewItem]:
    out: list[NewItem] = []
    for k in range(n):
        out.append(
            item(
                100 + k,
                slug=slug,
                due=due,
                position=k,
                after=out[-1].idempotency_key if out else None,
                thread_key="t1",
            )
        )
    return out


# ---- adding ------------------------------------------------------------------------------------


def test_add_is_idempotent_and_shares_payloads(store):
    body = {"subject": "S", "preheader": "P", "html": "<p>x</p>", "text": "x"}
    rows = [
        item(k, channel="email", kind="email", body=body, recipient=f"r{k}@example.com")
        for k in range(5)
    ]
    first = store.add_items(rows)
    assert (first.added, first.existing) == (5, 0)
    again = store.add_items(rows)
    assert (again.added, again.existing) == (0, 5)
    assert store.count() == 5
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(T.payloads)).scalar() == 1
    claimed = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert {c.recipient for c in claimed} == {f"r{k}@example.com" for k in range(5)}
    assert all(c.payload == body for c in claimed)


def test_failed_batch_writes_nothing(store):
    good = item(1)
    broken = item(2, after="no-such-key")
    with pytest.raises(StoreError):
        store.add_items([good, broken])
    assert store.count() == 0


def test_planning_cancelled_items_again_schedules_them_and_relinks_the_thread(store):
    old = thread(3)
    store.add_items(old)
    ids = [v.id for v in store.list_items()]
    store.cancel(ids[0])  # the whole thread
    # the first post was edited: a new key for it, the same keys for the two after it
    new_head = item(200, position=0, thread_key="t1")
    again = [
        new_head,
        dataclasses.replace(old[1], after_key=new_head.idempotency_key),
        old[2],
    ]
    res = store.add_items(again)
    assert (res.added, res.existing, res.revived) == (3, 0, 2)
    views = {v.id: v for v in store.list_items()}
    assert views[ids[0]].state == "cancelled"
    assert [views[k].state for k in ids[1:]] == ["scheduled", "scheduled"]
    head_id = res.ids[0]
    assert views[ids[1]].after_id == head_id and views[ids[2]].after_id == ids[1]
    # planning the same again adds nothing
    assert store.add_items(again).existing == 3
    assert store.existing_keys([old[0].idempotency_key, old[1].idempotency_key]) == {
        old[1].idempotency_key
    }


# ---- claiming ----------------------------------------------------------------------------------


def test_claim_twice_second_gets_nothing(store):
    store.add_items([item(1), item(2)])
    a = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    b = store.claim_due("w2", NOW, lease_seconds=60, limit=10)
    assert len(a) == 2 and b == []
    assert store.in_flight_count() == 2
    assert all(c.state == "sending" and c.lease_owner == "w1" for c in a)


def test_not_due_is_not_claimed(store):
    store.add_items([item(1, due=NOW + timedelta(hours=1))])
    assert store.claim_due("w1", NOW, lease_seconds=60, limit=10) == []
    assert store.next_due_at(NOW) == NOW + timedelta(hours=1)


def test_thread_post_waits_for_its_predecessor(store):
    store.add_items(thread(3))
    first = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert [c.position for c in first] == [0]
    assert store.claim_due("w1", NOW, lease_seconds=60, limit=10) == []
    assert store.mark_sent(first[0].id, "w1", "ext-0", 12)
    second = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert [(c.position, c.reply_to_external_id) for c in second] == [(1, "ext-0")]
    assert second[0].after_id == first[0].id


def test_failed_thread_post_blocks_the_rest(store):
    store.add_items(thread(2))
    first = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert store.mark_failed(first[0].id, "w1", "403 forbidden")
    assert store.claim_due("w1", NOW, lease_seconds=60, limit=10) == []
    assert store.next_due_at(NOW) is None  # nothing claimable, so an --until-idle worker ends


def test_expired_lease_is_recovered(store):
    store.add_items([item(1)])
    [c] = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert store.claim_due("w2", NOW + timedelta(seconds=30), lease_seconds=60, limit=10) == []
    [again] = store.claim_due("w2", NOW + timedelta(seconds=61), lease_seconds=60, limit=10)
    assert again.id == c.id and again.lease_owner == "w2" and again.attempts == 1
    # the crashed worker can no longer mark it
    assert store.mark_sent(c.id, "w1", "late", 5) is False
    assert store.mark_sent(c.id, "w2", "ext", 5) is True
    view = store.get(c.id)
    assert view.state == "sent" and view.external_id == "ext"
    assert [h["outcome"] for h in view.history] == ["expired", "sent"]


def test_stale_worker_cannot_mark(store):
    store.add_items([item(1)])
    [c] = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert store.mark_failed(c.id, "intruder", "nope") is False
    assert store.mark_retry(c.id, "intruder", "nope", NOW) is False
    assert store.release(c.id, "intruder") is False
    assert store.get(c.id).state == "sending"
    assert store.release(c.id, "w1") is True
    view = store.get(c.id)
    assert view.state == "scheduled" and view.attempts == 0 and view.history == []


def test_retry_then_sent_records_attempts(store):
    store.add_items([item(1)])
    [c] = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    later = NOW + timedelta(minutes=5)
    assert store.mark_retry(c.id, "w1", "connection reset", later)
    assert store.claim_due("w1", NOW + timedelta(minutes=1), lease_seconds=60, limit=10) == []
    assert store.next_due_at(NOW) == later
    [c2] = store.claim_due("w1", later, lease_seconds=60, limit=10)
    assert c2.attempts == 1 and c2.planned_at == NOW and c2.due_at == later
    assert store.mark_sent(c2.id, "w1", "ext-1", 40)
    view = store.get(c.id)
    assert view.attempts == 2
    assert [(h["n"], h["outcome"], h["error"]) for h in view.history] == [
        (1, "retry", "connection reset"),
        (2, "sent", None),
    ]
    assert view.history[1]["latency_ms"] == 40


def test_paused_channel_is_not_claimed(store):
    store.add_items([item(1, channel="x"), item(2, channel="email", kind="email")])
    store.pause_channel("x", "default", "401 unauthorized")
    claimed = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert [c.channel for c in claimed] == ["email"]
    assert store.paused_channels()[0]["reason"] == "401 unauthorized"
    assert store.resume_channel("x")
    assert [c.channel for c in store.claim_due("w1", NOW, lease_seconds=60, limit=10)] == ["x"]


def test_mark_skipped(store):
    store.add_items([item(1), item(2)])
    assert store.mark_skipped(store.list_items()[0].id, "missed by 3 hours (window 1h)")
    [c] = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert store.mark_skipped(c.id, "late", worker_id="other") is False
    assert store.mark_skipped(c.id, "late", worker_id="w1") is True
    assert [v.state for v in store.list_items()] == ["skipped", "skipped"]


def test_workers_register_heartbeat(store, db_url):
    store.register_worker("w1", now=NOW)
    if store.is_sqlite:
        with pytest.raises(StoreError, match="another worker"):
            store.register_worker("w2", now=NOW + timedelta(seconds=5))
    else:
        store.register_worker("w2", now=NOW + timedelta(seconds=5))  # PostgreSQL shares work
        store.unregister_worker("w2")
    store.heartbeat("w1", now=NOW + timedelta(seconds=30))
    # w1 stops heartbeating: a later worker takes over and w1's leases come back
    store.add_items([item(1)])
    [c] = store.claim_due("w1", NOW, lease_seconds=3600, limit=10)
    store.register_worker("w3", now=NOW + timedelta(minutes=10), stale_after=60)
    assert store.get(c.id).state == "scheduled"
    store.unregister_worker("w3")
    store.register_worker("w4", now=NOW + timedelta(minutes=10))


# ---- queue operations ------------------------------------------------------------------------


def test_cancel_and_retry_transitions(store):
    store.add_items([item(1), item(2, slug="other"), item(3, slug="other")])
    ids = [v.id for v in store.list_items()]
    store.cancel(ids[0])
    with pytest.raises(StoreError, match="only scheduled items can be cancelled"):
        store.cancel(ids[0])
    with pytest.raises(StoreError, match="only failed, skipped or cancelled"):
        store.retry(ids[1])
    with pytest.raises(StoreError, match="no outbox item"):
        store.cancel(99999)
    assert store.cancel_article("other") == 2
    later = NOW + timedelta(days=1)
    store.retry(ids[0], now=later)
    v = store.get(ids[0])
    assert v.state == "scheduled" and v.due_at == later
    assert [v.state for v in store.list_items(status="cancelled")] == ["cancelled"] * 2
    assert len(store.list_items(article="other")) == 2
    with pytest.raises(StoreError, match="unknown status"):
        store.list_items(status="lost")


def test_cancelling_a_thread_post_cancels_the_rest_and_retry_brings_them_back(store):
    store.add_items([*thread(4), item(1)])
    ids = [v.id for v in store.list_items() if v.position is not None]
    assert store.cancel(ids[1]) == ids[1:]
    states = {v.id: (v.state, v.last_error) for v in store.list_items()}
    assert states[ids[0]] == ("scheduled", None)
    assert [states[k][0] for k in ids[1:]] == ["cancelled"] * 3
    assert states[ids[2]][1] == f"thread: earlier post {ids[1]} was cancelled"
    # a later post cannot come back alone: it would wait for a cancelled post for ever
    with pytest.raises(StoreError, match=f"follows item {ids[1]} .* retry item {ids[1]}"):
        store.retry(ids[2])
    later = NOW + timedelta(hours=1)
    assert store.retry(ids[1], now=later) == ids[1:]
    assert {store.get(k).state for k in ids} == {"scheduled"}
    # and they go out in order, each after the one before
    order = []
    for _ in range(4):
        [c] = [c for c in store.claim_due("w1", later, lease_seconds=60, limit=10) if c.thread_key]
        order.append(c.id)
        store.mark_sent(c.id, "w1", f"e{c.id}", 1, now=later)
    assert order == ids


def test_a_post_cancelled_on_its_own_stays_cancelled_on_retry(store):
    store.add_items(thread(3))
    ids = [v.id for v in store.list_items()]
    store.cancel(ids[2])  # the user drops the last post
    store.cancel(ids[1])  # then the second (nothing left after it to cascade to)
    assert store.retry(ids[1]) == [ids[1]]
    assert store.get(ids[2]).state == "cancelled"


def test_skipped_thread_post_skips_the_rest(store):
    store.add_items([*thread(3), item(1, due=NOW + timedelta(hours=2))])
    [head] = store.claim_due("w1", NOW, lease_seconds=60, limit=10)
    assert store.mark_skipped(head.id, "missed by 3 hours (window 1h)", worker_id="w1")
    views = {v.id: v for v in store.list_items()}
    rest = [v for v in views.values() if v.position and v.position > 0]
    assert [v.state for v in rest] == ["skipped", "skipped"]
    assert rest[0].last_error == f"thread: earlier post {head.id} was skipped"
    assert store.get(rest[1].id).history[0]["outcome"] == "skipped"
    # nothing of the thread is left waiting: the next due item is the unrelated one
    assert store.next_due_at(NOW) == NOW + timedelta(hours=2)
    assert store.retry(head.id) == [head.id, *(v.id for v in rest)]


def test_purge_sent_before(store):
    store.add_items([item(1), item(2), *thread(2)])
    for c in store.claim_due("w1", NOW, lease_seconds=60, limit=10):
        store.mark_sent(c.id, "w1", f"e{c.id}", 1, now=NOW)
    assert store.count("scheduled") == 1  # the second thread post
    assert store.purge(NOW + timedelta(days=1)) == 2  # the thread head stays: its reply is unsent
    assert store.count() == 2
    assert store.purge(NOW - timedelta(days=1)) == 0


def test_taken_slots_exclude_own_article_steps(store):
    store.add_items(
        [item(1, slug="a", step="faq"), item(2, slug="b", step="faq", due=NOW + timedelta(hours=1))]
    )
    assert store.taken_slots("x") == {NOW, NOW + timedelta(hours=1)}
    assert store.taken_slots("x", exclude_article="a", exclude_steps=["faq"]) == {
        NOW + timedelta(hours=1)
    }


# ---- opening and migrations ---------------------------------------------------------------------


def test_old_schema_is_migrated_keeping_data(db_url):
    engine = sa.create_engine(normalize_url(db_url))
    migrations.migrate(engine, target=1)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO payloads (id, content_hash, kind, body, created_at) "
            "VALUES (1, 'h', 'post', '{\"text\": \"kept\"}', '2030-01-01 08:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO items (id, article_slug, channel, account, kind, payload_id, due_at, tz,"
            " state, attempts, idempotency_key, late_policy, late_window_seconds, created_at) "
            "VALUES (1, 'old', 'x', 'default', 'post', 1, '2030-01-01 09:00:00', 'UTC',"
            " 'scheduled', 0, 'k-old', 'send_late', 3600, '2030-01-01 08:00:00')"
        )
    engine.dispose()
    with Outbox.open(db_url) as store:
        with store.engine.connect() as conn:
            assert migrations.current_version(conn) == T.SCHEMA_VERSION
        v = store.get(1)
        assert (v.article_slug, v.state, v.payload) == ("old", "scheduled", {"text": "kept"})
        [c] = store.claim_due(
            "w", datetime(2030, 1, 1, 9, 1, tzinfo=UTC), lease_seconds=60, limit=5
        )
        assert c.planned_at == datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    # opening again is a no-op
    Outbox.open(db_url).close()


def test_sqlite_uses_wal_and_busy_timeout(tmp_path):
    with Outbox.open(f"sqlite:///{tmp_path / 'o.db'}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "o.db"
    Outbox.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version VALUES (99, '2030-01-01 00:00:00')")
    with pytest.raises(StoreError, match="newer"):
        Outbox.open(f"sqlite:///{path}")


def test_unreachable_database_is_one_line_without_password():
    url = "postgresql://marketing:s3cret-pw@127.0.0.1:1/outbox"
    with pytest.raises(StoreError) as info:
        Outbox.open(url)
    msg = str(info.value)
    assert "s3cret-pw" not in msg and "***" in msg and "\n" not in msg
    assert normalize_url(url).startswith("postgresql+psycopg://")
    assert mask_url(url) == "postgresql://marketing:***@127.0.0.1:1/outbox"


def test_missing_sqlite_folder(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Outbox.open(f"sqlite:///{tmp_path / 'nope' / 'o.db'}")
