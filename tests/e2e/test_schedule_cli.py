"""`repurpose schedule` end to end: plan table, one transaction, idempotency, bad input."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES, ROOT

ARTICLE = str(EXAMPLES / "product-update.md")
NOW = "2030-03-20T12:00:00"


@pytest.fixture
def ws(tmp_path):
    """A workspace: config with a suppression list, the campaign calendar and its audience."""
    for name in ("campaign.yaml", "audience.csv", "suppressed.txt"):
        shutil.copy(FIXTURES / "schedule" / name, tmp_path / name)
    (tmp_path / "repurpose.toml").write_text('[email]\nsuppression = "suppressed.txt"\n')
    return tmp_path


def schedule(cli, ws, *extra, env=None):
    return cli(
        "schedule", ARTICLE, "--calendar", "campaign.yaml", "--now", NOW, *extra, cwd=ws, env=env
    )


def items(ws):
    path = ws / "repurpose.db"
    if not path.exists():
        return None
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT channel, recipient, position, due_at FROM items ORDER BY id"
        ).fetchall()


def test_schedule_prints_plan_and_is_idempotent(cli, ws):
    r = schedule(cli, ws)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].split() == ["WHEN", "CHANNEL", "CONTENT", "ITEMS", "FIRST", "WORDS"]
    assert lines[1].startswith("Tue 2030-03-26 09:00 CET  email")
    assert "2 recipients" in lines[1]
    assert any(
        line.startswith("Tue 2030-03-26 11:00 CET  x") and "thread" in line for line in lines
    )
    assert any(line.startswith("Wed 2030-03-27 10:30 CET  linkedin  post") for line in lines)
    assert "1 suppressed" in r.err and "scheduled" in r.err
    rows = items(ws)
    recipients = [row[1] for row in rows if row[0] == "email"]
    assert recipients == ["ada@example.com", "grace@example.org"]  # suppressed address left out
    thread = [row[2] for row in rows if row[0] == "x" and row[2] is not None]
    assert thread == list(range(len(thread))) and len(thread) >= 2
    # due times are stored in UTC: 09:00 CET is 08:00 UTC
    assert rows[0][3].startswith("2030-03-26 08:00:00")

    again = schedule(cli, ws)
    assert again.code == 0
    assert "nothing new" in again.err
    assert "already scheduled" in again.out
    assert items(ws) == rows


def test_dry_run_writes_nothing(cli, ws):
    r = schedule(cli, ws, "--dry-run")
    assert r.code == 0, r.err
    assert "email" in r.out and "dry run" in r.err
    assert not (ws / "repurpose.db").exists()


def test_start_override_moves_everything(cli, ws):
    r = schedule(cli, ws, "--start", "2030-04-02 08:00")
    assert r.code == 0, r.err
    assert r.out.splitlines()[1].startswith("Tue 2030-04-02 08:00 CEST  email")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("Europe/Berlin", "Mars/Olympus"),
            "campaign.yaml:2: timezone: unknown timezone 'Mars/Olympus'",
        ),
        (("after: thread", "after: threat"), "steps[3].after: unknown step 'threat'"),
        (("  - id: mail\n", "  - id: mail\n    after: hook\n"), "cycle between steps"),
        (("channel: linkedin", "channel: myspace"), "steps[2].channel: unknown channel 'myspace'"),
        (("2030-03-26 09:00", "2030-03-01 09:00"), "is in the past"),
    ],
)
def test_bad_calendar_fails_cleanly(cli, ws, edit, expected):
    path = ws / "campaign.yaml"
    path.write_text(path.read_text().replace(*edit))
    r = schedule(cli, ws)
    assert r.code == 1
    assert expected in r.err
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert not items(ws)


def test_start_in_the_past_on_the_command_line(cli, ws):
    r = schedule(cli, ws, "--start", "2030-03-19 09:00")
    assert r.code == 1 and "--start" in r.err and "in the past" in r.err
    assert not items(ws)


def test_broken_audience_fails_cleanly(cli, ws):
    (ws / "audience.csv").write_text(
        "email,name\nada@example.com,Ada\nnot an address,Bob\nada@example.com,Ada\n"
    )
    r = schedule(cli, ws)
    assert r.code == 1
    assert (
        "audience.csv:3: audience row: invalid email address 'not an address' (and 1 more bad rows)"
        in r.err
    )
    assert len(r.err.strip().splitlines()) == 1
    assert not items(ws)


def test_shipped_calendar_without_audience_says_what_to_do(cli, ws):
    """A new user's first try: a packaged calendar with an email step and no audience yet."""
    (ws / "repurpose.toml").unlink()
    r = cli("schedule", ARTICLE, "-c", "launch", cwd=ws)
    assert r.code == 1
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert "launch.yaml:" in r.err and "steps[0].channel" in r.err
    assert "no audience is set: pass --audience FILE.csv" in r.err
    assert not (ws / "repurpose.db").exists()
    # the example audience in examples/ is the documented way to try it
    r = cli(
        "schedule", ARTICLE, "-c", "launch", "--audience", str(EXAMPLES / "audience.csv"), cwd=ws
    )
    assert r.code == 0, r.err
    assert "3 recipients" in r.out.splitlines()[1]


def test_audience_all_suppressed_fails_cleanly(cli, ws):
    (ws / "suppressed.txt").write_text("ada@example.com\ngrace@example.org\ngone@example.net\n")
    r = schedule(cli, ws)
    assert r.code == 1
    assert "audience.csv: every address of the audience is on the suppression list" in r.err
    assert not (ws / "repurpose.db").exists()


def test_failed_schedule_leaves_an_existing_outbox_as_it_was(cli, ws):
    assert schedule(cli, ws).code == 0
    before = items(ws)
    path = ws / "campaign.yaml"
    text = path.read_text()
    for edit in (("after: thread", "after: threat"), ("Europe/Berlin", "Europe/Nowhere")):
        path.write_text(text.replace("name: campaign", "name: other").replace(*edit))
        r = schedule(cli, ws)
        assert r.code == 1 and len(r.err.strip().splitlines()) == 1
        assert items(ws) == before
    (ws / "audience.csv").write_text("email,name\nnew@example.com,New\nbroken,Row\n")
    path.write_text(text.replace("name: campaign", "name: other"))
    r = schedule(cli, ws)
    assert r.code == 1 and "audience.csv:3" in r.err
    assert items(ws) == before


def test_rescheduling_an_edited_article_refuses_a_second_version(cli, ws):
    """After an edit the items get new keys; adding them would send both versions."""
    article = ws / "product-update.md"
    article.write_text(Path(ARTICLE).read_text(encoding="utf-8"), encoding="utf-8")
    run = ("schedule", str(article), "-c", "campaign.yaml", "--now", NOW)
    assert cli(*run, cwd=ws).code == 0
    before = items(ws)
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Lantern 3.2", "Lantern 3.3"), encoding="utf-8")
    r = cli(*run, cwd=ws)
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1
    assert "product-update changed since it was scheduled on campaign" in r.err
    assert "repurpose queue cancel --article product-update" in r.err
    assert items(ws) == before
    assert cli("queue", "cancel", "--article", "product-update", cwd=ws).code == 0
    r = cli(*run, cwd=ws)
    assert r.code == 0, r.err
    # unchanged pieces come back (same key), changed ones are new rows; the thread is whole
    assert "of them had been cancelled" in r.err
    with sqlite3.connect(ws / "repurpose.db") as db:
        live = db.execute(
            "SELECT id, channel, position, after_id FROM items WHERE state = 'scheduled'"
        ).fetchall()
        payloads = [
            row[0]
            for row in db.execute(
                "SELECT p.body FROM items i JOIN payloads p ON p.id = i.payload_id "
                "WHERE i.state = 'scheduled'"
            )
        ]
    assert len(live) == len(before)
    assert all("Lantern 3.2" not in body for body in payloads)
    posts = {row[0]: row for row in live if row[1] == "x" and row[2] is not None}
    for pid, (_, _, position, after) in posts.items():
        assert (after is None) if position == 0 else (posts[after][2] == position - 1), pid


def test_payload_is_rendered_at_schedule_time(cli, ws):
    """Editing a template later changes new plans, never a planned send."""
    shutil.copytree(ROOT / "templates", ws / "tpl")
    (ws / "repurpose.toml").write_text(
        'templates = "tpl"\n[email]\nsuppression = "suppressed.txt"\n'
    )
    assert schedule(cli, ws).code == 0
    txt = ws / "tpl" / "email" / "digest.txt.j2"
    txt.write_text(txt.read_text() + "\nEDITED-AFTER-SCHEDULING\n")
    assert schedule(cli, ws, "--start", "2030-04-02 09:00").code == 0
    data = json.loads(cli("queue", "list", "--json", cwd=ws).out)
    mails = [d for d in data if d["channel"] == "email"]
    texts = {
        d["due_at"][:10]: json.loads(cli("queue", "show", str(d["id"]), "--json", cwd=ws).out)[
            "payload"
        ]["text"]
        for d in mails
    }
    assert "EDITED-AFTER-SCHEDULING" not in texts["2030-03-26"]
    assert "EDITED-AFTER-SCHEDULING" in texts["2030-04-02"]


def test_audience_option_overrides_calendar(cli, ws):
    (ws / "other.csv").write_text("email,name\nsolo@example.com,Solo\n")
    r = schedule(cli, ws, "--audience", "other.csv")
    assert r.code == 0, r.err
    assert [row[1] for row in items(ws) if row[0] == "email"] == ["solo@example.com"]


def test_unreachable_database_fails_cleanly(cli, ws):
    url = "postgresql://ops:hunter2-secret@127.0.0.1:1/outbox"
    r = schedule(cli, ws, "--db", url)
    assert r.code == 1
    assert "hunter2-secret" not in r.err and "***" in r.err
    assert len(r.err.strip().splitlines()) == 1
    r = schedule(cli, ws, env={"REPURPOSE_DB": url})
    assert r.code == 1 and "hunter2-secret" not in r.err


def test_schedule_into_postgresql(cli, ws, pg_url):
    import sqlalchemy as sa

    from repurpose.schedule.store import normalize_url

    schema = f"e_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(normalize_url(pg_url))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        url = f"{pg_url}?options=-csearch_path%3D{schema}".replace(
            "postgresql+psycopg://", "postgresql://"
        )
        r = schedule(cli, ws, env={"REPURPOSE_DB": url})
        assert r.code == 0, r.err
        again = schedule(cli, ws, env={"REPURPOSE_DB": url})
        assert "nothing new" in again.err
        listed = cli("queue", "list", "--json", cwd=ws, env={"REPURPOSE_DB": url})
        data = json.loads(listed.out)
        assert {d["channel"] for d in data} == {"email", "x", "linkedin"}
        assert not (ws / "repurpose.db").exists()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
