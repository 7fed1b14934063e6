"""Time phrases of publishing calendars, resolved the way a person reads a wall clock.

All functions are pure: they take `now` / a base time and a timezone and return aware datetimes.

Local wall times resolve like this across daylight-saving changes:
- a time that does not exist (inside a spring-forward gap) moves forward to the first valid
  minute after the gap (02:30 on the night clocks jump 02:00 → 03:00 becomes 03:00);
- a time that exists twice (autumn overlap) takes the first occurrence;
- day steps ("+1d", "every 2 days", weekdays) move the local date and keep the wall time, so
  09:00 stays 09:00 local on both sides of a transition.

APScheduler's CronTrigger does the weekday/time matching for posting slots and weekday repeats;
its results are re-resolved through `resolve_local` so gaps and overlaps follow the rules above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {
    **{d: i for i, d in enumerate(WEEKDAYS)},
    **{
        n: i
        for i, n in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "wednes": 2,
    "thur": 3,
    "thurs": 3,
}


class WhenError(ValueError):
    """A phrase that cannot be understood; the caller adds file/key/line."""


def zone(name: str) -> ZoneInfo:
    try:
        if not name or name != name.strip() or name.startswith("/"):
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise WhenError(
            f"unknown timezone {name!r} (use an IANA name such as Europe/Berlin or America/New_York)"
        ) from None


def _valid(naive: datetime, tz: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def resolve_local(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` → aware datetime (gap: forward to first valid minute; overlap: first)."""
    naive = naive.replace(tzinfo=None, fold=0)
    if _valid(naive, tz):
        return naive.replace(tzinfo=tz, fold=0)
    probe = naive.replace(second=0, microsecond=0)
    for _ in range(48 * 60):  # gaps are at most a day (Samoa 2011); minutes are enough
        probe += timedelta(minutes=1)
        if _valid(probe, tz):
            return probe.replace(tzinfo=tz, fold=0)
    raise WhenError(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key}")  # pragma: no cover


def fmt_local(at: datetime, tz: ZoneInfo) -> str:
    """'Tue 2025-03-25 09:00 CET'."""
    local = at.astimezone(tz)
    return f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}"


# ---- durations -----------------------------------------------------------------------------

_DUR = re.compile(r"(\d+)\s*(w|d|h|m|min|s)", re.I)
_DUR_FULL = re.compile(r"^(?:\s*\d+\s*(?:w|d|h|min|m|s)\s*)+$", re.I)


@dataclass(frozen=True)
class Offset:
    """'+1d 10:30' → days=1, at=10:30; '+2h' → clock=2h. Days move the local date."""

    days: int = 0
    clock: timedelta = timedelta(0)
    at: time | None = None


def parse_duration(text: str) -> timedelta:
    """'2h', '90m', '1d', '1h30m', '1w' → timedelta (a plain number means hours)."""
    s = str(text).strip()
    if re.fullmatch(r"\d+", s):
        return timedelta(hours=int(s))
    if not _DUR_FULL.match(s):
        raise WhenError(f"cannot read duration {text!r} (examples: 30m, 2h, 1d, 1h30m)")
    total = timedelta(0)
    for n, unit in _DUR.findall(s):
        unit = unit.lower()
        total += {
            "w": timedelta(weeks=int(n)),
            "d": timedelta(days=int(n)),
            "h": timedelta(hours=int(n)),
            "m": timedelta(minutes=int(n)),
            "min": timedelta(minutes=int(n)),
            "s": timedelta(seconds=int(n)),
        }[unit]
    return total


def parse_clock(text: str) -> time:
    m = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*", text, re.I)
    if not m:
        raise WhenError(f"cannot read time of day {text!r} (write HH:MM, e.g. 09:15)")
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        if not 1 <= h <= 12:
            raise WhenError(f"cannot read time of day {text!r}")
        h = h % 12 + (12 if m.group(3).lower() == "pm" else 0)
    if h > 23 or mi > 59:
        raise WhenError(f"time of day out of range: {text!r}")
    return time(h, mi)


def parse_offset(text: str) -> Offset:
    """'+2h', '+1d 10:30', '+1w', '+0' → Offset."""
    s = str(text).strip()
    m = re.fullmatch(r"\+\s*([0-9a-z ]*?)\s*(?:(?:at\s+)?(\d{1,2}:\d{2}))?\s*", s, re.I)
    if not m or (not m.group(1) and not m.group(2)):
        raise WhenError(f"cannot read relative time {text!r} (examples: +2h, +1d 10:30, +1w)")
    days, clock = 0, timedelta(0)
    if m.group(1) and m.group(1) != "0":
        parse_duration(m.group(1))  # validates
        for n, unit in _DUR.findall(m.group(1)):
            if unit.lower() in ("d", "w"):  # calendar days: the wall time is kept
                days += int(n) * (7 if unit.lower() == "w" else 1)
            else:  # elapsed time
                clock += parse_duration(n + unit)
    at = parse_clock(m.group(2)) if m.group(2) else None
    return Offset(days=days, clock=clock, at=at)


def apply_offset(base: datetime, off: Offset, tz: ZoneInfo) -> datetime:
    """Days move the local calendar date (wall time kept or replaced by `at`); hours/minutes are
    added as elapsed time."""
    local = base.astimezone(tz).replace(tzinfo=None)
    if off.days or off.at is not None:
        day = local.date() + timedelta(days=off.days)
        clock = off.at if off.at is not None else local.time()
        result = resolve_local(datetime.combine(day, clock), tz)
    else:
        result = base.astimezone(tz)
    return (result.astimezone(UTC) + off.clock).astimezone(tz)


# ---- phrases ---------------------------------------------------------------------------------

SLOT_PHRASES = {"next free slot", "next slot", "free slot", "slot"}
DEFAULT_CLOCK = time(9, 0)


def is_slot_phrase(text: str) -> bool:
    return str(text).strip().lower() in SLOT_PHRASES


def _day_index(word: str) -> int | None:
    w = word.lower()
    return _DAY_NAMES.get(w, _DAY_NAMES.get(w.rstrip("s")))


def parse_absolute(text: str, tz: ZoneInfo) -> datetime | None:
    """ISO-like '2025-03-30 09:00' / '2025-03-30T09:00:00+02:00' / '2025-03-30' (09:00)."""
    s = str(text).strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", s):
        return None
    try:
        dt = datetime.fromisoformat(s.replace(" ", "T", 1) if "T" not in s else s)
    except ValueError:
        try:
            d = date.fromisoformat(s)
        except ValueError:
            raise WhenError(f"cannot read date-time {text!r} (write 2025-03-30 09:00)") from None
        dt = datetime.combine(d, DEFAULT_CLOCK)
    if len(s) == 10:
        dt = datetime.combine(dt.date(), DEFAULT_CLOCK)
    if dt.tzinfo is not None:
        return dt.astimezone(tz)
    return resolve_local(dt, tz)


def parse_when(text: str, *, tz: ZoneInfo, base: datetime) -> datetime:
    """A point in time relative to `base` (an aware datetime: `now` for a start, the calendar start
    or another step's time for a step). Understands:

    - absolute: '2025-03-30 09:00', '2025-03-30T09:00+02:00', '2025-03-30' (09:00)
    - relative: '+2h', '+1d 10:30', '+1w', '+0'
    - day phrases: 'now', 'today 17:00', 'tomorrow 09:00', 'tuesday 09:00' (the next Tuesday
      at or after base), 'next tuesday 09:00' (strictly after base's day), '10:30' (the next
      10:30 at or after base). A missing time of day means 09:00.
    """
    s = " ".join(str(text).strip().split())
    low = s.lower()
    if not s:
        raise WhenError("empty time phrase")
    absolute = parse_absolute(s, tz)
    if absolute is not None:
        return absolute
    if low.startswith("+"):
        return apply_offset(base, parse_offset(low), tz)
    if low == "now":
        return base.astimezone(tz)
    local = base.astimezone(tz)
    words = low.replace(" at ", " ").split()
    clock: time | None = None
    if words and re.fullmatch(r"\d{1,2}(:\d{2})?(am|pm)?", words[-1]):
        clock = parse_clock(words.pop())
    if words and words[-1] in ("am", "pm") and clock is None:  # "9 am"
        raise WhenError(f"cannot read time phrase {text!r}")
    day: date
    if not words:
        if clock is None:
            raise WhenError(f"cannot read time phrase {text!r}")
        cand = resolve_local(datetime.combine(local.date(), clock), tz)
        if cand < local:
            cand = resolve_local(datetime.combine(local.date() + timedelta(days=1), clock), tz)
        return cand
    if words == ["today"]:
        day = local.date()
    elif words == ["tomorrow"]:
        day = local.date() + timedelta(days=1)
    elif len(words) in (1, 2) and (len(words) == 1 or words[0] in ("next", "this", "on")):
        idx = _day_index(words[-1])
        if idx is None:
            raise WhenError(
                f"cannot read time phrase {text!r} (examples: next tuesday 09:00, +2h, "
                "2025-03-30 09:00)"
            )
        ahead = (idx - local.weekday()) % 7
        if words[0] == "next" and ahead == 0:
            ahead = 7
        day = local.date() + timedelta(days=ahead)
        if ahead == 0 and clock is not None:
            cand = resolve_local(datetime.combine(day, clock), tz)
            if cand < local:
                day += timedelta(days=7)
    else:
        raise WhenError(
            f"cannot read time phrase {text!r} (examples: next tuesday 09:00, +2h, "
            "2025-03-30 09:00)"
        )
    return resolve_local(datetime.combine(day, clock or DEFAULT_CLOCK), tz)


# ---- posting slots and weekday repeats (APScheduler CronTrigger) -----------------------------


@dataclass(frozen=True)
class SlotRule:
    days: str  # cron day_of_week expression: "mon-fri", "mon,wed", "*"
    at: time


def _parse_days(text: str) -> str:
    s = text.strip().lower()
    if s in ("daily", "every day", "*", "all", ""):
        return "*"
    if s in ("weekdays", "workdays"):
        return "mon-fri"
    if s in ("weekends", "weekend"):
        return "sat,sun"
    parts = []
    for chunk in re.split(r"\s*,\s*|\s+", s):
        if not chunk:
            continue
        ends = chunk.split("-")
        if len(ends) > 2 or any(_day_index(e) is None for e in ends):
            raise WhenError(f"cannot read weekdays {text!r} (examples: mon-fri, tue,thu, daily)")
        parts.append("-".join(WEEKDAYS[_day_index(e)] for e in ends))
    return ",".join(parts)


def parse_slots(spec: str | list[str]) -> list[SlotRule]:
    """'mon-fri 09:15, 16:00; sat 11:00' (or a YAML list of such groups) → rules."""
    groups = spec if isinstance(spec, list) else re.split(r"\s*;\s*", str(spec))
    rules: list[SlotRule] = []
    for group in groups:
        g = str(group).strip()
        if not g:
            continue
        m = re.match(r"^(.*?)\s*((?:\d{1,2}:\d{2}\s*,?\s*)+)$", g)
        if not m:
            raise WhenError(f"cannot read slots {g!r} (example: mon-fri 09:15, 16:00)")
        days = _parse_days(m.group(1))
        for clock in re.findall(r"\d{1,2}:\d{2}", m.group(2)):
            rules.append(SlotRule(days, parse_clock(clock)))
    if not rules:
        raise WhenError(f"no slots in {spec!r} (example: mon-fri 09:15, 16:00)")
    return rules


def parse_weekdays(spec: str | list[str]) -> str:
    text = ",".join(spec) if isinstance(spec, list) else str(spec)
    return _parse_days(text)


def _cron(days: str, at: time, tz: ZoneInfo):
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(day_of_week=days, hour=at.hour, minute=at.minute, second=0, timezone=tz)


def next_cron(days: str, at: time, tz: ZoneInfo, after: datetime) -> datetime:
    """The first local `at` on one of `days` at or after `after`, DST-resolved."""
    trigger = _cron(days, at, tz)
    probe = after.astimezone(tz)
    for _ in range(16):
        fire = trigger.get_next_fire_time(None, probe)
        if fire is None:  # pragma: no cover - cron without an end always fires
            raise WhenError(f"no time matches {days} {at:%H:%M}")
        # APScheduler may hand back a wall time inside a DST gap; resolve it as a person would.
        resolved = resolve_local(fire.replace(tzinfo=None), tz)
        if resolved >= after:
            return resolved
        probe = fire.astimezone(UTC) + timedelta(minutes=1)
    raise WhenError(f"no time matches {days} {at:%H:%M}")  # pragma: no cover


def next_slot(rules: list[SlotRule], tz: ZoneInfo, after: datetime) -> datetime:
    return min(next_cron(r.days, r.at, tz, after) for r in rules)
