"""Calendar errors name the file, the key path and the line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from repurpose.errors import CalendarError
from repurpose.resources import data_dir
from repurpose.schedule.calendar import expand, load_calendar, parse_calendar

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
BASE = """timezone: Europe/Berlin
start: 2025-04-01 09:00
steps:
  - id: mail
    channel: email
    content: digest
  - id: thread
    channel: x
    content: thread
    after: mail
    when: +2h
"""


def err(text: str) -> str:
    with pytest.raises(CalendarError) as info:
        parse_calendar(text, "schedules/c.yaml")
    return str(info.value)


def test_unknown_timezone():
    msg = err(BASE.replace("Europe/Berlin", "Europe/Atlantis"))
    assert msg.startswith("schedules/c.yaml:1: timezone: unknown timezone 'Europe/Atlantis'")


def test_unknown_channel():
    msg = err(BASE.replace("channel: x", "channel: fax"))
    assert msg.startswith("schedules/c.yaml:8: steps[1].channel: unknown channel 'fax'")
    assert "mastodon" in msg


def test_unknown_step_reference():
    msg = err(BASE.replace("after: mail", "after: mial"))
    assert msg.startswith("schedules/c.yaml:10: steps[1].after: unknown step 'mial'")


def test_cycle_between_steps():
    text = BASE.replace("  - id: mail\n", "  - id: mail\n    after: thread\n")
    msg = err(text)
    assert msg == "schedules/c.yaml:5: steps[0].after: cycle between steps: mail → thread → mail"


def test_unknown_key_and_bad_phrase_lines():
    assert err(BASE.replace("    when: +2h", "    wen: +2h")).startswith(
        "schedules/c.yaml:11: steps[1].wen: unknown key"
    )
    assert err(BASE.replace("when: +2h", "when: someday")).startswith(
        "schedules/c.yaml:11: steps[1].when: cannot read time phrase 'someday'"
    )


def test_content_not_for_channel():
    msg = err(BASE.replace("content: digest", "content: thread"))
    assert msg.startswith("schedules/c.yaml:4: steps[0]: channel email cannot send 'thread'")


def test_missing_timezone_and_malformed_yaml():
    assert err(BASE.replace("timezone: Europe/Berlin\n", "")).startswith(
        "schedules/c.yaml:1: timezone: missing"
    )
    msg = err(BASE + "  - id: [unclosed\n")
    assert msg.startswith("schedules/c.yaml:") and "malformed YAML" in msg


def test_slot_step_needs_slots():
    msg = err(BASE.replace("when: +2h", "when: next free slot"))
    assert msg.startswith("schedules/c.yaml:11: steps[1].when:") and "slots" in msg


def test_start_in_the_past_and_bad_override():
    c = parse_calendar(BASE, "schedules/c.yaml")
    with pytest.raises(CalendarError, match=r"c.yaml:2: start: start .* is in the past"):
        expand(c, now=datetime(2025, 5, 1, tzinfo=UTC))
    with pytest.raises(CalendarError, match=r"--start: .*in the past"):
        expand(c, now=NOW, start="2025-01-01 09:00")
    with pytest.raises(CalendarError, match="--start: cannot read"):
        expand(c, now=NOW, start="soonish")


def test_repeat_needs_an_end():
    c = parse_calendar(
        BASE.replace("    when: +2h\n", "    when: +2h\n    repeat: {every: 1d}\n"), "c.yaml"
    )
    with pytest.raises(CalendarError, match=r"c.yaml:12: steps\[1\].repeat: repeat needs"):
        expand(c, now=NOW)


def test_missing_file():
    with pytest.raises(CalendarError, match="not found"):
        load_calendar("no/such/calendar.yaml")


@pytest.mark.parametrize("name", ["launch", "weekly-newsletter", "faq-drip"])
def test_shipped_calendars_are_valid(name):
    path = Path(data_dir("schedules")) / f"{name}.yaml"
    c = load_calendar(path)
    assert c.name == name
    slots = expand(c, now=NOW, faq_counts={s.id: 3 for s in c.steps if s.content == "faq"})
    assert slots and all(s.at >= NOW for s in slots)
