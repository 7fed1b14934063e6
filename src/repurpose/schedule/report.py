"""What `repurpose schedule` and `repurpose queue list` print: the plan or the outbox as an
aligned table, then what happened.

Pure text: the faces print these lines (the table on stdout, the notes through ui.info)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from repurpose.schedule.plan import Plan
from repurpose.schedule.when import WhenError, fmt_local, zone


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def table(
    heads: Sequence[str], rows: Sequence[Sequence[str]], *, right: Collection[int] = ()
) -> list[str]:
    """Columns padded to their widest cell, two spaces apart, no trailing spaces; the columns
    whose indexes are in `right` (numbers) are aligned right, the others left."""
    widths = [max([len(h), *(len(row[k]) for row in rows)]) for k, h in enumerate(heads)]
    return [
        "  ".join(
            cell.rjust(widths[k]) if k in right else cell.ljust(widths[k])
            for k, cell in enumerate(row)
        ).rstrip()
        for row in (heads, *rows)
    ]


class LocalTimes:
    """'Tue 2030-03-26 09:00 CET' for a UTC instant in an item's timezone (ISO 8601 in UTC
    when the zone is unknown); zones and the text of each (instant, zone) are looked up once
    (a listing repeats them a lot)."""

    def __init__(self) -> None:
        self.zones: dict = {}
        self.done: dict[tuple[datetime, str], str] = {}

    def __call__(self, dt: datetime, tz_name: str) -> str:
        key = (dt, tz_name)
        text = self.done.get(key)
        if text is None:
            text = self.done[key] = self._format(dt, tz_name)
        return text

    def _format(self, dt: datetime, tz_name: str) -> str:
        tz = self.zones.get(tz_name)
        if tz is None:
            try:
                tz = self.zones[tz_name] = zone(tz_name)
            except WhenError:
                return dt.isoformat()
        return fmt_local(dt, tz)


def queue_table(items: Iterable) -> list[str]:
    """`queue list`: ID (right-aligned), DUE (local time), STATE, CHANNEL[/account], CONTENT,
    TO/# (recipient, or the post's place in its thread), FIRST WORDS; items as store.ItemView."""
    local = LocalTimes()
    rows = [
        (
            str(it.id),
            local(it.due_at, it.tz),
            it.state,
            it.channel if it.account == "default" else f"{it.channel}/{it.account}",
            it.content or it.kind,
            it.recipient or (f"#{it.position + 1}" if it.position is not None else ""),
            it.summary or "",
        )
        for it in items
    ]
    heads = ("ID", "DUE", "STATE", "CHANNEL", "CONTENT", "TO/#", "FIRST WORDS")
    return table(heads, rows, right={0})


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
