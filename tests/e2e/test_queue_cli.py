"""`repurpose queue …` end to end: list, show with history, cancel/retry transitions, ICS, purge."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from repurpose.schedule.store import Outbox
from tests.conftest import EXAMPLES, FIXTURES

NOW = "2030-03-20T12:00:00"


@pytest.fixture
def ws(tmp_path, cli):
    for name in ("campaign.yaml", "audience.csv", "suppressed.txt"):
        shutil.copy(FIXTURES / "schedule" / name, tmp_path / name)
    r = cli(
        "schedule",
        str(EXAMPLES / "product-update.md"),
        "-c",
        "campaign.yaml",
        "--now",
        NOW,
        cwd=tmp_path,
    )
    assert r.code == 0, r.err
    return tmp_path


def q(cli, ws, *args):
    return cli("queue", *args, cwd=ws)


def listed(cli, ws, *args):
    r = q(cli, ws, "list", "--json", *args)
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_list_table_and_json(cli, ws):
    r = q(cli, ws, "list")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split()[:4] == ["ID", "DUE", "STATE", "CHANNEL"]
    assert "Tue 2030-03-26 09:00 CET" in lines[1] and "ada@example.com" in lines[1]
    data = listed(cli, ws)
    assert len(data) == len(lines) - 1
    assert [d["due_at"] for d in data] == sorted(d["due_at"] for d in data)
    emails = listed(cli, ws, "--article", "product-update")
    assert len(emails) == len(data)
    assert listed(cli, ws, "--article", "nothing-here") == []
    assert listed(cli, ws, "--status", "sent") == []


def test_show_with_attempt_history(cli, ws):
    first = listed(cli, ws)[0]
    with Outbox.open(f"sqlite:///{ws / 'repurpose.db'}") as store:
        when = datetime(2030, 3, 26, 8, 0, tzinfo=UTC)
        claimed = store.claim_due("w1", when, lease_seconds=60, limit=1)
        assert [c.id for c in claimed] == [first["id"]]
        store.mark_retry(
            first["id"], "w1", "421 try again later", when + timedelta(minutes=1), now=when
        )
    r = q(cli, ws, "show", str(first["id"]))
    assert r.code == 0, r.err
    assert "recipient:     ada@example.com" in r.out
    assert "subject:" in r.out
    assert "#1" in r.out and "retry" in r.out and "421 try again later" in r.out
    data = json.loads(q(cli, ws, "show", str(first["id"]), "--json").out)
    assert data["history"][0]["outcome"] == "retry" and data["attempts"] == 1
    missing = q(cli, ws, "show", "99999")
    assert missing.code == 1 and missing.err.strip() == "error: no outbox item 99999"


def test_cancel_and_retry_transitions(cli, ws):
    item = listed(cli, ws)[0]["id"]
    assert q(cli, ws, "cancel", str(item)).code == 0
    again = q(cli, ws, "cancel", str(item))
    assert again.code == 1
    assert (
        again.err.strip()
        == f"error: item {item} is cancelled; only scheduled items can be cancelled"
    )
    r = q(cli, ws, "retry", str(item))
    assert r.code == 0, r.err
    state = next(d for d in listed(cli, ws) if d["id"] == item)
    assert state["state"] == "scheduled"
    assert datetime.fromisoformat(state["due_at"]) <= datetime.now(UTC)
    bad = q(cli, ws, "retry", str(item))
    assert bad.code == 1 and "only failed, skipped or cancelled items can be retried" in bad.err
    r = q(cli, ws, "cancel", "--article", "product-update")
    assert r.code == 0 and "cancelled" in r.err
    assert {d["state"] for d in listed(cli, ws)} == {"cancelled"}
    usage = q(cli, ws, "cancel")
    assert usage.code == 2


def test_export_ics_parses_back(cli, ws):
    data = listed(cli, ws)
    r = q(cli, ws, "export", "--ics", "plan.ics")
    assert r.code == 0, r.err
    parsed = icalendar.Calendar.from_ical((ws / "plan.ics").read_bytes())
    events = list(parsed.walk("VEVENT"))
    assert len(events) == len(data)
    by_uid = {str(e["UID"]): e for e in events}
    for d in data:
        ev = by_uid[f"{d['idempotency_key']}@repurpose"]
        assert ev.decoded("DTSTART") == datetime.fromisoformat(d["due_at"])
        assert str(ev["SUMMARY"]).startswith(d["channel"] + ":")


def test_purge_sent_before(cli, ws):
    ids = [d["id"] for d in listed(cli, ws) if d["channel"] == "email"]
    with Outbox.open(f"sqlite:///{ws / 'repurpose.db'}") as store:
        when = datetime(2030, 3, 26, 8, 0, tzinfo=UTC)
        for c in store.claim_due("w1", when, lease_seconds=60, limit=10):
            if c.channel == "email":
                store.mark_sent(c.id, "w1", f"<m{c.id}@x>", 3, now=when)
    total = len(listed(cli, ws))
    r = q(cli, ws, "purge", "--sent-before", "2030-03-27")
    assert r.code == 0 and f"purged {len(ids)} sent items" in r.err
    assert len(listed(cli, ws)) == total - len(ids)
    bad = q(cli, ws, "purge", "--sent-before", "last week")
    assert bad.code == 2


def test_unreachable_db(cli, ws):
    r = q(cli, ws, "list", "--db", "postgresql://u:pw-999@127.0.0.1:1/x")
    assert r.code == 1 and "pw-999" not in r.err and len(r.err.strip().splitlines()) == 1
