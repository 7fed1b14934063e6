"""schedule.worker.start_worker and its parts: --resume, pauses, and each channel's plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from repurpose.config import Settings
from repurpose.deliver.base import CHANNELS, DRY_RUN_ENV, Registry
from repurpose.errors import ConfigError
from repurpose.schedule.store import Outbox
from repurpose.schedule.worker import (
    channel_notes,
    check_resume,
    lift_pauses,
    start_worker,
)


@pytest.fixture
def outbox(tmp_path):
    with Outbox.open(f"sqlite:///{tmp_path / 'outbox.db'}") as ob:
        yield ob


def test_check_resume_names_the_known_channels():
    check_resume(["email", "x:brand", "webhook"])
    with pytest.raises(ConfigError) as exc:
        check_resume(["email", "emial:brand"])
    assert str(exc.value) == (
        f"--resume emial:brand: unknown channel (known: {', '.join(CHANNELS)})"
    )


def test_lift_pauses_reports_each_spec_and_what_stays_paused(outbox):
    outbox.pause_channel("email", reason="535 authentication failed")
    outbox.pause_channel("x", account="brand", reason="401 unauthorized")
    outbox.pause_channel("webhook", reason="429", until=datetime(2030, 1, 1, tzinfo=UTC))
    notes = lift_pauses(outbox, ["email", "x"])
    assert notes == [
        ("info", "email: pause lifted"),
        ("warn", "x: was not paused"),  # only x:brand is
        (
            "warn",
            "x (account brand) is paused: 401 unauthorized; run with --resume x once fixed",
        ),  # a pause with an end (webhook) lifts itself: no warning
    ]
    assert lift_pauses(outbox, ["x:brand"]) == [("info", "x:brand: pause lifted")]
    assert {p["channel"] for p in outbox.paused_channels()} == {"webhook"}


def test_channel_notes_live_and_dry_run():
    settings = Settings.model_validate({"smtp": {"host": "127.0.0.1"}})
    notes = channel_notes(Registry(settings, env={}), "outbox")
    assert notes[0] == ("info", "email: live, SMTP 127.0.0.1:587 (starttls, without login)")
    assert ("info", "webhook: dry-run (no webhook.url in the config), writing to outbox/") in notes
    assert all(level == "info" for level, _ in notes)  # one channel is live: no warning
    everything_dry = channel_notes(Registry(Settings(), env={DRY_RUN_ENV: "1"}), "out")
    assert everything_dry[-1] == (
        "warn",
        "every channel is in dry-run: nothing leaves this machine",
    )
    assert everything_dry[0] == ("info", f"email: dry-run ({DRY_RUN_ENV} is set), writing to out/")
    assert len(everything_dry) == len(CHANNELS) + 1


def test_start_worker_notifies_in_order_and_returns_a_worker_on_the_outbox(tmp_path, monkeypatch):
    monkeypatch.setenv(DRY_RUN_ENV, "1")
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    with Outbox.open(url) as ob:
        ob.pause_channel("email", reason="535")
    seen: list[tuple[str, str]] = []
    worker = start_worker(
        url, Settings(), resume=["email"], concurrency=3, until_idle=True,
        notify=lambda level, text: seen.append((level, text)),
    )  # fmt: skip
    try:
        assert seen[0] == ("info", "email: pause lifted")
        assert seen[1][1].startswith("email: dry-run")
        assert seen[-1][0] == "warn" and len(seen) == 1 + len(CHANNELS) + 1
        assert (worker.concurrency, worker.until_idle) == (3, True)
        assert worker.outbox.paused_channels() == []
    finally:
        worker.outbox.close()


def test_start_worker_refuses_an_unknown_channel_before_opening_the_database(tmp_path):
    db = tmp_path / "outbox.db"
    with pytest.raises(ConfigError, match="--resume emial: unknown channel"):
        start_worker(f"sqlite:///{db}", Settings(), resume=["emial"], notify=print)
    assert not db.exists()
