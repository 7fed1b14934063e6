"""`repurpose schedule ARTICLE --calendar FILE`: plan an article's pieces into the outbox."""

from __future__ import annotations

import click

from repurpose.commands._options import config_option


def _parse_now(value: str | None):
    if not value:
        return None
    from datetime import UTC, datetime

    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date-time: {value!r}", param_hint="--now") from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


@click.command(name="schedule")
@click.argument("article", metavar="ARTICLE")
@click.option(
    "-c",
    "--calendar",
    required=True,
    metavar="FILE",
    help="Publishing calendar (YAML), or a packaged one: launch, weekly-newsletter, faq-drip.",
)
@click.option(
    "--start",
    metavar="WHEN",
    help='Override the calendar\'s start: "next tuesday 09:00", "2025-04-01 09:00", "+1d 10:30".',
)
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option(
    "--db", metavar="URL", help="Outbox database (default: outbox.db in config, or REPURPOSE_DB)."
)
@config_option
@click.option(
    "--audience", metavar="CSV", help="Email recipients (email,name,…); overrides config."
)
@click.option("--now", "now_", hidden=True, help="Pretend it is this UTC time (tests, demos).")
def command(article, calendar, start, dry_run, db, config_path, audience, now_):
    """Put ARTICLE's pieces on a publishing calendar.

    Renders the article, expands the calendar into concrete sends (local time, channel, content),
    prints the plan and writes it to the outbox in one transaction. Scheduling the same article
    with the same calendar again adds nothing.
    """
    from repurpose.config import load_settings
    from repurpose.schedule.report import plan_table, result_notes
    from repurpose.schedule.service import schedule_article
    from repurpose.ui import info

    settings = load_settings(config_path)
    result = schedule_article(
        article,
        calendar,
        settings=settings,
        db=db,
        start=start,
        audience=audience,
        dry_run=dry_run,
        now=_parse_now(now_),
    )
    for line in plan_table(result.plan):
        click.echo(line)
    for note in result_notes(result):
        info(note)
    return 0
