"""Outbox items → an iCalendar file (icalendar library): one event per send.

A send is what a person would put in a calendar: an email to a whole list, a whole thread, one
post. Its items (one per recipient, one per thread post) become one VEVENT whose summary says how
many there are and whose description counts their states, so a list of 5,000 readers is one entry
at 09:00, not 5,000.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from repurpose.errors import StoreError

_ORDER = ("scheduled", "sending", "sent", "failed", "skipped", "cancelled")


def _send_key(it) -> tuple:
    return (it.article_slug, it.calendar, it.step, it.channel, it.account, it.content, it.due_at)


def group_sends(items: Sequence) -> list[list]:
    """Items grouped into sends (same article, step, channel, account, content and due time), in
    due order."""
    groups: dict[tuple, list] = {}
    for it in items:
        groups.setdefault(_send_key(it), []).append(it)
    return sorted(groups.values(), key=lambda g: (g[0].due_at, g[0].id))


def _uid(group: list) -> str:
    first = group[0]
    if len(group) == 1:
        return f"{first.idempotency_key}@repurpose"
    parts = [str(p) for p in _send_key(first)[:-1]] + [first.due_at.astimezone(UTC).isoformat()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest() + "@repurpose"


def _summary(group: list) -> str:
    first = group[0]
    what = first.content or first.kind
    label = f"{first.channel}: {first.summary or what}"
    n = len(group)
    if first.recipient:
        return f"{label} ({first.recipient})" if n == 1 else f"{label} ({n:,} recipients)"
    if first.position is not None:
        return f"{label} ({n:,} posts)" if n > 1 else f"{label} (post {first.position + 1})"
    return label if n == 1 else f"{label} ({n:,} items)"


def _status(states: Counter) -> str:
    if set(states) == {"cancelled"}:
        return "CANCELLED"
    if set(states) <= {"sent"}:
        return "CONFIRMED"
    return "TENTATIVE"


def to_ics(items: Sequence, *, stamp: datetime | None = None) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//repurpose//outbox//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "repurpose outbox")
    stamp = stamp or datetime.now(UTC)
    for group in group_sends(items):
        first = group[0]
        states = Counter(it.state for it in group)
        ids = sorted(it.id for it in group)
        start = first.due_at.astimezone(UTC)
        ev = icalendar.Event()
        ev.add("uid", _uid(group))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(minutes=15))
        ev.add("summary", _summary(group))
        lines = [
            f"article: {first.article_slug}",
            f"content: {first.content or first.kind}",
            f"calendar: {first.calendar} / {first.step}" if first.calendar else "",
            "state: " + ", ".join(f"{states[s]} {s}" for s in _ORDER if states[s]),
            f"items: {ids[0]}" if len(ids) == 1 else f"items: {len(ids)} ({ids[0]}–{ids[-1]})",
            f"calendar timezone: {first.tz}",
        ]
        recipients = [it.recipient for it in group if it.recipient]
        if recipients:
            shown = ", ".join(recipients[:10])
            more = f" and {len(recipients) - 10} more" if len(recipients) > 10 else ""
            lines.append(f"recipients: {shown}{more}")
        ev.add("description", "\n".join(line for line in lines if line))
        ev.add("categories", [first.channel])
        ev.add("status", _status(states))
        cal.add_component(ev)
    return cal.to_ical()


def write_ics(items: Sequence, path: str | Path) -> tuple[Path, int]:
    """Write the file atomically; returns (path, number of events)."""
    target = Path(path)
    data = to_ics(items)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise StoreError(
            f"cannot write calendar file: {exc.strerror or exc}", path=target
        ) from None
    return target, data.count(b"BEGIN:VEVENT")
