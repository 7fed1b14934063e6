"""What `repurpose schedule` prints: the plan as an aligned table, then what happened.

Pure text: the faces print these lines (the table on stdout, the notes through ui.info)."""

from __future__ import annotations

from collections.abc import Sequence

from repurpose.schedule.plan import Plan
from repurpose.schedule.when import fmt_local, zone


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def table(heads: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell, two spaces apart, no trailing spaces."""
    widths = [max([len(h), *(len(row[k]) for row in rows)]) for k, h in enumerate(heads)]
    return [
        "  ".join(cell.ljust(widths[k]) for k, cell in enumerate(row)).rstrip()
        for row in (heads, *rows)
    ]


def plan_table(plan: Plan) -> list[str]:
    """WHEN (local time of the slot), CHANNEL[/account], CONTENT, ITEMS, FIRST WORDS, and how
    many of the row's items are already in the outbox."""
    rows = [
        (
            fmt_local(r.at, zone(r.tz)),
            r.channel if r.account == "default" else f"{r.channel}/{r.account}",
            r.content,
            plural(r.count, "recipient" if r.channel == "email" else "post"),
            r.summary,
            ""
            if r.new == r.count
            else ("already scheduled" if r.new == 0 else f"{r.count - r.new} already scheduled"),
        )
        for r in plan.rows
    ]
    return table(("WHEN", "CHANNEL", "CONTENT", "ITEMS", "FIRST WORDS", ""), rows)


def result_notes(result) -> list[str]:
    """The lines after the table (service.ScheduleResult): suppressed addresses, then a dry
    run's count, 'nothing new', or how many items were added."""
    plan, added = result.plan, result.added
    total = len(plan.items)
    notes = []
    if plan.suppressed:
        notes.append(f"{plan.suppressed} suppressed addresses left out")
    if added is None:
        notes.append(f"dry run: {total} items planned ({plan.new_count} new); nothing written")
    elif added.added == 0:
        notes.append(
            f"nothing new: all {total} items of {plan.slug} on {plan.calendar} are already scheduled"
        )
    else:
        extra = []
        if added.revived:
            extra.append(f"{added.revived} of them had been cancelled")
        if added.existing:
            extra.append(f"{added.existing} were already scheduled")
        more = f" ({'; '.join(extra)})" if extra else ""
        notes.append(f"scheduled {added.added} items for {plan.slug}{more}")
    return notes
