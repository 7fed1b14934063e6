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
    from repurpose.deliver.base import CHANNELS, Registry
    from repurpose.errors import ConfigError
    from repurpose.schedule.service import db_url
    from repurpose.schedule.store import Outbox, mask_url
    from repurpose.schedule.worker import Worker

    settings = load_settings(config)
    url = db_url(settings, db)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Line())
    logger = logging.getLogger("repurpose.worker")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if ui.state.quiet else logging.INFO)
    logger.propagate = False

    for spec in resume:
        if spec.partition(":")[0] not in CHANNELS:
            raise ConfigError(f"--resume {spec}: unknown channel (known: {', '.join(CHANNELS)})")
    outbox = Outbox.open(url)
    for spec in resume:
        channel, _, account = spec.partition(":")
        if outbox.resume_channel(channel, account or "default"):
            ui.info(f"{spec}: pause lifted")
        else:
            ui.warn(f"{spec}: was not paused")
    for pause in outbox.paused_channels():
        if pause["until"] is None:
            ui.warn(
                f"{pause['channel']} (account {pause['account']}) is paused: {pause['reason']}; "
                f"run with --resume {pause['channel']} once fixed"
            )
    registry = Registry(settings)
    worker = Worker(
        outbox, settings, registry=registry, concurrency=concurrency, until_idle=until_idle
    )
    for plan in registry.plans():
        if plan.dry_run:
            ui.info(
                f"{plan.channel}: dry-run ({plan.reason}), writing to {settings.outbox.directory}/"
            )
        else:
            ui.info(f"{plan.channel}: live, {plan.reason}")
    dry = registry.dry_run_channels()
    if dry and len(dry) == len(registry.plans()):
        ui.warn("every channel is in dry-run: nothing leaves this machine")

    def _stop(signum, frame):
        ui.info(f"{signal.Signals(signum).name}: finishing what is in flight, then stopping")
        worker.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    ui.info(f"worker {worker.worker_id} started on {mask_url(url)}")
    try:
        stats = worker.run()
    finally:
        close = getattr(outbox, "close", None)
        if close:
            close()
    ui.info(f"worker stopped: {stats.summary()}")
