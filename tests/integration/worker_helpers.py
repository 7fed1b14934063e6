"""Outbox rows for worker tests, created through the store's own add_items."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from repurpose.schedule.store import NewItem, Outbox

EMAIL_BODY = {
    "subject": "Launch notes",
    "preheader": "What changed",
    "html": '<p>Hi %%name%%</p><p><a href="%%unsubscribe_url%%">unsubscribe</a></p>',
    "text": "Hi %%name%%\n\nUnsubscribe: %%unsubscribe_url%%\n",
}


def key(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def email_rows(n: int, *, due: datetime | None = None, slug: str = "launch", domain="example.org",
               **kw) -> list[NewItem]:  # fmt: skip
    due = due or now() - timedelta(seconds=1)
    return [
        NewItem(
            article_slug=slug,
            channel="email",
            kind="email",
            body=EMAIL_BODY,
            due_at=due,
            tz="UTC",
            idempotency_key=key(slug, "email", i),
            recipient=f"reader{i}@{domain}",
            recipient_name=f"Reader {i}",
            **kw,
        )
        for i in range(n)
    ]


def thread_rows(n: int, *, due: datetime | None = None, slug: str = "launch", channel="x",
                **kw) -> list[NewItem]:  # fmt: skip
    due = due or now() - timedelta(seconds=1)
    rows = []
    for i in range(n):
        rows.append(
            NewItem(
                article_slug=slug,
                channel=channel,
                kind="post",
                body={"text": f"{slug} post {i + 1}/{n}"},
                due_at=due,
                tz="UTC",
                idempotency_key=key(slug, channel, "thread", i),
                thread_key=key(slug, channel, "thread"),
                position=i,
                after_key=key(slug, channel, "thread", i - 1) if i else None,
                **kw,
            )
        )
    return rows


def write_config(path: Path, *, smtp_port: int | None = None, x_base: str | None = None,
                 outbox_dir: Path | None = None, security: str = "none", **worker) -> Path:  # fmt: skip
    lines = []
    if smtp_port:
        lines += ["[smtp]", 'host = "127.0.0.1"', f"port = {smtp_port}",
                  f'security = "{security}"', "rate_per_minute = 1000000", "timeout = 10"]  # fmt: skip
    if x_base:
        lines += ["[x]", f'api_base = "{x_base}"']
    lines += [
        "[email]",
        'from_address = "news@example.com"',
        'unsubscribe_url = "https://example.com/u?e={email}&t={token}"',
    ]
    if outbox_dir:
        lines += ["[outbox]", f'directory = "{outbox_dir}"']
    w = {"backoff_base": 0.2, "backoff_max": 1.0, **worker}
    lines += ["[worker]"] + [f"{k} = {v!r}" for k, v in w.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def states(outbox: Outbox) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in outbox.list_items():
        out[v.state] = out.get(v.state, 0) + 1
    return out
