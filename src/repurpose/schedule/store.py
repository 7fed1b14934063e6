"""The durable outbox: SQLite by default, PostgreSQL for several workers (SQLAlchemy 2 Core).

Every state change is one short transaction. Worker-facing changes are guarded by
`state='sending' AND lease_owner=:worker`, so a worker that lost its lease cannot overwrite what
another worker did; those methods return False when the guard refuses.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from repurpose.errors import StoreError
from repurpose.schedule import tables as T
from repurpose.schedule.migrations import migrate

DEFAULT_STALE_AFTER = 60.0  # seconds without a heartbeat after which a worker counts as gone
_CHUNK = 500


def utcnow() -> datetime:
    return datetime.now(UTC)


# ---- URLs -----------------------------------------------------------------------------------


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` → psycopg 3; a bare path → SQLite file."""
    url = url.strip()
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _password(url: str) -> str | None:
    m = re.search(r"://[^:/@]*:([^@]*)@", url)
    return m.group(1) if m and m.group(1) else None


# ---- records --------------------------------------------------------------------------------


def content_hash(kind: str, body: dict) -> str:
    blob = json.dumps({"kind": kind, "body": body}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def idempotency_key(
    *, slug: str, content_hash: str, channel: str, account: str, at: datetime, who: str
) -> str:
    """hash(article slug, content, channel, account, slot time (UTC), recipient or position)."""
    parts = [slug, content_hash, channel, account, at.astimezone(UTC).isoformat(), who]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class NewItem:
    """One row to add. `after_key` names the idempotency key of the previous post in a thread
    (in this batch or already stored)."""

    article_slug: str
    channel: str
    kind: str  # email | post
    body: dict  # email {subject, preheader, html, text} | post {text}
    due_at: datetime
    tz: str
    idempotency_key: str
    account: str = "default"
    calendar: str | None = None
    step: str | None = None
    content: str | None = None
    summary: str | None = None
    recipient: str | None = None
    recipient_name: str | None = None
    merge: dict | None = None
    thread_key: str | None = None
    position: int | None = None
    after_key: str | None = None
    late_policy: str = "send_late"
    late_window_seconds: int = 3600

    @cached_property
    def payload_hash(self) -> str:
        return content_hash(self.kind, self.body)


@dataclass(frozen=True)
class AddResult:
    added: int  # new items plus cancelled ones planned again (`revived`)
    existing: int
    ids: tuple[int, ...] = ()
    revived: int = 0


@dataclass(frozen=True)
class ClaimedItem:
    """A claimed row with its payload body and the predecessor's external id (thread replies)."""

    id: int
    article_slug: str
    channel: str
    account: str
    kind: str
    content: str | None
    step: str | None
    calendar: str | None
    payload_id: int
    payload: dict
    recipient: str | None
    recipient_name: str | None
    merge: dict
    due_at: datetime
    planned_at: datetime
    tz: str
    state: str
    attempts: int
    idempotency_key: str
    thread_key: str | None
    position: int | None
    after_id: int | None
    late_policy: str
    late_window_seconds: int
    lease_owner: str | None
    lease_until: datetime | None
    reply_to_external_id: str | None = None

    @property
    def late_window(self) -> timedelta:
        return timedelta(seconds=self.late_window_seconds)


@dataclass
class ItemView:
    """A row as `queue list/show` see it."""

    id: int
    article_slug: str
    channel: str
    account: str
    kind: str
    content: str | None
    step: str | None
    calendar: str | None
    summary: str | None
    recipient: str | None
    due_at: datetime
    tz: str
    state: str
    attempts: int
    last_error: str | None
    external_id: str | None
    idempotency_key: str
    position: int | None
    after_id: int | None
    late_policy: str
    late_window_seconds: int
    sent_at: datetime | None
    created_at: datetime
    payload: dict | None = None
    history: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        out = dict(self.__dict__)
        for k in ("due_at", "sent_at", "created_at"):
            if out[k] is not None:
                out[k] = out[k].isoformat()
        for k in ("payload", "history"):
            if not out[k]:
                del out[k]
        return out


_VIEW_COLS = [
    T.items.c[name]
    for name in [
        "id",
        "article_slug",
        "channel",
        "account",
        "kind",
        "content",
        "step",
        "calendar",
        "summary",
        "recipient",
        "due_at",
        "tz",
        "state",
        "attempts",
        "last_error",
        "external_id",
        "idempotency_key",
        "position",
        "after_id",
        "late_policy",
        "late_window_seconds",
        "sent_at",
        "created_at",
    ]
]


assert [c.name for c in _VIEW_COLS] == list(ItemView.__dataclass_fields__)[: len(_VIEW_COLS)]


# ---- the store ------------------------------------------------------------------------------


class Outbox:
    def __init__(self, engine: sa.Engine, url: str):
        self.engine = engine
        self.url = url

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, migrate_to: int | None = None) -> Outbox:
        """Connect, create or migrate the schema. StoreError (password masked) when unreachable."""
        url = normalize_url(url)
        masked = mask_url(url)
        try:
            sa_url = sa.engine.make_url(url)
        except Exception:
            raise StoreError(f"not a database URL: {masked}") from None
        backend = sa_url.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise StoreError(
                f"unsupported database {backend!r} in {masked} (use sqlite:///FILE or "
                "postgresql://USER@HOST/DB)"
            )
        try:
            if backend == "sqlite":
                engine = _sqlite_engine(sa_url)
            else:
                engine = sa.create_engine(
                    sa_url,
                    pool_pre_ping=True,
                    connect_args={"connect_timeout": 5},
                )
            migrate(engine, migrate_to)
        except StoreError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open the outbox database {masked}: {_reason(exc, url)}"
            ) from None
        return cls(engine, url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise StoreError(
                f"outbox database error ({mask_url(self.url)}): {_reason(exc, self.url)}"
            ) from None

    # -- scheduling ----------------------------------------------------------------------------

    def add_items(self, new: Sequence[NewItem], *, now: datetime | None = None) -> AddResult:
        """Insert items in one transaction; items whose idempotency key exists are left alone.
        Payloads are shared by content hash; thread links (`after_key`) become after_id."""
        if not new:
            return AddResult(0, 0)
        now = now or utcnow()
        with self._tx() as conn:
            return self._add(conn, new, now)

    def _add(self, conn: sa.Connection, new: Sequence[NewItem], now: datetime) -> AddResult:
        i = T.items.c
        keys = [n.idempotency_key for n in new]
        existing: set[str] = set()
        cancelled: dict[str, int] = {}  # planned again: scheduled again (same key, same payload)
        for chunk in _chunks(keys):
            for k, id_, state in conn.execute(
                sa.select(i.idempotency_key, i.id, i.state).where(i.idempotency_key.in_(chunk))
            ):
                if state == "cancelled":
                    cancelled[k] = id_
                else:
                    existing.add(k)
        fresh: list[NewItem] = []
        revived: list[NewItem] = []
        seen: set[str] = set()
        for n in new:
            if n.idempotency_key in existing or n.idempotency_key in seen:
                continue
            seen.add(n.idempotency_key)
            (revived if n.idempotency_key in cancelled else fresh).append(n)
        if revived:
            conn.execute(
                T.items.update()
                .where(i.id == sa.bindparam("k_id"), i.state == "cancelled")
                .values(
                    state="scheduled",
                    due_at=sa.bindparam("k_due"),
                    planned_at=sa.bindparam("k_due"),
                    attempts=0,
                    last_error=None,
                    after_id=None,  # linked again below, to this plan's previous post
                ),
                [{"k_id": cancelled[n.idempotency_key], "k_due": n.due_at} for n in revived],
            )
        if not fresh and not revived:
            return AddResult(0, len(new))
        # payloads, deduplicated by content hash
        bodies = {n.payload_hash: n for n in fresh}
        pid: dict[str, int] = {}
        p = T.payloads.c
        for chunk in _chunks(list(bodies)):
            for h, id_ in conn.execute(
                sa.select(p.content_hash, p.id).where(p.content_hash.in_(chunk))
            ):
                pid[h] = id_
        missing = [h for h in bodies if h not in pid]
        if missing:
            inserted = conn.execute(
                T.payloads.insert().returning(p.content_hash, p.id, sort_by_parameter_order=True),
                [
                    {
                        "content_hash": h,
                        "kind": bodies[h].kind,
                        "body": json.dumps(bodies[h].body, ensure_ascii=False, sort_keys=True),
                        "created_at": now,
                    }
                    for h in missing
                ],
            )
            pid.update({h: id_ for h, id_ in inserted})
        inserted = (
            []
            if not fresh
            else conn.execute(
                T.items.insert().returning(i.idempotency_key, i.id, sort_by_parameter_order=True),
                [
                    {
                        "article_slug": n.article_slug,
                        "calendar": n.calendar,
                        "step": n.step,
                        "content": n.content,
                        "channel": n.channel,
                        "account": n.account,
                        "kind": n.kind,
                        "payload_id": pid[n.payload_hash],
                        "summary": (n.summary or "")[:200] or None,
                        "recipient": n.recipient,
                        "recipient_name": n.recipient_name,
                        "merge": json.dumps(n.merge, ensure_ascii=False, sort_keys=True)
                        if n.merge
                        else None,
                        "due_at": n.due_at,
                        "planned_at": n.due_at,
                        "tz": n.tz,
                        "state": "scheduled",
                        "attempts": 0,
                        "idempotency_key": n.idempotency_key,
                        "thread_key": n.thread_key,
                        "position": n.position,
                        "late_policy": n.late_policy,
                        "late_window_seconds": n.late_window_seconds,
                        "created_at": now,
                    }
                    for n in fresh
                ],
            )
        )
        ids: dict[str, int] = {k: id_ for k, id_ in inserted}
        ids.update({n.idempotency_key: cancelled[n.idempotency_key] for n in revived})
        placed = fresh + revived
        link_keys = [n.after_key for n in placed if n.after_key and n.after_key not in ids]
        for chunk in _chunks(list(dict.fromkeys(link_keys))):
            for k, id_ in conn.execute(
                sa.select(i.idempotency_key, i.id).where(i.idempotency_key.in_(chunk))
            ):
                ids[k] = id_
        links = []
        for n in placed:
            if n.after_key:
                if n.after_key not in ids:
                    raise StoreError(f"thread link to an unknown item ({n.after_key[:12]}…)")
                links.append({"k_id": ids[n.idempotency_key], "k_after": ids[n.after_key]})
        if links:
            conn.execute(
                T.items.update()
                .where(i.id == sa.bindparam("k_id"))
                .values(after_id=sa.bindparam("k_after")),
                links,
            )
        return AddResult(
            len(placed),
            len(new) - len(placed),
            tuple(ids[n.idempotency_key] for n in placed),
            revived=len(revived),
        )

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """The keys already in the outbox, cancelled items left out (planning them again
        schedules them again)."""
        i = T.items.c
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(list(keys)):
                found.update(
                    conn.execute(
                        sa.select(i.idempotency_key).where(
                            i.idempotency_key.in_(chunk), i.state != "cancelled"
                        )
                    )
                    .scalars()
                    .all()
                )
        return found

    def live_versions(self, slug: str, steps: Iterable[str]) -> list[tuple]:
        """(id, step, channel, account, due_at, payload content hash) of the article's items on
        these steps that are scheduled, in flight or sent: what a new plan must not duplicate."""
        i, p = T.items.c, T.payloads.c
        steps = list(steps)
        if not steps:
            return []
        q = (
            sa.select(i.id, i.step, i.channel, i.account, i.due_at, p.content_hash)
            .join(T.payloads, p.id == i.payload_id)
            .where(
                i.article_slug == slug,
                i.step.in_(steps),
                i.state.in_(("scheduled", "sending", "sent")),
            )
            .order_by(i.id)
        )
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(q)]

    def taken_slots(
        self,
        channel: str,
        account: str = "default",
        *,
        since: datetime | None = None,
        exclude_article: str | None = None,
        exclude_steps: Iterable[str] = (),
    ) -> set[datetime]:
        """Due times already used on a channel/account by live items (scheduled, sending, sent).
        Items of `exclude_article` from `exclude_steps` do not count, so re-planning the same
        article with the same calendar finds the same slots again."""
        i = T.items.c
        q = (
            sa.select(i.due_at)
            .distinct()
            .where(
                i.channel == channel,
                i.account == account,
                i.state.in_(("scheduled", "sending", "sent")),
            )
        )
        if since is not None:
            q = q.where(i.due_at >= since)
        steps = list(exclude_steps)
        if exclude_article is not None and steps:
            q = q.where(sa.not_(sa.and_(i.article_slug == exclude_article, i.step.in_(steps))))
        with self.engine.connect() as conn:
            return set(conn.execute(q).scalars().all())

    # -- worker-facing -------------------------------------------------------------------------

    def claim_due(
        self,
        worker_id: str,
        now: datetime,
        *,
        lease_seconds: float = 300,
        limit: int = 50,
        started: bool = True,
    ) -> list[ClaimedItem]:
        """Atomically move due, claimable `scheduled` rows to `sending` under a lease.

        `started=False`: the rows are claimed but not yet being sent (`claimed_at` stays NULL);
        the worker marks each one with `mark_started` (or `mark_sent(start_next=…)`) right
        before its send. A lease that expires on a row never started goes back to `scheduled`
        without an attempt: only the send in flight when a worker died counts as one."""
        i = T.items.c
        with self._tx() as conn:
            self._recover(conn, now)
            prev = T.items.alias("prev")
            pause = T.channel_pauses.c
            q = (
                sa.select(i.id)
                .where(i.state == "scheduled", i.due_at <= now)
                .where(
                    sa.or_(
                        i.after_id.is_(None),
                        sa.exists().where(prev.c.id == i.after_id, prev.c.state == "sent"),
                    )
                )
                .where(
                    ~sa.exists().where(
                        pause.channel == i.channel,
                        pause.account == i.account,
                        sa.or_(pause.until.is_(None), pause.until > now),
                    )
                )
                .order_by(i.due_at, i.id)
                .limit(limit)
            )
            if not self.is_sqlite:
                q = q.with_for_update(skip_locked=True, of=T.items)
            ids = conn.execute(q).scalars().all()
            if not ids:
                return []
            conn.execute(
                T.items.update()
                .where(i.id.in_(ids), i.state == "scheduled")
                .values(
                    state="sending",
                    lease_owner=worker_id,
                    lease_until=now + timedelta(seconds=lease_seconds),
                    claimed_at=now if started else None,
                )
            )
            rows = conn.execute(
                sa.select(
                    T.items,
                    T.payloads.c.body.label("payload_body"),
                    prev.c.external_id.label("reply_to"),
                )
                .join(T.payloads, T.payloads.c.id == i.payload_id)
                .outerjoin(prev, prev.c.id == i.after_id)
                .where(i.id.in_(ids), i.lease_owner == worker_id, i.state == "sending")
                .order_by(i.due_at, i.id)
            ).mappings()
            return [_claimed(r) for r in rows]

    def _recover(
        self, conn: sa.Connection, now: datetime, owners: Sequence[str] | None = None
    ) -> int:
        """Expired leases (or leases of workers known to be gone) go back to `scheduled`; the lost
        attempt is recorded for rows whose send had started (`claimed_at` set). Rows claimed but
        never started go back as if released: no attempt, nothing in the history."""
        i = T.items.c
        cond = [i.state == "sending"]
        if owners is None:
            cond.append(i.lease_until < now)
        else:
            if not owners:
                return 0
            cond.append(i.lease_owner.in_(list(owners)))
        stale = conn.execute(
            sa.select(i.id, i.attempts, i.lease_owner, i.claimed_at).where(*cond)
        ).all()
        if not stale:
            return 0
        waiting = [r.id for r in stale if r.claimed_at is None]
        if waiting:
            conn.execute(
                T.items.update()
                .where(i.id.in_(waiting), i.state == "sending", i.claimed_at.is_(None))
                .values(state="scheduled", lease_owner=None, lease_until=None)
            )
        stale = [r for r in stale if r.claimed_at is not None]
        if not stale:
            return len(waiting)
        conn.execute(
            T.attempts.insert(),
            [
                {
                    "item_id": r.id,
                    "n": r.attempts + 1,
                    "worker_id": r.lease_owner,
                    "started_at": r.claimed_at,
                    "finished_at": now,
                    "outcome": "expired",
                    "error": "lease expired: the worker stopped before finishing this send",
                }
                for r in stale
            ],
        )
        conn.execute(
            T.items.update()
            .where(i.id.in_([r.id for r in stale]), i.state == "sending")
            .values(
                state="scheduled",
                lease_owner=None,
                lease_until=None,
                attempts=i.attempts + 1,
                last_error="lease expired: the worker stopped before finishing this send",
            )
        )
        return len(stale) + len(waiting)

    def recover_leases(self, now: datetime | None = None) -> int:
        """Recover expired leases now (claim_due does this too)."""
        with self._tx() as conn:
            return self._recover(conn, now or utcnow())

    def _finish(
        self,
        item_id: int,
        worker_id: str,
        *,
        outcome: str,
        values: dict[str, Any],
        error: str | None = None,
        latency_ms: int | None = None,
        now: datetime | None = None,
        start_next: int | None = None,
    ) -> bool:
        now = now or utcnow()
        i = T.items.c
        with self._tx() as conn:
            if start_next is not None:
                self._start(conn, start_next, worker_id, now)
            # one statement guards, changes and reads back (the attempt number, the start)
            row = conn.execute(
                T.items.update()
                .where(i.id == item_id, i.state == "sending", i.lease_owner == worker_id)
                .values(lease_owner=None, lease_until=None, attempts=i.attempts + 1, **values)
                .returning(i.attempts, i.claimed_at)
            ).first()
            if row is None:
                return False
            conn.execute(
                T.attempts.insert().values(
                    item_id=item_id,
                    n=row.attempts,
                    worker_id=worker_id,
                    started_at=row.claimed_at,
                    finished_at=now,
                    outcome=outcome,
                    error=error,
                    latency_ms=latency_ms,
                )
            )
            return True

    def mark_sent(
        self,
        item_id: int,
        worker_id: str,
        external_id: str | None,
        latency_ms: int | None = None,
        *,
        now: datetime | None = None,
        start_next: int | None = None,
    ) -> bool:
        """`sending` → sent. `start_next`: in the same transaction, mark that row (claimed by
        this worker) as started, see claim_due(started=False)."""
        now = now or utcnow()
        return self._finish(
            item_id,
            worker_id,
            outcome="sent",
            values={
                "state": "sent",
                "external_id": external_id,
                "sent_at": now,
                "last_error": None,
            },
            latency_ms=latency_ms,
            now=now,
            start_next=start_next,
        )

    def _start(self, conn: sa.Connection, item_id: int, worker_id: str, now: datetime) -> bool:
        i = T.items.c
        res = conn.execute(
            T.items.update()
            .where(i.id == item_id, i.state == "sending", i.lease_owner == worker_id)
            .values(claimed_at=now)
        )
        return res.rowcount == 1

    def mark_started(self, item_id: int, worker_id: str, *, now: datetime | None = None) -> bool:
        """The send of a row claimed with `started=False` begins now (see claim_due)."""
        with self._tx() as conn:
            return self._start(conn, item_id, worker_id, now or utcnow())

    def mark_retry(
        self, item_id: int, worker_id: str, error: str, at: datetime, *, now: datetime | None = None
    ) -> bool:
        """Back to `scheduled`, due at `at` (the planned time stays for the late policy)."""
        return self._finish(
            item_id,
            worker_id,
            outcome="retry",
            values={"state": "scheduled", "due_at": at, "last_error": error},
            error=error,
            now=now,
        )

    def mark_failed(
        self, item_id: int, worker_id: str, error: str, *, now: datetime | None = None
    ) -> bool:
        return self._finish(
            item_id,
            worker_id,
            outcome="failed",
            values={"state": "failed", "last_error": error},
            error=error,
            now=now,
        )

    def mark_skipped(
        self,
        item_id: int,
        reason: str,
        worker_id: str | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """`scheduled` → skipped, or `sending` → skipped when `worker_id` holds the lease (if
        worker_id is None a `sending` row is skipped only when no one holds it)."""
        now = now or utcnow()
        i = T.items.c
        with self._tx() as conn:
            guard = sa.or_(
                i.state == "scheduled",
                sa.and_(
                    i.state == "sending",
                    i.lease_owner == worker_id if worker_id else i.lease_owner.is_(None),
                ),
            )
            row = conn.execute(
                sa.select(i.attempts, i.claimed_at).where(i.id == item_id, guard)
            ).first()
            if row is None:
                return False
            conn.execute(
                T.items.update()
                .where(i.id == item_id, guard)
                .values(state="skipped", last_error=reason, lease_owner=None, lease_until=None)
            )
            conn.execute(
                T.attempts.insert().values(
                    item_id=item_id,
                    n=row.attempts + 1,
                    worker_id=worker_id,
                    started_at=row.claimed_at,
                    finished_at=now,
                    outcome="skipped",
                    error=reason,
                )
            )
            # the rest of its thread can never go out (each post waits for the one before)
            self._follow_thread(conn, item_id, "skipped", now=now)
            return True

    def _follow_thread(
        self, conn: sa.Connection, item_id: int, state: str, *, now: datetime
    ) -> list[int]:
        """Give the still-scheduled later posts of `item_id`'s thread the same end (`skipped` or
        `cancelled`), with a note naming the post they followed and an attempt-history line."""
        i = T.items.c
        later = [
            r
            for r in _thread_after(conn, item_id)
            if r.state == "scheduled"  # in flight or finished posts keep their state
        ]
        if not later:
            return []
        note = f"{THREAD_NOTE}{item_id} was {state}"
        ids = [r.id for r in later]
        for chunk in _chunks(ids):
            conn.execute(
                T.items.update()
                .where(i.id.in_(chunk), i.state == "scheduled")
                .values(state=state, last_error=note)
            )
        if state == "skipped":
            conn.execute(
                T.attempts.insert(),
                [
                    {
                        "item_id": r.id,
                        "n": r.attempts + 1,
                        "finished_at": now,
                        "outcome": "skipped",
                        "error": note,
                    }
                    for r in later
                ],
            )
        return ids

    def release(self, item_id: int, worker_id: str) -> bool:
        """`sending` → `scheduled` without counting an attempt (shutdown before sending)."""
        i = T.items.c
        with self._tx() as conn:
            res = conn.execute(
                T.items.update()
                .where(i.id == item_id, i.state == "sending", i.lease_owner == worker_id)
                .values(state="scheduled", lease_owner=None, lease_until=None, claimed_at=None)
            )
            return res.rowcount == 1

    def pause_channel(
        self,
        channel: str,
        account: str = "default",
        reason: str = "",
        until: datetime | None = None,
    ) -> None:
        c = T.channel_pauses.c
        with self._tx() as conn:
            conn.execute(
                T.channel_pauses.delete().where(c.channel == channel, c.account == account)
            )
            conn.execute(
                T.channel_pauses.insert().values(
                    channel=channel,
                    account=account,
                    reason=reason,
                    until=until,
                    created_at=utcnow(),
                )
            )

    def resume_channel(self, channel: str, account: str = "default") -> bool:
        c = T.channel_pauses.c
        with self._tx() as conn:
            res = conn.execute(
                T.channel_pauses.delete().where(c.channel == channel, c.account == account)
            )
            return res.rowcount > 0

    def paused_channels(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(T.channel_pauses)).mappings()]

    def next_due_at(self, now: datetime | None = None) -> datetime | None:
        """When something can next be claimed or recovered: the earliest claimable scheduled
        item (predecessor sent, channel not paused; a timed pause counts until it ends), or the
        earliest lease expiry of an in-flight item."""
        now = now or utcnow()
        i = T.items.c
        prev = T.items.alias("prev")
        pause = T.channel_pauses.c
        ready = sa.or_(
            i.after_id.is_(None),
            sa.exists().where(prev.c.id == i.after_id, prev.c.state == "sent"),
        )
        paused_forever = sa.exists().where(
            pause.channel == i.channel, pause.account == i.account, pause.until.is_(None)
        )
        with self.engine.connect() as conn:
            due = conn.execute(
                sa.select(sa.func.min(i.due_at)).where(
                    i.state == "scheduled", ready, ~paused_forever
                )
            ).scalar()
            lease = conn.execute(
                sa.select(sa.func.min(i.lease_until)).where(i.state == "sending")
            ).scalar()
            pauses = (
                conn.execute(
                    sa.select(T.channel_pauses.c.until).where(
                        T.channel_pauses.c.until.is_not(None), T.channel_pauses.c.until > now
                    )
                )
                .scalars()
                .all()
            )
        candidates = [t for t in (due, lease) if t is not None]
        result = min(candidates) if candidates else None
        # a due item behind a timed pause is due when the pause ends
        if result is not None and pauses and result <= now:
            with self.engine.connect() as conn:
                unpaused = conn.execute(
                    sa.select(sa.func.min(i.due_at)).where(
                        i.state == "scheduled",
                        ready,
                        ~sa.exists().where(
                            pause.channel == i.channel,
                            pause.account == i.account,
                            sa.or_(pause.until.is_(None), pause.until > now),
                        ),
                    )
                ).scalar()
            alternatives = [t for t in (unpaused, lease, min(pauses)) if t is not None]
            result = min(alternatives) if alternatives else None
        return result

    def in_flight_count(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(T.items)
                    .where(T.items.c.state == "sending")
                ).scalar()
            )

    def register_worker(
        self,
        worker_id: str,
        *,
        stale_after: float = DEFAULT_STALE_AFTER,
        now: datetime | None = None,
    ) -> None:
        """Record a worker. On SQLite a second live worker is refused (StoreError). Workers whose
        heartbeat is older than `stale_after` seconds, or whose process on this host is gone, are
        removed and their leases recovered."""
        now = now or utcnow()
        host = socket.gethostname()
        w = T.workers.c
        with self._tx() as conn:
            rows = conn.execute(sa.select(T.workers)).mappings().all()
            gone, live = [], []
            for r in rows:
                if r["id"] == worker_id:
                    continue
                dead_here = r["host"] == host and r["pid"] and not _pid_alive(r["pid"])
                if dead_here or r["heartbeat_at"] < now - timedelta(seconds=stale_after):
                    gone.append(r["id"])
                else:
                    live.append(r)
            if gone:
                conn.execute(T.workers.delete().where(w.id.in_(gone)))
                self._recover(conn, now, owners=gone)
            if live and self.is_sqlite:
                other = live[0]
                raise StoreError(
                    f"another worker is already running on this SQLite outbox ({other['id']}, "
                    f"host {other['host']}, pid {other['pid']}); stop it first, or use PostgreSQL "
                    "to run several workers"
                )
            conn.execute(T.workers.delete().where(w.id == worker_id))
            conn.execute(
                T.workers.insert().values(
                    id=worker_id, host=host, pid=os.getpid(), started_at=now, heartbeat_at=now
                )
            )

    def heartbeat(self, worker_id: str, *, now: datetime | None = None) -> None:
        with self._tx() as conn:
            conn.execute(
                T.workers.update()
                .where(T.workers.c.id == worker_id)
                .values(heartbeat_at=now or utcnow())
            )

    def unregister_worker(self, worker_id: str) -> None:
        with self._tx() as conn:
            conn.execute(T.workers.delete().where(T.workers.c.id == worker_id))

    # -- queue commands ------------------------------------------------------------------------

    def list_items(
        self,
        *,
        status: str | Sequence[str] | None = None,
        article: str | None = None,
        limit: int | None = None,
    ) -> list[ItemView]:
        i = T.items.c
        q = sa.select(*_VIEW_COLS).order_by(i.due_at, i.id)
        if status:
            states = [status] if isinstance(status, str) else list(status)
            bad = [s for s in states if s not in T.STATES]
            if bad:
                raise StoreError(f"unknown status {bad[0]!r} (known: {', '.join(T.STATES)})")
            q = q.where(i.state.in_(states))
        if article:
            q = q.where(i.article_slug == article)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            # rows come in _VIEW_COLS order, which is ItemView's field order
            return [ItemView(*r) for r in conn.execute(q)]

    def get(self, item_id: int) -> ItemView:
        i = T.items.c
        with self.engine.connect() as conn:
            r = (
                conn.execute(
                    sa.select(*_VIEW_COLS, T.payloads.c.body.label("payload"))
                    .join(T.payloads, T.payloads.c.id == i.payload_id)
                    .where(i.id == item_id)
                )
                .mappings()
                .first()
            )
            if r is None:
                raise StoreError(f"no outbox item {item_id}")
            view = ItemView(**{**r, "payload": json.loads(r["payload"])})
            a = T.attempts.c
            view.history = [
                {
                    k: (v.isoformat() if isinstance(v, datetime) else v)
                    for k, v in h.items()
                    if k not in ("id", "item_id")
                }
                for h in conn.execute(
                    sa.select(T.attempts).where(a.item_id == item_id).order_by(a.n, a.id)
                ).mappings()
            ]
            return view

    def count(self, state: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(T.items)
        if state:
            q = q.where(T.items.c.state == state)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar())

    def cancel(self, item_id: int, *, now: datetime | None = None) -> list[int]:
        """`scheduled` → `cancelled`; anything else is an invalid transition. Cancelling a thread
        post cancels the later posts of its thread too (they could never go out without it).
        Returns the ids cancelled, the item first."""
        i = T.items.c
        with self._tx() as conn:
            state = conn.execute(sa.select(i.state).where(i.id == item_id)).scalar()
            if state is None:
                raise StoreError(f"no outbox item {item_id}")
            if state != "scheduled":
                raise StoreError(
                    f"item {item_id} is {state}; only scheduled items can be cancelled"
                )
            conn.execute(
                T.items.update()
                .where(i.id == item_id, i.state == "scheduled")
                .values(state="cancelled")
            )
            later = self._follow_thread(conn, item_id, "cancelled", now=now or utcnow())
            return [item_id, *later]

    def cancel_article(self, slug: str) -> int:
        i = T.items.c
        with self._tx() as conn:
            res = conn.execute(
                T.items.update()
                .where(i.article_slug == slug, i.state == "scheduled")
                .values(state="cancelled")
            )
            return res.rowcount

    def retry(self, item_id: int, *, now: datetime | None = None) -> list[int]:
        """failed/skipped/cancelled → scheduled, due now, with a fresh attempt budget. The later
        posts of its thread that were skipped or cancelled along with it come back too (they go
        out after it, in order). Returns the ids scheduled again, the item first."""
        now = now or utcnow()
        i = T.items.c
        with self._tx() as conn:
            state = conn.execute(sa.select(i.state).where(i.id == item_id)).scalar()
            if state is None:
                raise StoreError(f"no outbox item {item_id}")
            if state not in ("failed", "skipped", "cancelled"):
                raise StoreError(
                    f"item {item_id} is {state}; only failed, skipped or cancelled items can be "
                    "retried"
                )
            prev = T.items.alias("prev")
            before = conn.execute(
                sa.select(prev.c.id, prev.c.state)
                .join(T.items, i.after_id == prev.c.id)
                .where(i.id == item_id)
            ).first()
            if before is not None and before.state in ("failed", "skipped", "cancelled"):
                raise StoreError(
                    f"item {item_id} follows item {before.id} in its thread, which is "
                    f"{before.state}; retry item {before.id} instead (the later posts come with it)"
                )
            back = [item_id]
            for r in _thread_after(conn, item_id):
                if r.state in ("skipped", "cancelled") and (r.last_error or "").startswith(
                    THREAD_NOTE
                ):
                    back.append(r.id)
                elif r.state != "scheduled":  # ended on its own (or sent): the rest stays
                    break
            values = dict(
                state="scheduled",
                due_at=now,
                planned_at=now,
                attempts=0,
                lease_owner=None,
                lease_until=None,
            )
            conn.execute(T.items.update().where(i.id == item_id, i.state == state).values(values))
            for chunk in _chunks(back[1:]):
                conn.execute(
                    T.items.update()
                    .where(i.id.in_(chunk), i.state.in_(("skipped", "cancelled")))
                    .values({**values, "last_error": None})
                )
            return back

    def purge(self, sent_before: datetime) -> int:
        """Delete sent items (and their attempts) sent before the date; a sent post another
        unsent post still replies to is kept. Payloads nobody uses any more go too."""
        i = T.items.c
        nxt = T.items.alias("nxt")
        with self._tx() as conn:
            ids = (
                conn.execute(
                    sa.select(i.id).where(
                        i.state == "sent",
                        i.sent_at < sent_before,
                        ~sa.exists().where(nxt.c.after_id == i.id, nxt.c.state != "sent"),
                    )
                )
                .scalars()
                .all()
            )
            for chunk in _chunks(ids):
                conn.execute(T.items.update().where(i.after_id.in_(chunk)).values(after_id=None))
                conn.execute(T.attempts.delete().where(T.attempts.c.item_id.in_(chunk)))
                conn.execute(T.items.delete().where(i.id.in_(chunk)))
            conn.execute(
                T.payloads.delete().where(~sa.exists().where(i.payload_id == T.payloads.c.id))
            )
            return len(ids)


# ---- helpers ---------------------------------------------------------------------------------


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    from sqlalchemy import event

    if url.database and url.database != ":memory:":
        from pathlib import Path

        parent = Path(url.database).expanduser().resolve().parent
        if not parent.is_dir():
            raise StoreError(
                f"cannot open the outbox database {url}: folder {parent} does not exist"
            )
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's `begin` event emit BEGIN IMMEDIATE: claims take the write lock first.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _reason(exc: BaseException, url: str) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    # keep the first sentence of driver messages; never echo a password
    text = text.split(" (Background on this error")[0]
    pw = _password(url)
    if pw:
        text = text.replace(pw, "***")
    return text[:300]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


THREAD_NOTE = "thread: earlier post "


def _thread_after(conn: sa.Connection, item_id: int) -> list[Any]:
    """The posts that follow `item_id` in its thread (after_id chain), in order."""
    i = T.items.c
    out: list[Any] = []
    frontier = [item_id]
    seen = {item_id}
    while frontier:
        rows = conn.execute(
            sa.select(i.id, i.state, i.attempts, i.last_error)
            .where(i.after_id.in_(frontier))
            .order_by(i.position, i.id)
        ).all()
        rows = [r for r in rows if r.id not in seen]
        seen.update(r.id for r in rows)
        out.extend(rows)
        frontier = [r.id for r in rows]
    return out


def _chunks(seq: Sequence, n: int = _CHUNK) -> Iterator[Sequence]:
    for k in range(0, len(seq), n):
        yield seq[k : k + n]


def _claimed(r) -> ClaimedItem:
    return ClaimedItem(
        id=r["id"],
        article_slug=r["article_slug"],
        channel=r["channel"],
        account=r["account"],
        kind=r["kind"],
        content=r["content"],
        step=r["step"],
        calendar=r["calendar"],
        payload_id=r["payload_id"],
        payload=json.loads(r["payload_body"]),
        recipient=r["recipient"],
        recipient_name=r["recipient_name"],
        merge=json.loads(r["merge"]) if r["merge"] else {},
        due_at=r["due_at"],
        planned_at=r["planned_at"] or r["due_at"],
        tz=r["tz"],
        state=r["state"],
        attempts=r["attempts"],
        idempotency_key=r["idempotency_key"],
        thread_key=r["thread_key"],
        position=r["position"],
        after_id=r["after_id"],
        late_policy=r["late_policy"],
        late_window_seconds=r["late_window_seconds"],
        lease_owner=r["lease_owner"],
        lease_until=r["lease_until"],
        reply_to_external_id=r["reply_to"],
    )
