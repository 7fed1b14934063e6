"""Versioned schema migrations for the outbox, run on open.

Each migration is a function taking a connection inside one transaction; `schema_version` holds
one row per applied version. Migrations only ever add (tables, columns, indexes) or copy data, so
an upgrade keeps every row. Version 1 is the first released schema, frozen here as plain DDL;
later versions alter it. Never edit a released migration: add a new one and bump
tables.SCHEMA_VERSION.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

from repurpose.schedule import tables as T

_V1_DDL = [
    """CREATE TABLE payloads (
        id {id} PRIMARY KEY,
        content_hash VARCHAR(64) NOT NULL UNIQUE,
        kind VARCHAR(16) NOT NULL,
        body TEXT NOT NULL,
        created_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE items (
        id {id} PRIMARY KEY,
        article_slug VARCHAR(200) NOT NULL,
        channel VARCHAR(32) NOT NULL,
        account VARCHAR(100) NOT NULL DEFAULT 'default',
        kind VARCHAR(16) NOT NULL,
        payload_id {ref} NOT NULL REFERENCES payloads(id),
        recipient VARCHAR(320),
        recipient_name VARCHAR(200),
        merge TEXT,
        due_at TIMESTAMP NOT NULL,
        tz VARCHAR(64) NOT NULL,
        state VARCHAR(16) NOT NULL DEFAULT 'scheduled',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        external_id VARCHAR(200),
        idempotency_key VARCHAR(64) NOT NULL UNIQUE,
        thread_key VARCHAR(64),
        position INTEGER,
        after_id {ref} REFERENCES items(id),
        late_policy VARCHAR(16) NOT NULL DEFAULT 'send_late',
        late_window_seconds INTEGER NOT NULL DEFAULT 3600,
        lease_owner VARCHAR(200),
        lease_until TIMESTAMP,
        created_at TIMESTAMP NOT NULL,
        sent_at TIMESTAMP)""",
    "CREATE INDEX ix_items_state_due ON items (state, due_at)",
    "CREATE INDEX ix_items_after ON items (after_id)",
    """CREATE TABLE attempts (
        id {id} PRIMARY KEY,
        item_id {ref} NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        worker_id VARCHAR(200),
        started_at TIMESTAMP,
        finished_at TIMESTAMP NOT NULL,
        outcome VARCHAR(16) NOT NULL,
        error TEXT,
        latency_ms INTEGER)""",
    "CREATE INDEX ix_attempts_item ON attempts (item_id)",
    """CREATE TABLE channel_pauses (
        channel VARCHAR(32) NOT NULL,
        account VARCHAR(100) NOT NULL,
        reason TEXT,
        until TIMESTAMP,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (channel, account))""",
    """CREATE TABLE workers (
        id VARCHAR(200) PRIMARY KEY,
        host VARCHAR(200),
        pid INTEGER,
        started_at TIMESTAMP NOT NULL,
        heartbeat_at TIMESTAMP NOT NULL)""",
]


def _v1(conn: sa.Connection) -> None:
    pg = conn.dialect.name == "postgresql"
    ident = "BIGSERIAL" if pg else "INTEGER"
    ref = "BIGINT" if pg else "INTEGER"
    for ddl in _V1_DDL:
        conn.exec_driver_sql(ddl.format(id=ident, ref=ref))


def _v2(conn: sa.Connection) -> None:
    """Calendar/step/content and a listing summary per item, the originally planned time (late
    policy after retries), the claim time (attempt history), and indexes for listings."""
    for column in (
        "calendar VARCHAR(200)",
        "step VARCHAR(200)",
        "content VARCHAR(16)",
        "summary VARCHAR(200)",
        "planned_at TIMESTAMP",
        "claimed_at TIMESTAMP",
    ):
        conn.exec_driver_sql(f"ALTER TABLE items ADD COLUMN {column}")
    conn.exec_driver_sql("UPDATE items SET planned_at = due_at WHERE planned_at IS NULL")
    conn.exec_driver_sql("UPDATE items SET content = kind WHERE content IS NULL")
    for ddl in (
        "CREATE INDEX ix_items_due ON items (due_at)",
        "CREATE INDEX ix_items_article ON items (article_slug)",
        "CREATE INDEX ix_items_channel_due ON items (channel, account, due_at)",
    ):
        conn.exec_driver_sql(ddl)


MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _v1, 2: _v2}
assert max(MIGRATIONS) == T.SCHEMA_VERSION


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    v = conn.execute(sa.select(sa.func.max(T.schema_version.c.version))).scalar()
    return int(v or 0)


def migrate(engine: sa.Engine, target: int | None = None) -> tuple[int, int]:
    """Bring the schema to `target` (latest by default). Returns (from_version, to_version).

    Runs in one transaction; PostgreSQL takes an advisory lock so two processes opening a fresh
    database at once do not both migrate (SQLite's BEGIN IMMEDIATE does the same)."""
    target = T.SCHEMA_VERSION if target is None else target
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(725001)")
        start = current_version(conn)
        if start > T.SCHEMA_VERSION:
            from repurpose.errors import StoreError

            raise StoreError(
                f"the outbox database has schema version {start}, newer than this repurpose "
                f"understands ({T.SCHEMA_VERSION}); upgrade repurpose"
            )
        if start >= target:
            return start, start
        if start == 0:
            T.schema_version.create(conn)
        for version in range(start + 1, target + 1):
            MIGRATIONS[version](conn)
            conn.execute(
                T.schema_version.insert().values(version=version, applied_at=datetime.now(UTC))
            )
        return start, target
