"""schedule.report: the `queue list` table, right-aligned columns and local times."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from repurpose.schedule.report import LocalTimes, queue_table, table

AT = datetime(2025, 3, 25, 8, 0, tzinfo=UTC)


def _item(id, **kw):
    fields = dict(
        id=id,
        due_at=AT,
        tz="Europe/Paris",
        state="scheduled",
        channel="x",
        account="default",
        content="thread",
        kind="post",
        recipient=None,
        position=None,
        summary="First words",
    )
    return SimpleNamespace(**{**fields, **kw})


def test_table_aligns_the_given_columns_right():
    assert table(("N", "NAME"), [("7", "a"), ("123", "bb")], right={0}) == [
        "  N  NAME",
        "  7  a",
        "123  bb",
    ]


def test_queue_table_ids_right_accounts_recipients_thread_places_and_fallbacks():
    items = [
        _item(9, channel="email", content="digest", recipient="ann@example.com"),
        _item(10, account="brand", position=0),
        _item(11, position=1, content=None, summary=None, state="failed"),
        _item(120, tz="Nowhere/Atlantis", channel="files", summary="Last"),
    ]
    assert queue_table(items) == [
        " ID  DUE                        STATE      CHANNEL  CONTENT  TO/#             FIRST WORDS",
        "  9  Tue 2025-03-25 09:00 CET   scheduled  email    digest   ann@example.com  First words",
        " 10  Tue 2025-03-25 09:00 CET   scheduled  x/brand  thread   #1               First words",
        " 11  Tue 2025-03-25 09:00 CET   failed     x        post     #2",
        "120  2025-03-25T08:00:00+00:00  scheduled  files    thread                    Last",
    ]


def test_queue_table_of_no_items_is_the_header():
    assert queue_table([]) == ["ID  DUE  STATE  CHANNEL  CONTENT  TO/#  FIRST WORDS"]


def test_local_times_in_the_items_zone_and_cached():
    local = LocalTimes()
    assert local(AT, "America/New_York") == "Tue 2025-03-25 04:00 EDT"
    assert local(datetime(2025, 7, 1, 7, 30, tzinfo=UTC), "Europe/Paris") == (
        "Tue 2025-07-01 09:30 CEST"
    )
    assert local(AT, "America/New_York") is local.done[(AT, "America/New_York")]
    assert set(local.zones) == {"America/New_York", "Europe/Paris"}
