"""The whole user journey as acceptance tests: `repurpose` run as separate processes, exactly as a
user types it, against real servers on 127.0.0.1 (the aiosmtpd sink, the fake X API reached
through tweepy, the signed-webhook receiver from tests/integration/).

init → edit repurpose.toml → render → check → schedule (a start seconds away) → queue list →
worker (in the background, woken by its own clock; SIGTERM) → what the servers got → queue
list/show → schedule again (nothing new) → worker again (nothing more). Then: the same without
credentials (dry-run outbox), missed sends (skipped with the reason, retried), and a calendar in
America/New_York across daylight-saving changes (queue list and the ICS export).
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import started_processes
from tests.integration.fake_x import CREDS, FakeX
from tests.integration.smtp_sink import Sink
from tests.integration.test_webhook_sender import SECRET as HOOK_SECRET
from tests.integration.test_webhook_sender import Receiver

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SLUG = "cold-brew"
UNSUB = "https://tidewater.example.com/unsubscribe?e={email}&t={token}"
# Nothing from the runner's environment may make a channel live (or force dry-run) by accident.
NO_CREDS = {
    **{k: "" for k in CREDS},
    "REPURPOSE_WEBHOOK_SECRET": "",
    "REPURPOSE_SMTP_USER": "",
    "REPURPOSE_SMTP_PASSWORD": "",
    "REPURPOSE_DRY_RUN": "",
    "REPURPOSE_DB": "",
}
LIVE = {**NO_CREDS, **CREDS, "REPURPOSE_WEBHOOK_SECRET": HOOK_SECRET}

ARTICLE = """\
---
title: "Tidewater Tea: brewing better cold brew at home"
canonical_url: https://tidewater.example.com/blog/cold-brew
---

# Brewing better cold brew at home

Cold brew tea is forgiving, cheap and quietly delicious. This guide walks through the leaves,
the water, the timing and the storage so your first jug tastes like the one at the shop.

## Choosing the leaves

Whole-leaf green and oolong teas shine in cold water because their sweetness survives the long
steep. Broken fannings turn bitter and cloudy, so save them for hot mugs.

## Water and ratio

Use filtered water and about eight grams of leaves per litre. Soft water pulls out more of the
floral notes, while hard water flattens them.

## Timing the steep

Leave the jug in the fridge for eight to twelve hours. Taste at eight hours and strain as soon as
the flavour is round; longer steeps add body but also astringency.

## Storing the result

Strained cold brew keeps for three days in a sealed bottle. Keep it away from strong smells in the
fridge, because tea absorbs them quickly.

## Frequently asked questions

### Can I use tea bags for cold brew?

Yes. Use two bags per half litre and steep them a little longer, because the cut leaves inside
release flavour unevenly in cold water.

### Does cold brew tea have less caffeine?

Usually a little less. Cold water extracts caffeine more slowly, so a twelve-hour steep ends up
milder than a hot cup made with the same leaves.
"""

# Three readers, one of them unsubscribed; a "+" address checks the merged URL's quoting.
AUDIENCE = (
    "email,name,plan\n"
    "ada+tea@example.com,Ada Lovelace,pro\n"
    "grace@example.org,Grace Hopper,team\n"
    "gone@example.net,Former Reader,free\n"
)
SUPPRESSED = "# unsubscribed or bounced\ngone@example.net\n"
RECIPIENTS = {"ada+tea@example.com": "Ada Lovelace", "grace@example.org": "Grace Hopper"}

JOURNEY_CALENDAR = """\
name: journey
timezone: Europe/Berlin
start: next tuesday 09:00        # the test passes --start
steps:
  - id: newsletter
    channel: email
    content: digest
  - id: x-thread
    channel: x
    content: thread
    after: newsletter
    when: +0
  - id: hook
    channel: webhook
    content: post
    after: newsletter
    when: +0
"""

# -- helpers --------------------------------------------------------------------------------------


def edit(path: Path, pattern: str, replacement: str) -> None:
    """Edit one line of a file as a user would; fails loudly when the line is not there."""
    text, n = re.subn(pattern, replacement, path.read_text(), count=1, flags=re.M)
    assert n == 1, f"{pattern!r} not found in {path}"
    path.write_text(text)


def workspace(tmp_path: Path, cli, *, smtp_port=None, x_base=None, hook_url=None) -> Path:
    """`repurpose init ws`, then the starter repurpose.toml edited for this brand."""
    r = cli("init", "ws", cwd=tmp_path)
    assert r.code == 0, r.err
    ws = tmp_path / "ws"
    cfg = ws / "repurpose.toml"
    edit(cfg, r'^name = "Your Brand"$', 'name = "Tidewater Tea"')
    edit(cfg, r"^from_name = .*$", 'from_name = "Tidewater Tea"')
    edit(cfg, r"^from_address = .*$", 'from_address = "news@tidewater.example.com"')
    edit(cfg, r"^# postal_address = .*$", 'postal_address = "1 Harbour Road, Tidewater"')
    edit(
        cfg,
        r"^# unsubscribe_url = .*$",
        f'unsubscribe_url = "{UNSUB}"\nunsubscribe_mailto = "leave@tidewater.example.com"',
    )
    edit(cfg, r"^# suppression = .*$", 'suppression = "suppressed.txt"')
    extra = ["", "[worker]", "backoff_base = 0.2", "backoff_max = 1.0"]
    if smtp_port:
        extra += ["[smtp]", 'host = "127.0.0.1"', f"port = {smtp_port}", 'security = "none"']
    if x_base:
        extra += ["[x]", f'api_base = "{x_base}"']
    if hook_url:
        extra += ["[webhook]", f'url = "{hook_url}"']
    cfg.write_text(cfg.read_text() + "\n".join(extra) + "\n")
    (ws / f"{SLUG}.md").write_text(ARTICLE)
    (ws / "audience.csv").write_text(AUDIENCE)
    (ws / "suppressed.txt").write_text(SUPPRESSED)
    return ws


def local_start(seconds: float, tz: ZoneInfo = BERLIN) -> tuple[str, datetime]:
    """An absolute local start `seconds` from now (as a user writes it) and its UTC instant."""
    at = (datetime.now(UTC) + timedelta(seconds=seconds)).replace(microsecond=0)
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), at


def render_and_check(cli, ws: Path) -> dict:
    r = cli("render", f"{SLUG}.md", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    r = cli("check", f"{SLUG}.md", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.out + r.err
    assert "no breaches" in r.out + r.err
    return json.loads((ws / "out" / SLUG / "manifest.json").read_text())


def queue_json(cli, ws: Path, *args: str) -> list[dict]:
    r = cli("queue", "list", "--json", *args, cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    return json.loads(r.out)


def wait_for(pred, timeout: float = 15.0, what: str = "") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or pred}")


def start_worker(ws: Path, env: dict) -> tuple[subprocess.Popen, Path]:
    log = ws / "worker.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "repurpose", "worker"],
            cwd=ws,
            env={**os.environ, "NO_COLOR": "1", **env},
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    started_processes.append(proc)
    return proc, log


def utc(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def check_email(msg: email.message.EmailMessage, subject: str) -> str:
    """One delivered email: multipart/alternative, unsubscribe headers and merged links for its
    own recipient. Returns the recipient."""
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Subject"] == subject
    assert msg["From"].addresses[0].addr_spec == "news@tidewater.example.com"
    (to,) = msg["To"].addresses
    addr = to.addr_spec
    assert to.display_name == RECIPIENTS[addr]
    assert msg["Message-ID"] and msg["Date"]
    unsub = msg["List-Unsubscribe"]
    m = re.fullmatch(r"<(https://[^>]+)>, <mailto:leave@tidewater\.example\.com[^>]*>", unsub)
    assert m, unsub
    url = m.group(1)
    quoted = addr.replace("+", "%2B")
    assert url.startswith(f"https://tidewater.example.com/unsubscribe?e={quoted}&t=")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert url in text and url.replace("&", "&amp;") in html
    assert "%%" not in text and "%%" not in html
    assert "1 Harbour Road, Tidewater" in text and "1 Harbour Road, Tidewater" in html
    return addr


# -- 1. the journey with every channel live ------------------------------------------------------


def test_journey_live(tmp_path, cli):
    with Sink() as sink, FakeX() as fake, Receiver() as hook:
        ws = workspace(tmp_path, cli, smtp_port=sink.port, x_base=fake.base, hook_url=hook.url)
        manifest = render_and_check(cli, ws)
        subject = manifest["email"]["subject"]
        thread = [p["text"] for p in manifest["threads"]["x"]["posts"]]
        assert len(thread) >= 3
        (ws / "journey.yaml").write_text(JOURNEY_CALENDAR)

        start, due = local_start(3.0)
        args = ("schedule", f"{SLUG}.md", "--calendar", "journey.yaml", "--start", start,
                "--audience", "audience.csv")  # fmt: skip
        r = cli(*args, cwd=ws, env=NO_CREDS)
        assert r.code == 0, r.err
        assert "1 suppressed" in r.err and f"scheduled {2 + len(thread) + 1} items" in r.err

        plan = queue_json(cli, ws)
        assert [(it["channel"], it["state"]) for it in plan] == (
            [("email", "scheduled")] * 2
            + [("x", "scheduled")] * len(thread)
            + [("webhook", "scheduled")]
        )
        assert {it["recipient"] for it in plan if it["channel"] == "email"} == set(RECIPIENTS)
        assert all(utc(it["due_at"]) == due and it["tz"] == "Europe/Berlin" for it in plan)
        assert [it["position"] for it in plan if it["channel"] == "x"] == list(range(len(thread)))

        # The worker starts before anything is due and wakes itself at the due time.
        proc, log = start_worker(ws, LIVE)
        wait_for(
            lambda: len(sink.received) == 2 and len(fake.posts) == len(thread) and hook.accepted,
            what="every send",
        )
        assert datetime.now(UTC) >= due
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        out = log.read_text()
        assert "email: live" in out and "x: live" in out and "webhook: live" in out
        assert "SIGTERM" in out and "worker stopped" in out
        assert out.count("result=sent") == 2 + len(thread) + 1

        # SMTP: exactly the two unsuppressed readers, each with their own merged message.
        got = {check_email(rec.message, subject) for rec in sink.received}
        assert got == set(RECIPIENTS)
        assert sorted(r for rec in sink.received for r in rec.rcpt) == sorted(RECIPIENTS)
        # X: the thread in order, each post a reply to the one before.
        assert [p.text for p in fake.posts] == thread
        assert fake.posts[0].in_reply_to is None
        assert [p.in_reply_to for p in fake.posts[1:]] == [p.id for p in fake.posts[:-1]]
        # Webhook: one signed JSON (the receiver verifies the HMAC) with the hook post.
        (hooked,) = hook.accepted
        assert hook.rejected == 0
        assert hooked["body"]["channel"] == "webhook" and hooked["body"]["article"] == SLUG
        assert hooked["body"]["payload"]["text"].startswith(thread[0].split("\n")[0])

        sent = queue_json(cli, ws, "--status", "sent")
        assert len(sent) == len(plan) and queue_json(cli, ws, "--status", "scheduled") == []
        assert all(utc(it["sent_at"]) >= utc(it["due_at"]) for it in sent)
        x_ids = [it["external_id"] for it in sent if it["channel"] == "x"]
        assert x_ids == [p.id for p in fake.posts]
        hook_item = next(it for it in sent if it["channel"] == "webhook")
        assert hooked["key"] == hook_item["idempotency_key"]

        r = cli("queue", "list", "--status", "sent", cwd=ws, env=NO_CREDS)
        assert r.code == 0 and len(r.out.splitlines()) == 1 + len(plan)
        first_post = next(it for it in sent if it["channel"] == "x")
        r = cli("queue", "show", str(first_post["id"]), cwd=ws, env=NO_CREDS)
        assert r.code == 0, r.err
        assert re.search(r"^state:\s+sent$", r.out, re.M)
        assert f"external id:   {fake.posts[0].id}" in r.out
        assert re.search(r"^attempts:\n  #1 \S+ sent \d+ ms \(", r.out, re.M), r.out

        # Scheduling again adds nothing, even now that the start has passed.
        again = cli(*args, cwd=ws, env=NO_CREDS)
        assert again.code == 0, again.err
        assert "nothing new" in again.err
        assert len(queue_json(cli, ws)) == len(plan)

        # A second run of the worker finds nothing to send.
        r = cli("worker", "--until-idle", cwd=ws, env=LIVE)
        assert r.code == 0, r.err
        assert "worker stopped: 0 sent" in r.err
        assert len(sink.received) == 2 and len(fake.posts) == len(thread)
        assert len(hook.accepted) == 1


# -- 2. without credentials: the dry-run outbox ---------------------------------------------------


def test_journey_dry_run(tmp_path, cli):
    # The config names an X API and a webhook, but no credentials are set and there is no SMTP.
    ws = workspace(tmp_path, cli, x_base="http://127.0.0.1:9", hook_url="http://127.0.0.1:9/h")
    manifest = render_and_check(cli, ws)
    thread = [p["text"] for p in manifest["threads"]["x"]["posts"]]
    (ws / "journey.yaml").write_text(JOURNEY_CALENDAR)
    start, due = local_start(2.0)
    r = cli("schedule", f"{SLUG}.md", "-c", "journey.yaml", "--start", start,
            "--audience", "audience.csv", cwd=ws, env=NO_CREDS)  # fmt: skip
    assert r.code == 0, r.err

    # Before the start nothing is due: --until-idle says so and leaves.
    early = cli("worker", "--until-idle", cwd=ws, env=NO_CREDS)
    assert early.code == 0, early.err
    assert datetime.now(UTC) < due, "the machine is too slow for this test's 2 s margin"
    assert "worker stopped: 0 sent" in early.err
    assert not (ws / "outbox").exists()

    wait_for(lambda: datetime.now(UTC) >= due, timeout=10, what="the start")
    r = cli("worker", "--until-idle", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    assert "email: dry-run (no smtp.host in the config), writing to outbox/" in r.err
    assert "x: dry-run (REPURPOSE_X_CONSUMER_KEY" in r.err
    assert "webhook: dry-run (REPURPOSE_WEBHOOK_SECRET is not set)" in r.err
    assert "every channel is in dry-run: nothing leaves this machine" in r.err
    assert f"worker stopped: {2 + len(thread) + 1} sent" in r.err

    outbox = ws / "outbox"
    emls = sorted((outbox / "email").glob("*.eml"))
    assert len(emls) == 2
    got = {
        check_email(
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default),
            manifest["email"]["subject"],
        )
        for p in emls
    }
    assert got == set(RECIPIENTS)
    posts = [json.loads(p.read_text()) for p in (outbox / "x").glob("*.json")]
    posts.sort(key=lambda d: d["position"])
    assert [d["payload"]["text"] for d in posts] == thread
    ids = {it["id"]: it["external_id"] for it in queue_json(cli, ws, "--status", "sent")}
    assert posts[0]["in_reply_to"] is None
    assert [d["in_reply_to"] for d in posts[1:]] == [ids[d["id"]] for d in posts[:-1]]
    (hook,) = [json.loads(p.read_text()) for p in (outbox / "webhook").glob("*.json")]
    assert hook["channel"] == "webhook" and hook["article"] == SLUG
    assert sorted(p.relative_to(outbox).parts[0] for p in outbox.rglob("*") if p.is_file()) == (
        ["email"] * 2 + ["webhook"] + ["x"] * len(thread)
    )

    # Nothing more on a second run; the files are not written twice.
    again = cli("worker", "--until-idle", cwd=ws, env=NO_CREDS)
    assert again.code == 0 and "worker stopped: 0 sent" in again.err
    assert len(list(outbox.rglob("*.*"))) == 2 + len(thread) + 1


# -- 3. missed sends: skipped with the reason, then retried ---------------------------------------

MISSED_CALENDAR = """\
name: missed
timezone: Europe/Berlin
steps:
  - id: newsletter
    channel: email
    content: digest
    late_window: 1h              # three hours late: skipped
  - id: x-thread
    channel: x
    content: thread
    after: newsletter
    when: +0
    late: skip                   # skipped, and the later posts with it
  - id: hook
    channel: webhook
    content: post
    after: newsletter
    when: +0
    late_window: 6h              # still within its window: sent late
"""


def test_missed_sends_are_skipped_with_reason_and_retry_sends_them(tmp_path, cli):
    ws = workspace(tmp_path, cli)
    (ws / "missed.yaml").write_text(MISSED_CALENDAR)
    # Planned three hours ago (the worker was down since): --now pretends it is then.
    then = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    start = (then + timedelta(minutes=1)).astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
    r = cli("schedule", f"{SLUG}.md", "-c", "missed.yaml", "--start", start, "--audience",
            "audience.csv", "--now", then.replace(tzinfo=None).isoformat(), cwd=ws,
            env=NO_CREDS)  # fmt: skip
    assert r.code == 0, r.err

    r = cli("worker", "--until-idle", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    items = queue_json(cli, ws)
    by_channel: dict[str, list[dict]] = {}
    for it in items:
        by_channel.setdefault(it["channel"], []).append(it)
    assert [it["state"] for it in by_channel["email"]] == ["skipped", "skipped"]
    assert {it["state"] for it in by_channel["x"]} == {"skipped"}
    assert [it["state"] for it in by_channel["webhook"]] == ["sent"]
    assert not (ws / "outbox" / "email").exists() and not (ws / "outbox" / "x").exists()

    mail = by_channel["email"][0]
    shown = cli("queue", "show", str(mail["id"]), cwd=ws, env=NO_CREDS)
    assert re.search(r"^state:\s+skipped$", shown.out, re.M)
    assert re.search(r"^last error:\s+missed: planned for .* beyond its 1h late window$",
                     shown.out, re.M), shown.out  # fmt: skip
    first, second = by_channel["x"][:2]
    shown = cli("queue", "show", str(first["id"]), cwd=ws, env=NO_CREDS)
    assert re.search(r"^last error:\s+missed: planned for .* late window$", shown.out, re.M)
    shown = cli("queue", "show", str(second["id"]), cwd=ws, env=NO_CREDS)
    assert f"thread: earlier post {first['id']}" in shown.out, shown.out

    # Retrying a later post alone is refused; retrying the first brings the thread back.
    r = cli("queue", "retry", str(second["id"]), cwd=ws, env=NO_CREDS)
    assert r.code == 1 and f"retry item {first['id']} instead" in r.err
    r = cli("queue", "retry", str(mail["id"]), cwd=ws, env=NO_CREDS)
    assert r.code == 0 and "scheduled again, due now" in r.err
    r = cli("queue", "retry", str(first["id"]), cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    assert f"and the {len(by_channel['x']) - 1} later posts of its thread" in r.err

    r = cli("worker", "--until-idle", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    assert f"worker stopped: {1 + len(by_channel['x'])} sent" in r.err
    states = {it["id"]: it["state"] for it in queue_json(cli, ws)}
    assert states[mail["id"]] == "sent" and states[by_channel["email"][1]["id"]] == "skipped"
    assert all(states[it["id"]] == "sent" for it in by_channel["x"])
    (eml,) = (ws / "outbox" / "email").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == mail["recipient"]
    assert len(list((ws / "outbox" / "x").glob("*.json"))) == len(by_channel["x"])
    shown = cli("queue", "show", str(mail["id"]), cwd=ws, env=NO_CREDS)
    assert re.search(r"^attempts:\n(  #\d .*\n)*  #\d \S+ sent ", shown.out, re.M), shown.out


# -- 4. time zones across daylight-saving changes -------------------------------------------------

DST_CALENDAR = """\
name: dst
timezone: America/New_York
start: 2030-03-08 09:00          # US clocks go forward on Sun 2030-03-10, back on Sun 2030-11-03
steps:
  - id: daily
    channel: mastodon
    content: post
    repeat: {every: 1d, count: 4}
  - id: before-gap
    channel: bluesky
    content: post
    when: 2030-03-10 01:30
  - id: two-hours-later          # two real hours: 01:30 EST + 2h = 04:30 EDT
    channel: threads
    content: post
    after: before-gap
    when: +2h
  - id: in-gap                   # 02:30 does not exist that night: 03:00 EDT
    channel: x
    content: post
    when: 2030-03-10 02:30
  - id: overlap                  # 01:30 happens twice in November: the first (EDT)
    channel: linkedin
    content: post
    when: 2030-11-03 01:30
"""

DST_EXPECTED = [  # local wall time, channel, UTC
    ("Fri 2030-03-08 09:00 EST", "mastodon", "2030-03-08T14:00"),
    ("Sat 2030-03-09 09:00 EST", "mastodon", "2030-03-09T14:00"),
    ("Sun 2030-03-10 01:30 EST", "bluesky", "2030-03-10T06:30"),
    ("Sun 2030-03-10 03:00 EDT", "x", "2030-03-10T07:00"),
    ("Sun 2030-03-10 04:30 EDT", "threads", "2030-03-10T08:30"),
    ("Sun 2030-03-10 09:00 EDT", "mastodon", "2030-03-10T13:00"),
    ("Mon 2030-03-11 09:00 EDT", "mastodon", "2030-03-11T13:00"),
    ("Sun 2030-11-03 01:30 EDT", "linkedin", "2030-11-03T05:30"),
]


def test_new_york_calendar_across_dst(tmp_path, cli):
    import icalendar

    ws = workspace(tmp_path, cli)
    (ws / "dst.yaml").write_text(DST_CALENDAR)
    # a fixed "now" keeps the 2030 dates in the future whatever the machine's clock says
    now = ("--now", "2030-01-15T12:00:00")
    r = cli("schedule", f"{SLUG}.md", "-c", "dst.yaml", *now, cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    plan_lines = r.out.splitlines()[1:]
    assert [line.split("  ")[0] for line in plan_lines] == [w for w, _, _ in DST_EXPECTED]

    r = cli("queue", "list", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    rows = [re.split(r"\s{2,}", line.strip()) for line in r.out.splitlines()[1:]]
    assert [(row[1], row[3]) for row in rows] == [(w, ch) for w, ch, _ in DST_EXPECTED]
    items = queue_json(cli, ws)
    assert [utc(it["due_at"]).strftime("%Y-%m-%dT%H:%M") for it in items] == [
        u for _, _, u in DST_EXPECTED
    ]
    assert {it["tz"] for it in items} == {"America/New_York"}

    r = cli("queue", "export", "--ics", "plan.ics", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    cal = icalendar.Calendar.from_ical((ws / "plan.ics").read_bytes())
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert len(events) == len(DST_EXPECTED)
    for ev, (wall, channel, at_utc) in zip(events, DST_EXPECTED, strict=True):
        start = ev.decoded("dtstart")
        assert start.utcoffset() == timedelta(0)  # an instant: every calendar app shows it right
        assert start.strftime("%Y-%m-%dT%H:%M") == at_utc
        local = start.astimezone(NEW_YORK)
        assert f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}" == wall
        assert str(ev["summary"]).startswith(f"{channel}: ")
        assert "calendar timezone: America/New_York" in str(ev["description"])


# -- bug fix: scheduling again after the start has passed -----------------------------------------


def test_schedule_again_after_start_passed_adds_nothing_but_refuses_new_past_sends(tmp_path, cli):
    """Re-running `schedule` once its start has passed used to fail with "start … is in the
    past" although everything was already in the outbox; past times are only refused for sends
    the outbox does not hold yet (new or cancelled ones)."""
    ws = workspace(tmp_path, cli)
    (ws / "journey.yaml").write_text(JOURNEY_CALENDAR)
    base = ("schedule", f"{SLUG}.md", "-c", "journey.yaml", "--start", "2030-03-26 09:00",
            "--audience", "audience.csv")  # fmt: skip
    r = cli(*base, "--now", "2030-03-20T12:00:00", cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    before = queue_json(cli, ws)

    later = ("--now", "2030-03-26T10:00:00")  # 11:00 CET, two hours after the start
    r = cli(*base, *later, cwd=ws, env=NO_CREDS)
    assert r.code == 0, r.err
    assert "nothing new" in r.err and "already scheduled" in r.out
    assert queue_json(cli, ws) == before

    # A send that is not in the outbox any more (cancelled) would be planned in the past: refused.
    mail = before[0]
    assert cli("queue", "cancel", str(mail["id"]), cwd=ws, env=NO_CREDS).code == 0
    r = cli(*base, *later, cwd=ws, env=NO_CREDS)
    assert r.code == 1
    assert r.err.strip().endswith("is in the past (now Tue 2030-03-26 11:00 CET); pick a later "
                                  "start or pass --start")  # fmt: skip
    assert "journey.yaml: --start: start Tue 2030-03-26 09:00 CET" in r.err
    assert {it["id"]: it["state"] for it in queue_json(cli, ws)}[mail["id"]] == "cancelled"

    # Another start in the past plans only new sends: refused as before.
    r = cli(*base[:-4], "--start", "2030-03-26 08:00", "--audience", "audience.csv", *later,
            cwd=ws, env=NO_CREDS)  # fmt: skip
    assert r.code == 1 and "is in the past" in r.err
    assert len(queue_json(cli, ws)) == len(before)


def test_a_start_seconds_in_the_past_shows_the_seconds(tmp_path, cli):
    """'start 19:17 CET is in the past (now 19:17 CET)' read as a contradiction: when the
    minutes match, the error shows the seconds."""
    ws = workspace(tmp_path, cli)
    (ws / "journey.yaml").write_text(JOURNEY_CALENDAR)
    r = cli("schedule", f"{SLUG}.md", "-c", "journey.yaml", "--start", "2030-03-26 09:00:10",
            "--audience", "audience.csv", "--now", "2030-03-26T08:00:30", cwd=ws,
            env=NO_CREDS)  # fmt: skip
    assert r.code == 1
    assert (
        "start Tue 2030-03-26 09:00:10 CET is in the past (now Tue 2030-03-26 09:00:30 CET)"
        in r.err
    ), r.err
