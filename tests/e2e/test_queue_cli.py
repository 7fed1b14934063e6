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
    x_head = next(d for d in data if d["channel"] == "x" and d["position"] == 0)
    assert q(cli, ws, "cancel", str(x_head["id"])).code == 0
    data = listed(cli, ws)
    r = q(cli, ws, "export", "--ics", "plan.ics")
    assert r.code == 0, r.err
    parsed = icalendar.Calendar.from_ical((ws / "plan.ics").read_bytes())
    events = list(parsed.walk("VEVENT"))
    # one event per send: the email to the list, each thread, each single post
    sends = {(d["step"], d["due_at"]) for d in data}
    assert len(events) == len(sends) < len(data)
    assert f"wrote {len(events)} events ({len(data)} items)" in r.err
    assert len({str(e["UID"]) for e in events}) == len(events)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    [mail] = [e for s, e in by_summary.items() if s.startswith("email:")]
    mails = [d for d in data if d["channel"] == "email"]
    assert str(mail["SUMMARY"]).endswith(f"({len(mails)} recipients)")
    first_mail = next(d for d in data if d["channel"] == "email")
    assert mail.decoded("DTSTART") == datetime.fromisoformat(first_mail["due_at"])
    assert str(mail["STATUS"]) == "TENTATIVE"
    assert ", ".join(d["recipient"] for d in mails) in str(mail["DESCRIPTION"])
    [thread] = [e for s, e in by_summary.items() if s.startswith("x:") and "posts)" in s]
    posts = [d for d in data if d["step"] == "thread"]
    assert str(thread["SUMMARY"]).endswith(f"({len(posts)} posts)")
    assert str(thread["STATUS"]) == "CANCELLED"
    assert f"{len(posts)} cancelled" in str(thread["DESCRIPTION"])
    assert thread.decoded("DTSTART") == datetime.fromisoformat(posts[0]["due_at"])
    # times are UTC instants: 09:00 CET on 2030-03-26 is 08:00 UTC
    assert mail.decoded("DTSTART") == datetime(2030, 3, 26, 8, 0, tzinfo=UTC)


def test_cancel_thread_post_cancels_the_rest_of_the_thread(cli, ws):
    posts = [d for d in listed(cli, ws) if d["step"] == "thread"]
    assert len(posts) >= 3
    r = q(cli, ws, "cancel", str(posts[1]["id"]))
    assert r.code == 0, r.err
    n = len(posts) - 2
    assert f"cancelled item {posts[1]['id']} and the {n} later post" in r.err
    states = {d["id"]: d["state"] for d in listed(cli, ws)}
    assert [states[p["id"]] for p in posts] == ["scheduled"] + ["cancelled"] * (len(posts) - 1)
    shown = q(cli, ws, "show", str(posts[2]["id"]))
    assert f"thread: earlier post {posts[1]['id']} was cancelled" in shown.out
    alone = q(cli, ws, "retry", str(posts[2]["id"]))
    assert alone.code == 1 and f"retry item {posts[1]['id']} instead" in alone.err
    back = q(cli, ws, "retry", str(posts[1]["id"]))
    assert back.code == 0 and f"and the {n} later post" in back.err
    assert {d["state"] for d in listed(cli, ws) if d["step"] == "thread"} == {"scheduled"}


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
