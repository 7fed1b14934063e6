"""`repurpose worker` as a user runs it: dry-run notice, SIGTERM, the SQLite single-worker rule,
and credentials that never leak."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from repurpose.schedule.store import Outbox
from tests.conftest import started_processes
from tests.integration.fake_x import CREDS, FakeX
from tests.integration.smtp_sink import Sink
from tests.integration.worker_helpers import email_rows, states, thread_rows, write_config


def read(path) -> str:
    with open(path) as fh:
        return fh.read()


def start(tmp_path, db, cfg, *extra, env=None, verbose=False):
    full = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full.pop("REPURPOSE_DB", None)
    log = (tmp_path / f"w{time.monotonic_ns()}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "repurpose", *(["-v"] if verbose else []), "worker",
         "--db", db, "--config", str(cfg), *extra],
        cwd=tmp_path, env=full, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    started_processes.append(proc)
    return proc, log


def wait_for(pred, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_until_idle_in_dry_run_says_so(tmp_path, cli):
    db = f"sqlite:///{tmp_path / 'o.db'}"
    with Outbox.open(db) as ob:
        ob.add_items(email_rows(2) + thread_rows(2))
    cfg = write_config(tmp_path / "repurpose.toml", outbox_dir=tmp_path / "out")
    env = {k: "" for k in CREDS}
    r = cli("worker", "--until-idle", "--db", db, "--config", str(cfg), cwd=tmp_path, env=env)
    assert r.code == 0, r.err
    assert "email: dry-run (no smtp.host in the config)" in r.err
    assert "x: dry-run" in r.err and "bluesky: dry-run (no live sender" in r.err
    assert "every channel is in dry-run" in r.err
    assert r.err.count("result=sent") == 4
    with Outbox.open(db) as ob:
        assert states(ob) == {"sent": 4}


def test_sigterm_finishes_in_flight_and_exits_zero(tmp_path):
    db = f"sqlite:///{tmp_path / 'o.db'}"
    with Outbox.open(db) as ob:
        ob.add_items(email_rows(400))
    with Sink() as sink:
        cfg = write_config(tmp_path / "repurpose.toml", smtp_port=sink.port)
        cfg.write_text(
            cfg.read_text().replace("rate_per_minute = 1000000", "rate_per_minute = 3000")
        )
        proc, log = start(tmp_path, db, cfg)
        assert wait_for(lambda: len(sink.received) >= 20, timeout=90)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        log.close()
        received = len(sink.received)
    with Outbox.open(db) as ob:
        got = states(ob)
        assert got.get("sending", 0) == 0 and ob.in_flight_count() == 0
        assert got["sent"] == received and got["scheduled"] == 400 - received
        assert ob.list_items(status="sent")  # and nothing was lost: sent + scheduled = 400
    text = read(log.name)
    assert "SIGTERM" in text and "worker stopped" in text


def test_second_worker_on_sqlite_is_refused(tmp_path):
    db = f"sqlite:///{tmp_path / 'o.db'}"
    cfg = write_config(tmp_path / "repurpose.toml", outbox_dir=tmp_path / "out")
    Outbox.open(db).close()
    first, log = start(tmp_path, db, cfg)
    try:
        assert wait_for(lambda: "started on" in read(log.name), timeout=90)
        second = subprocess.run(
            [sys.executable, "-m", "repurpose", "worker", "--until-idle", "--db", db,
             "--config", str(cfg)],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
            env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
        assert second.returncode != 0
        assert "another worker is already running" in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        assert first.wait(timeout=20) == 0
        log.close()


def test_credentials_never_leak(tmp_path):
    """Wrong and right credentials, failures and successes: no secret in logs, DB or files."""
    smtp_user, smtp_pw = "mailer-login", "smtp-Pa55-word-never-shown"
    hook_secret = "whsec-never-shown-0000"
    secrets = [smtp_pw, hook_secret, *CREDS.values()]
    db = f"sqlite:///{tmp_path / 'o.db'}"
    with Outbox.open(db) as ob:
        ob.add_items(email_rows(3) + thread_rows(3) + thread_rows(2, channel="mastodon"))
    with Sink(users={smtp_user: "the-right-one"}) as sink, FakeX() as fake:
        cfg = write_config(tmp_path / "repurpose.toml", smtp_port=sink.port, x_base=fake.base,
                           outbox_dir=tmp_path / "out")  # fmt: skip
        fake.state.faults.append((503, {}, {"detail": "busy"}))
        env = {**CREDS, "REPURPOSE_SMTP_USER": smtp_user, "REPURPOSE_SMTP_PASSWORD": smtp_pw,
               "REPURPOSE_WEBHOOK_SECRET": hook_secret}  # fmt: skip
        proc, log = start(tmp_path, db, cfg, "--until-idle", env=env, verbose=True)
        proc.wait(timeout=60)
        log.close()
    with Outbox.open(db) as ob:
        views = ob.list_items()
        assert any(v.state == "sent" for v in views)
        assert ob.paused_channels()[0]["channel"] == "email"  # 535: paused, not leaked
    blobs = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert any(p.suffix == ".log" for p in blobs) and any(p.suffix == ".json" for p in blobs)
    for secret in secrets:
        for path, data in blobs.items():
            assert secret.encode() not in data, f"{secret} found in {path}"


def test_resume_of_an_unknown_channel_is_one_line_error(tmp_path, cli):
    db = f"sqlite:///{tmp_path / 'o.db'}"
    cfg = write_config(tmp_path / "repurpose.toml", outbox_dir=tmp_path / "out")
    r = cli("worker", "--until-idle", "--resume", "emial", "--db", db, "--config", str(cfg),
            cwd=tmp_path)  # fmt: skip
    assert r.code != 0
    assert r.err.strip() == (
        "error: --resume emial: unknown channel (known: email, x, bluesky, mastodon, linkedin, "
        "threads, webhook)"
    )
