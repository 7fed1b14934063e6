"""A stand-in for the store's ClaimedItem with exactly the fields the senders read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Item:
    id: int
    channel: str
    idempotency_key: str
    payload: dict[str, Any]
    account: str = "default"
    kind: str = "digest"
    article_slug: str = "launch-notes"
    due_at: datetime = field(default_factory=lambda: datetime(2030, 3, 5, 9, 0, tzinfo=UTC))
    recipient: str | None = None
    recipient_name: str | None = None
    merge: dict[str, Any] = field(default_factory=dict)
    thread_key: str | None = None
    position: int = 0
    after_id: int | None = None
    reply_to_external_id: str | None = None
    attempts: int = 0


EMAIL = {
    "subject": "Launch notes: what changed",
    "preheader": "Five things",
    "html": '<p>Hello %%name%%,</p><p>News.</p><a href="%%unsubscribe_url%%">unsubscribe</a>',
    "text": "Hello %%name%%,\n\nNews.\n\nUnsubscribe: %%unsubscribe_url%%\n",
}


def email_item(n: int, recipient: str, name: str = "Ada", **kw) -> Item:
    return Item(
        id=n,
        channel="email",
        idempotency_key=f"launch-notes:email:{recipient}",
        payload=kw.pop("payload", EMAIL),
        recipient=recipient,
        recipient_name=name,
        **kw,
    )


def post_item(n: int, text: str, *, position: int = 0, after_id=None, reply_to=None, **kw) -> Item:
    return Item(
        id=n,
        channel=kw.pop("channel", "x"),
        kind="thread",
        idempotency_key=kw.pop("key", f"launch-notes:x:{position}"),
        payload={"text": text},
        thread_key="launch-notes:x",
        position=position,
        after_id=after_id,
        reply_to_external_id=reply_to,
        **kw,
    )
