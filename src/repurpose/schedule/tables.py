"""The outbox schema at its latest version (SQLAlchemy Core). Migrations live in migrations.py."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 2
STATES = ("scheduled", "sending", "sent", "failed", "cancelled", "skipped")


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC on every database, returned as aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the outbox; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - raw SQLite text
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

payloads = sa.Table(
    "payloads",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),  # email | post
    sa.Column("body", sa.Text, nullable=False),  # JSON
    sa.Column("created_at", UTCDateTime, nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("article_slug", sa.String(200), nullable=False),
    sa.Column("calendar", sa.String(200), nullable=True),
    sa.Column("step", sa.String(200), nullable=True),
    sa.Column("content", sa.String(16), nullable=True),  # digest | thread | faq | post
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("account", sa.String(100), nullable=False, server_default="default"),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("payload_id", Id, sa.ForeignKey("payloads.id"), nullable=False),
    sa.Column("summary", sa.String(200), nullable=True),  # first words, for listings
    sa.Column("recipient", sa.String(320), nullable=True),
    sa.Column("recipient_name", sa.String(200), nullable=True),
    sa.Column("merge", sa.Text, nullable=True),  # JSON
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("planned_at", UTCDateTime, nullable=True),
    sa.Column("tz", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, server_default="scheduled"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("external_id", sa.String(200), nullable=True),
    sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
    sa.Column("thread_key", sa.String(64), nullable=True),
    sa.Column("position", sa.Integer, nullable=True),
    sa.Column("after_id", Id, sa.ForeignKey("items.id"), nullable=True),
    sa.Column("late_policy", sa.String(16), nullable=False, server_default="send_late"),
    sa.Column("late_window_seconds", sa.Integer, nullable=False, server_default="3600"),
    sa.Column("lease_owner", sa.String(200), nullable=True),
    sa.Column("lease_until", UTCDateTime, nullable=True),
    sa.Column("claimed_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=True),
    sa.Index("ix_items_state_due", "state", "due_at"),
    sa.Index("ix_items_due", "due_at"),
    sa.Index("ix_items_article", "article_slug"),
    sa.Index("ix_items_channel_due", "channel", "account", "due_at"),
    sa.Index("ix_items_after", "after_id"),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("item_id", Id, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("worker_id", sa.String(200), nullable=True),
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # sent|retry|failed|skipped|expired
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("latency_ms", sa.Integer, nullable=True),
    sa.Index("ix_attempts_item", "item_id"),
)

channel_pauses = sa.Table(
    "channel_pauses",
    metadata,
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("until", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

workers = sa.Table(
    "workers",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("host", sa.String(200), nullable=True),
    sa.Column("pid", sa.Integer, nullable=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("heartbeat_at", UTCDateTime, nullable=False),
)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)
