"""The calendar tab: outbox items on a month and a week grid, in the calendar's timezone,
coloured by state. Items are read through the outbox store (repurpose.schedule.store); this module
never talks SQL itself.

Email items are one row per recipient; on the grid they are one entry per send ("Email · 3
recipients") whose colour is the state most worth attention (failed > sending > scheduled >
skipped > cancelled > sent).
"""

from __future__ import annotations

import calendar as _cal
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from repurpose.preview.markup import Raw, h, join
from repurpose.preview.pages import PLATFORM_LABELS, CalendarItem, CalendarView

STATES = ("scheduled", "sending", "sent", "failed", "cancelled", "skipped")
_ATTENTION = ("failed", "sending", "scheduled", "skipped", "cancelled", "sent")
DOW = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _get(row: Any, key: str, default: Any = None) -> Any:
    if isinstance(row, Mapping):
        return row.get(key, default)
    return getattr(row, key, default)


def view_from_rows(
    rows: Iterable[Any], *, scope: str, now: datetime | None = None, tz: str | None = None
) -> CalendarView:
    """Group outbox rows into calendar entries in one timezone (the most common `tz` of the rows,
    unless given)."""
    rows = list(rows)
    if tz is None:
        zones = Counter(_get(r, "tz") or "UTC" for r in rows)
        # most common first; ties broken by name so the choice is stable
        tz = min(zones.items(), key=lambda kv: (-kv[1], kv[0]))[0] if zones else "UTC"
    zone = _zone(tz)
    groups: dict[tuple, list[Any]] = {}
    for r in rows:
        due = _get(r, "due_at")
        if due is None:
            continue
        if due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        kind = _get(r, "kind") or ""
        key = (
            _get(r, "article_slug") or "",
            _get(r, "channel") or "",
            _get(r, "account") or "",
            kind,
            due,
            # one send to many recipients is one entry; every post is its own
            (_get(r, "step"), _get(r, "summary")) if kind == "email" else _get(r, "id"),
        )
        groups.setdefault(key, []).append(r)
    items: list[CalendarItem] = []
    for (slug, channel, account, kind, due, _), members in groups.items():
        states = Counter(_get(m, "state") or "scheduled" for m in members)
        state = next((s for s in _ATTENTION if states.get(s)), "scheduled")
        first = members[0]
        label = _label(channel, kind, first, len(members), states)
        items.append(
            CalendarItem(
                id=_get(first, "id"),
                local=due.astimezone(zone),
                channel=channel,
                account=account,
                kind=kind,
                state=state,
                article_slug=slug,
                label=label,
                position=_get(first, "position"),
            )
        )
    items.sort(key=lambda i: (i.local, i.channel, i.position or 0, str(i.id)))
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    return CalendarView(status="ok", tz=tz, scope=scope, items=items, today=today)


def _label(channel: str, kind: str, row: Any, n: int, states: Counter) -> str:
    name = PLATFORM_LABELS.get(channel, channel.capitalize() if channel else "?")
    if kind == "email" or channel == "email":
        who = f"{n} recipient{'s' if n != 1 else ''}"
        done = states.get("sent", 0)
        summary = (_get(row, "summary") or "").strip()
        label = f"Email · {summary}" if summary else "Email"
        return f"{label} · {who}" + (f" ({done} sent)" if done and done != n else "")
    pos = _get(row, "position")
    summary = (_get(row, "summary") or "").strip()
    head = f"{name} post {pos + 1 if isinstance(pos, int) else ''}".rstrip()
    return f"{head} · {summary}" if summary else head


# ---- reading through the store ------------------------------------------------------------------


def _sqlite_path(url: str) -> Path | None:
    """The file of a sqlite URL or bare path (None for in-memory or other databases)."""
    url = url.strip()
    if "://" not in url:
        url = f"sqlite:///{url}"
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    if not rest or rest.startswith(":memory:"):
        return None
    return Path(rest.split("?", 1)[0])


def load_calendar(
    db: str | None,
    *,
    slug: str | None,
    all_items: bool,
    settings: Any = None,
    now: datetime | None = None,
) -> CalendarView:
    scope = "all articles" if all_items else "this article"
    if not db:
        return CalendarView(status="none", message="No outbox database is configured.", scope=scope)
    path = _sqlite_path(db)
    if path is not None and not path.exists():
        # Opening would create an empty database as a side effect of looking: don't.
        return CalendarView(
            status="none",
            scope=scope,
            message=f"No outbox database yet ({path} does not exist): nothing is scheduled. "
            "Run `repurpose schedule ARTICLE` to plan this article, or pass --db URL.",
        )
    try:
        from repurpose.schedule import store as store_mod
    except ImportError:
        return CalendarView(
            status="none", scope=scope, message="The outbox store is not part of this install."
        )
    from repurpose.errors import RepurposeError

    try:
        rows = _read_rows(store_mod, db, None if all_items else slug)
    except RepurposeError as exc:
        return CalendarView(status="error", scope=scope, message=str(exc))
    except Exception as exc:
        return CalendarView(
            status="error",
            scope=scope,
            message=f"cannot read the outbox: {type(exc).__name__}: {exc}",
        )
    return view_from_rows(rows, scope=scope, now=now)


def _read_rows(store_mod: Any, db: str, slug: str | None) -> list[Any]:
    outbox = store_mod.Outbox.open(db)
    try:
        return list(outbox.list_items(article=slug))
    finally:
        close = getattr(outbox, "close", None)
        if close:
            close()


# ---- the grid ------------------------------------------------------------------------------------


def _chip(item: CalendarItem, *, show_slug: bool) -> Raw:
    time = item.local.strftime("%H:%M")
    text = f"{time} {item.label}"
    if show_slug:
        text += f" · {item.article_slug}"
    return h(
        "span",
        {
            "class_": f"chip state-{item.state}",
            "title": f"{text} — {item.state} ({item.local.isoformat()})",
            "data-state": item.state,
        },
        text,
    )


def _by_day(items: list[CalendarItem]) -> dict[date, list[CalendarItem]]:
    days: dict[date, list[CalendarItem]] = {}
    for it in items:
        days.setdefault(it.local.date(), []).append(it)
    return days


def _day_cell(
    day: date, items: list[CalendarItem], *, other: bool, today: date | None, show_slug: bool
) -> Raw:
    cls = "cal-day" + (" other" if other else "") + (" today" if day == today else "")
    return h(
        "div",
        {"class_": cls, "data-date": day.isoformat()},
        h(
            "div",
            {"class_": "cal-date"},
            f"{day.day}" if other else f"{DOW[day.weekday()]} {day.day}",
        ),
        [_chip(i, show_slug=show_slug) for i in items],
    )


def _months(
    view: CalendarView, days: dict[date, list[CalendarItem]]
) -> tuple[list[Raw], list[str]]:
    first = min(days) if days else view.today
    last = max(days) if days else view.today
    out, keys = [], []
    y, m = first.year, first.month
    show_slug = view.scope != "this article"
    while (y, m) <= (last.year, last.month):
        key = f"{y:04d}-{m:02d}"
        keys.append(key)
        weeks = _cal.Calendar(firstweekday=0).monthdatescalendar(y, m)
        cells = [h("div", {"class_": "cal-dow"}, d) for d in DOW]
        for week in weeks:
            for d in week:
                cells.append(
                    _day_cell(
                        d,
                        days.get(d, []) if d.month == m else [],
                        other=d.month != m,
                        today=view.today,
                        show_slug=show_slug,
                    )
                )
        out.append(
            h(
                "div",
                {"class_": "cal-period cal-month", "data-view": "month", "data-key": key},
                h("h3", {}, date(y, m, 1).strftime("%B %Y")),
                h("div", {"class_": "cal-grid"}, cells),
            )
        )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out, keys


def _weeks(view: CalendarView, days: dict[date, list[CalendarItem]]) -> tuple[list[Raw], list[str]]:
    first = min(days) if days else view.today
    last = max(days) if days else view.today
    start = first - timedelta(days=first.weekday())
    out, keys = [], []
    show_slug = view.scope != "this article"
    while start <= last:
        iso = start.isocalendar()
        key = f"{iso.year:04d}-W{iso.week:02d}"
        keys.append(key)
        span = [start + timedelta(days=i) for i in range(7)]
        out.append(
            h(
                "div",
                {"class_": "cal-period cal-week", "data-view": "week", "data-key": key},
                h("h3", {}, f"Week {iso.week}, {span[0]:%d %b} – {span[-1]:%d %b %Y}"),
                h(
                    "div",
                    {"class_": "cal-grid"},
                    [
                        _day_cell(
                            d, days.get(d, []), other=False, today=view.today, show_slug=show_slug
                        )
                        for d in span
                    ],
                ),
            )
        )
        start += timedelta(days=7)
    # weeks with nothing planned between two busy ones are kept: the gap is information too
    return out, keys


def _default_key(keys: list[str], key_of_today: str) -> str:
    """The period holding today, else the next one with items, else the last one."""
    if key_of_today in keys:
        return key_of_today
    later = [k for k in keys if k > key_of_today]
    return later[0] if later else keys[-1]


def calendar_html(view: CalendarView | None) -> Raw:
    if view is None:
        return h("p", {"class_": "empty"}, "The calendar appears once the article renders.")
    if view.status != "ok":
        cls = "error-panel" if view.status == "error" else "card"
        return h(
            "div",
            {"class_": cls, "id": "calendar-view", "data-status": view.status},
            h("p", {}, view.message),
        )
    days = _by_day(view.items)
    today = view.today or date.today()
    view.today = today
    months, mkeys = _months(view, days)
    weeks, wkeys = _weeks(view, days)
    iso = today.isocalendar()
    counts = Counter(i.state for i in view.items)
    legend = h(
        "div",
        {"class_": "cal-legend"},
        [h("span", {"class_": f"state-{s}"}, f"{s} {counts.get(s, 0)}") for s in STATES],
    )
    head = h(
        "div",
        {"class_": "cal-head"},
        h(
            "div",
            {"class_": "toolbar cal-nav"},
            h(
                "div",
                {"class_": "group", "role": "group", "aria-label": "Calendar view"},
                h(
                    "button",
                    {"type": "button", "data-cal-view": "week", "aria-pressed": "false"},
                    "Week",
                ),
                h(
                    "button",
                    {"type": "button", "data-cal-view": "month", "aria-pressed": "true"},
                    "Month",
                ),
            ),
            h("button", {"type": "button", "id": "cal-prev", "aria-label": "Previous"}, "‹"),
            h("button", {"type": "button", "id": "cal-next", "aria-label": "Next"}, "›"),
        ),
        h(
            "span",
            {"class_": "muted"},
            f"{len(view.items)} planned item{'s' if len(view.items) != 1 else ''} for {view.scope}; "
            f"times in {view.tz}.",
        ),
    )
    empty = (
        h("p", {"class_": "empty"}, f"Nothing is planned for {view.scope} yet.")
        if not view.items
        else None
    )
    return h(
        "div",
        {
            "id": "calendar-view",
            "data-status": "ok",
            "data-tz": view.tz,
            "data-default-month": _default_key(mkeys, f"{today:%Y-%m}"),
            "data-default-week": _default_key(wkeys, f"{iso.year:04d}-W{iso.week:02d}"),
        },
        head,
        legend,
        empty,
        join(months, weeks),
    )
