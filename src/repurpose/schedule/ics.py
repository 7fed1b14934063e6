"""Outbox items → an iCalendar file (icalendar library): one VEVENT per item."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from repurpose.errors import StoreError


def to_ics(items: Sequence, *, stamp: datetime | None = None) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//repurpose//outbox//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "repurpose outbox")
    stamp = stamp or datetime.now(UTC)
    for it in items:
        ev = icalendar.Event()
        ev.add("uid", f"{it.idempotency_key}@repurpose")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", it.due_at.astimezone(UTC))
        ev.add("dtend", it.due_at.astimezone(UTC) + timedelta(minutes=15))
        target = it.recipient or (f"post {it.position + 1}" if it.position is not None else "")
        label = f"{it.channel}: {it.summary or it.content or it.kind}"
        ev.add("summary", label if not target else f"{label} ({target})")
        ev.add(
            "description",
            "\n".join(
                line
                for line in (
                    f"article: {it.article_slug}",
                    f"content: {it.content or it.kind}",
                    f"state: {it.state}",
                    f"item: {it.id}",
                    f"calendar timezone: {it.tz}",
                    f"recipient: {it.recipient}" if it.recipient else "",
                )
                if line
            ),
        )
        ev.add("categories", [it.channel])
        ev.add(
            "status",
            {"cancelled": "CANCELLED", "sent": "CONFIRMED"}.get(it.state, "TENTATIVE"),
        )
        cal.add_component(ev)
    return cal.to_ical()


def write_ics(items: Sequence, path: str | Path) -> Path:
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
    return target
