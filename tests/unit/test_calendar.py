"""Calendar time arithmetic with a frozen clock: phrases, DST, relative steps, slots, repeats."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from repurpose.schedule.calendar import expand, parse_calendar
from repurpose.schedule.when import (
    next_slot,
    parse_slots,
    parse_when,
    resolve_local,
)

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def local(slot, tz):
    return slot.at.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z")


def cal(text: str):
    return parse_calendar(text, "cal.yaml")


# ---- wall-clock resolution ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "naive", "expected"),
    [
        # spring gaps: forward to the first valid minute
        (BERLIN, datetime(2025, 3, 30, 2, 30), "2025-03-30 03:00 CEST"),
        (NY, datetime(2025, 3, 9, 2, 15), "2025-03-09 03:00 EDT"),
        (LONDON, datetime(2025, 3, 30, 1, 45), "2025-03-30 02:00 BST"),
        # autumn overlaps: the first occurrence
        (BERLIN, datetime(2025, 10, 26, 2, 30), "2025-10-26 02:30 CEST"),
        (NY, datetime(2025, 11, 2, 1, 30), "2025-11-02 01:30 EDT"),
        # ordinary times untouched
        (BERLIN, datetime(2025, 3, 30, 9, 0), "2025-03-30 09:00 CEST"),
    ],
)
def test_resolve_local(tz, naive, expected):
    assert resolve_local(naive, tz).strftime("%Y-%m-%d %H:%M %Z") == expected


def test_ambiguous_time_is_the_first_occurrence_in_utc():
    at = resolve_local(datetime(2025, 11, 2, 1, 30), NY)
    assert at.astimezone(UTC) == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)


# ---- phrases ----------------------------------------------------------------------------------

NOW = datetime(2025, 3, 26, 14, 0, tzinfo=BERLIN)  # a Wednesday


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("next tuesday 09:00", "Tue 2025-04-01 09:00"),
        ("tuesday 09:00", "Tue 2025-04-01 09:00"),
        ("next wednesday 09:00", "Wed 2025-04-02 09:00"),
        ("wednesday 16:00", "Wed 2025-03-26 16:00"),
        ("wednesday 10:00", "Wed 2025-04-02 10:00"),
        ("tomorrow 08:30", "Thu 2025-03-27 08:30"),
        ("today 17:45", "Wed 2025-03-26 17:45"),
        ("friday", "Fri 2025-03-28 09:00"),
        ("10:30", "Thu 2025-03-27 10:30"),
        ("+2h", "Wed 2025-03-26 16:00"),
        ("+1d 10:30", "Thu 2025-03-27 10:30"),
        ("+1w", "Wed 2025-04-02 14:00"),
        ("2025-04-03 07:15", "Thu 2025-04-03 07:15"),
        ("2025-04-03", "Thu 2025-04-03 09:00"),
        ("2025-04-03T07:15:00+00:00", "Thu 2025-04-03 09:15"),
        ("now", "Wed 2025-03-26 14:00"),
    ],
)
def test_phrases(phrase, expected):
    at = parse_when(phrase, tz=BERLIN, base=NOW)
    assert at.astimezone(BERLIN).strftime("%a %Y-%m-%d %H:%M") == expected


def test_day_steps_keep_the_wall_time_across_dst():
    before = datetime(2025, 3, 29, 9, 0, tzinfo=BERLIN)  # Saturday before the spring change
    assert parse_when("+1d", tz=BERLIN, base=before).strftime("%H:%M %Z") == "09:00 CEST"
    # hours are elapsed time: 24 hours later the clock shows 10:00
    assert parse_when("+24h", tz=BERLIN, base=before).strftime("%H:%M %Z") == "10:00 CEST"
    autumn = datetime(2025, 11, 1, 9, 0, tzinfo=NY)
    assert parse_when("+1d", tz=NY, base=autumn).strftime("%H:%M %Z") == "09:00 EST"


# ---- slots (APScheduler CronTrigger) ----------------------------------------------------------


def test_slots_parse_and_fire_on_weekdays():
    rules = parse_slots("mon-fri 09:15, 16:00; sat 11:00")
    friday_evening = datetime(2025, 3, 28, 17, 0, tzinfo=BERLIN)
    assert next_slot(rules, BERLIN, friday_evening).strftime("%a %H:%M") == "Sat 11:00"
    assert (
        next_slot(rules, BERLIN, friday_evening + timedelta(days=1)).strftime("%a %H:%M")
        == "Mon 09:15"
    )


def test_slot_inside_the_spring_gap_moves_forward():
    rules = parse_slots("daily 02:30")
    at = next_slot(rules, BERLIN, datetime(2025, 3, 29, 12, 0, tzinfo=BERLIN))
    assert at.strftime("%Y-%m-%d %H:%M %Z") == "2025-03-30 03:00 CEST"
    again = next_slot(rules, BERLIN, at + timedelta(minutes=1))
    assert again.strftime("%Y-%m-%d %H:%M %Z") == "2025-03-31 02:30 CEST"


def test_slot_in_autumn_overlap_fires_once_first_occurrence():
    rules = parse_slots("daily 01:30")
    start = datetime(2025, 11, 1, 12, 0, tzinfo=NY)
    first = next_slot(rules, NY, start)
    assert first.astimezone(UTC) == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = next_slot(rules, NY, first + timedelta(minutes=1))
    assert second.strftime("%Y-%m-%d %H:%M %Z") == "2025-11-03 01:30 EST"


# ---- expansion -----------------------------------------------------------------------------------

LAUNCH = """
timezone: Europe/Berlin
start: next tuesday 09:00
slots:
  x: mon-fri 09:15, 16:00
steps:
  - id: mail
    channel: email
    content: digest
  - id: thread
    channel: x
    content: thread
    after: mail
    when: +2h
  - id: hook
    channel: linkedin
    content: post
    after: thread
    when: +1d 10:30
  - id: faq
    channel: x
    content: faq
    after: thread
    when: next free slot
"""


def test_relative_steps_and_slot_filling():
    c = cal(LAUNCH)
    now = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
    slots = expand(c, now=now, faq_counts={"faq": 3})
    got = [(s.step_id, s.occurrence, local(s, BERLIN)) for s in slots]
    assert got == [
        ("mail", 0, "Tue 2025-03-25 09:00 CET"),
        ("thread", 0, "Tue 2025-03-25 11:00 CET"),
        ("faq", 0, "Tue 2025-03-25 16:00 CET"),
        ("faq", 1, "Wed 2025-03-26 09:15 CET"),
        ("hook", 0, "Wed 2025-03-26 10:30 CET"),
        ("faq", 2, "Wed 2025-03-26 16:00 CET"),
    ]
    assert all(s.at.tzinfo is UTC for s in slots)
    assert [s.late_window_seconds for s in slots[:2]] == [6 * 3600, 3600]


def test_taken_slots_are_skipped():
    c = cal(LAUNCH)
    now = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
    busy = {datetime(2025, 3, 25, 15, 0, tzinfo=UTC)}  # Tue 16:00 CET
    slots = expand(
        c, now=now, faq_counts={"faq": 1}, taken=lambda ch, acc: busy if ch == "x" else set()
    )
    [faq] = [s for s in slots if s.step_id == "faq"]
    assert local(faq, BERLIN) == "Wed 2025-03-26 09:15 CET"


def test_start_override_and_dst_across_repeat():
    c = cal(
        """
timezone: America/New_York
start: 2025-03-06 09:00
steps:
  - id: daily
    channel: x
    content: post
    repeat: {every: 2d, count: 3}
  - id: weekly
    channel: mastodon
    content: post
    when: +0
    repeat: {on: [mon, thu], until: 2025-03-13}
"""
    )
    slots = expand(c, now=datetime(2025, 3, 1, tzinfo=UTC), start="2025-03-06 09:00")
    daily = [local(s, NY) for s in slots if s.step_id == "daily"]
    assert daily == [
        "Thu 2025-03-06 09:00 EST",
        "Sat 2025-03-08 09:00 EST",
        "Mon 2025-03-10 09:00 EDT",
    ]
    weekly = [local(s, NY) for s in slots if s.step_id == "weekly"]
    assert weekly == [
        "Thu 2025-03-06 09:00 EST",
        "Mon 2025-03-10 09:00 EDT",
        "Thu 2025-03-13 09:00 EDT",
    ]
    # 09:00 local is 14:00 UTC before the change and 13:00 UTC after it
    assert [s.at.hour for s in slots if s.step_id == "daily"] == [14, 14, 13]


def test_start_in_the_gap_and_autumn_overlap_in_europe():
    c = cal(
        """
timezone: Europe/London
start: 2025-10-26 01:30
steps:
  - {id: p, channel: x, content: post, repeat: {every: 1d, count: 2}}
"""
    )
    slots = expand(c, now=datetime(2025, 10, 1, tzinfo=UTC))
    assert [local(s, LONDON) for s in slots] == [
        "Sun 2025-10-26 01:30 BST",
        "Mon 2025-10-27 01:30 GMT",
    ]
    assert slots[0].at == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    spring = cal(
        """
timezone: Europe/London
start: 2025-03-30 01:30
steps: [{id: p, channel: x, content: post}]
"""
    )
    [s] = expand(spring, now=datetime(2025, 3, 1, tzinfo=UTC))
    assert local(s, LONDON) == "Sun 2025-03-30 02:00 BST"


def test_faq_without_repeat_posts_one_a_day_and_late_policy():
    c = cal(
        """
timezone: Europe/Berlin
start: 2025-04-01 12:00
late_window: 2h
steps:
  - {id: f, channel: bluesky, content: faq, late: skip}
  - {id: t, channel: x, content: thread, late_window: 30m}
"""
    )
    slots = expand(c, now=datetime(2025, 3, 1, tzinfo=UTC), faq_counts={"f": 3})
    f = [s for s in slots if s.step_id == "f"]
    assert [local(s, BERLIN)[4:14] for s in f] == ["2025-04-01", "2025-04-02", "2025-04-03"]
    assert {(s.late_policy, s.late_window_seconds) for s in f} == {("skip", 7200)}
    [t] = [s for s in slots if s.step_id == "t"]
    assert (t.late_policy, t.late_window_seconds) == ("send_late", 1800)


def test_expand_is_deterministic():
    c = cal(LAUNCH)
    now = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
    assert expand(c, now=now, faq_counts={"faq": 2}) == expand(c, now=now, faq_counts={"faq": 2})


@pytest.mark.parametrize(
    ("zone", "start", "utc_hours"),
    [
        # Europe spring (30 Mar 2025): 09:00 CET = 08:00 UTC, then 09:00 CEST = 07:00 UTC
        ("Europe/Berlin", "2025-03-29 09:00", [8, 7, 7]),
        # Europe autumn (26 Oct 2025): 09:00 CEST = 07:00 UTC, then 09:00 CET = 08:00 UTC
        ("Europe/Berlin", "2025-10-25 09:00", [7, 8, 8]),
        # US spring (9 Mar 2025): 09:00 EST = 14:00 UTC, then 09:00 EDT = 13:00 UTC
        ("America/New_York", "2025-03-08 09:00", [14, 13, 13]),
        # US autumn (2 Nov 2025): 09:00 EDT = 13:00 UTC, then 09:00 EST = 14:00 UTC
        ("America/New_York", "2025-11-01 09:00", [13, 14, 14]),
    ],
)
def test_every_kind_of_step_keeps_0900_local_across_each_transition(zone, start, utc_hours):
    """Daily repeats, weekday repeats, '+1d' steps after another step and posting slots all
    land on 09:00 local on both sides of the change; '+2h' stays two real hours."""
    c = cal(
        f"""
timezone: {zone}
start: {start}
slots:
  bluesky: daily 09:00
steps:
  - {{id: daily, channel: x, content: post, repeat: {{every: 1d, count: 3}}}}
  - {{id: weekdays, channel: mastodon, content: post, repeat: {{on: "sat,sun,mon", count: 3}}}}
  - {{id: next-day, channel: linkedin, content: post, after: daily, when: +1d}}
  - {{id: later, channel: threads, content: post, after: next-day, when: +2h}}
  - {{id: drip, channel: bluesky, content: faq, when: next free slot}}
"""
    )
    tz = ZoneInfo(zone)
    slots = expand(c, now=datetime(2025, 1, 1, tzinfo=UTC), faq_counts={"drip": 3})
    by = {}
    for s in slots:
        by.setdefault(s.step_id, []).append(s)
    for step in ("daily", "weekdays", "drip"):
        assert [s.at.astimezone(tz).strftime("%H:%M") for s in by[step]] == ["09:00"] * 3, step
        assert [s.at.hour for s in by[step]] == utc_hours, step
        days = [s.at.astimezone(tz).date() for s in by[step]]
        assert [(b - a).days for a, b in itertools.pairwise(days)] == [1, 1], step
    [nd] = by["next-day"]
    assert nd.at.astimezone(tz).strftime("%H:%M") == "09:00" and nd.at.hour == utc_hours[1]
    [later] = by["later"]
    assert later.at - nd.at == timedelta(hours=2)
