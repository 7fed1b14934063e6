"""`repurpose worker`: send outbox items when they are due."""

from __future__ import annotations

import logging
import signal
import sys

import click

from repurpose import ui


class _Line(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
        return f"{stamp} {record.levelname.lower()} {record.getMessage()}"


@click.command("worker")
@click.option(
    "--db", "db", metavar="URL", help="Outbox database (default: config or REPURPOSE_DB)."
)
@click.option("--until-idle", is_flag=True, help="Exit once nothing is due or in flight (cron).")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Items sent in parallel.",
)
@click.option(
    "--resume",
    "resume",
    multiple=True,
    metavar="CHANNEL[:ACCOUNT]",
    help="Lift the pause on a channel (after fixing its credentials), then run.",
)
@click.option("--config", "config", metavar="FILE", help="repurpose.toml to use.")
def command(
    db: str | None,
    until_idle: bool,
    concurrency: int,
    resume: tuple[str, ...],
    config: str | None,
) -> None:
    """Send outbox items when they are due: email over SMTP, posts to X, webhooks, and the
    dry-run outbox for every channel without credentials.

    Runs in the foreground until SIGTERM/SIGINT (finishes or releases what is in flight, then
    exits 0). With --until-idle it exits once nothing is due or in flight.
    """
    from repurpose.config import load_settings
    from repurpose.schedule.service import db_url
    from repurpose.schedule.store import mask_url
    from repurpose.schedule.worker import start_worker

    settings = load_settings(config)
    url = db_url(settings, db)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Line())
    logger = logging.getLogger("repurpose.worker")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if ui.state.quiet else logging.INFO)
    logger.propagate = False

    worker = start_worker(
        url,
        settings,
        resume=resume,
        concurrency=concurrency,
        until_idle=until_idle,
        notify=lambda level, text: {"info": ui.info, "warn": ui.warn}[level](text),
    )

    def _stop(signum, frame):
        ui.info(f"{signal.Signals(signum).name}: finishing what is in flight, then stopping")
        worker.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    ui.info(f"worker {worker.worker_id} started on {mask_url(url)}")
    try:
        stats = worker.run()
    finally:
        worker.outbox.close()
    ui.info(f"worker stopped: {stats.summary()}")
