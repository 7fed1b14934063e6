"""The calendar tab reads the real outbox store (SQLite file, and PostgreSQL when available)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from repurpose.preview.calendar import calendar_html, load_calendar
from repurpose.schedule.store import NewItem, Outbox

DUE = datetime(2030, 10, 26, 22, 30, tzinfo=UTC)  # 23:30 in London on the 26th (BST ends the 27th)


def _plan(box: Outbox, slug: str) -> list[int]:
    posts = [
        NewItem(
            article_slug=slug,
            channel="bluesky",
            kind="post",
            body={"text": f"post {i} of {slug}"},
            due_at=DUE + timedelta(hours=2 * i),
            tz="Europe/London",
            idempotency_key=f"{slug}-p{i}",
            summary=f"post {i}",
            position=i,
        )
        for i in range(3)
    ]
    other = NewItem(
        article_slug=f"{slug}-other",
        channel="x",
        kind="post",
        body={"text": "other"},
        due_at=DUE,
        tz="Europe/London",
        idempotency_key=f"{slug}-other",
        summary="other",
        position=0,
    )
    return list(box.add_items([*posts, other]).ids)


def _check(url: str, slug: str) -> None:
    with Outbox.open(url) as box:
        ids = _plan(box, slug)
        box.cancel(ids[1])
    now = datetime(2030, 10, 20, tzinfo=UTC)
    view = load_calendar(url, slug=slug, all_items=False, now=now)
    assert view.status == "ok", view.message
    assert view.tz == "Europe/London"
    assert [(i.local.strftime("%d %H:%M"), i.state) for i in view.items] == [
        ("26 23:30", "scheduled"),  # 22:30 UTC, summer time (UTC+1)
        ("27 01:30", "cancelled"),  # 00:30 UTC, still summer time
        ("27 02:30", "scheduled"),  # 02:30 UTC: clocks went back at 01:00 UTC
    ]
    doc = calendar_html(view)
    assert 'data-default-month="2030-10"' in doc
    assert doc.count('class="chip state-') == 6  # on the month and on the week grid
    everything = load_calendar(url, slug=slug, all_items=True, now=now)
    assert any(i.article_slug == f"{slug}-other" for i in everything.items)
    assert everything.scope == "all articles"


def test_calendar_from_a_sqlite_outbox(tmp_path):
    _check(f"sqlite:///{tmp_path / 'outbox.db'}", "night-trains")


@pytest.mark.postgres
def test_calendar_from_a_postgresql_outbox(pg_url):
    _check(pg_url, f"preview-{uuid.uuid4().hex[:10]}")


def test_unreachable_database_is_a_message_in_the_tab():
    view = load_calendar("postgresql://nobody:secret@127.0.0.1:1/none", slug="x", all_items=False)
    assert view.status == "error"
    assert "secret" not in view.message
    assert 'id="calendar-view"' in calendar_html(view)
