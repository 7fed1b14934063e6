"""schedule.report: the plan table and the notes `repurpose schedule` prints."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from repurpose.schedule.plan import Plan, PlanRow
from repurpose.schedule.report import plan_table, result_notes, table
from repurpose.schedule.service import ScheduleResult
from repurpose.schedule.store import AddResult

AT = datetime(2025, 3, 25, 8, 0, tzinfo=UTC)


def _row(channel, count, new, account="default", content="digest", summary="Hello there"):
    return PlanRow(AT, "Europe/Paris", channel, account, content, "s1", summary, count, new)


def _plan(rows, items=3, suppressed=0):
    return Plan("my-post", "launch", items=[object()] * items, rows=rows, suppressed=suppressed)


def test_table_pads_columns_and_strips_trailing_space():
    assert table(("A", "BB", ""), [("xyz", "1", ""), ("", "22", "note")]) == [
        "A    BB",
        "xyz  1",
        "     22  note",
    ]
    assert table(("WHEN", "X"), []) == ["WHEN  X"]


def test_plan_table_local_times_accounts_counts_and_already_scheduled():
    rows = [
        _row("email", 2, 2),
        _row("x", 1, 0, account="brand", content="thread", summary="First post"),
        _row("x", 3, 1, content="thread", summary="Second"),
    ]
    assert plan_table(_plan(rows)) == [
        "WHEN                      CHANNEL  CONTENT  ITEMS         FIRST WORDS",
        "Tue 2025-03-25 09:00 CET  email    digest   2 recipients  Hello there",
        "Tue 2025-03-25 09:00 CET  x/brand  thread   1 post        First post   already scheduled",
        "Tue 2025-03-25 09:00 CET  x        thread   3 posts       Second       2 already scheduled",
    ]


def test_notes_for_a_dry_run_and_suppressed_addresses():
    plan = _plan([_row("email", 3, 2)], items=3, suppressed=2)
    assert result_notes(ScheduleResult(plan, None)) == [
        "2 suppressed addresses left out",
        "dry run: 3 items planned (2 new); nothing written",
    ]


def test_notes_for_nothing_new_and_for_added_items():
    plan = _plan([_row("x", 3, 0)])
    assert result_notes(ScheduleResult(plan, AddResult(added=0, existing=3))) == [
        "nothing new: all 3 items of my-post on launch are already scheduled"
    ]
    assert result_notes(ScheduleResult(plan, AddResult(added=3, existing=0))) == [
        "scheduled 3 items for my-post"
    ]
    added = SimpleNamespace(plan=plan, added=AddResult(added=2, existing=1, revived=1))
    assert result_notes(added) == [
        "scheduled 2 items for my-post (1 of them had been cancelled; 1 were already scheduled)"
    ]
