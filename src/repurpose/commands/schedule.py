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


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


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
    from repurpose.schedule.service import schedule_article
    from repurpose.schedule.when import fmt_local, zone
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
    plan = result.plan
    rows = [
        (
            fmt_local(r.at, zone(r.tz)),
            r.channel if r.account == "default" else f"{r.channel}/{r.account}",
            r.content,
            _n(r.count, "recipient" if r.channel == "email" else "post"),
            r.summary,
            ""
            if r.new == r.count
            else ("already scheduled" if r.new == 0 else f"{r.count - r.new} already scheduled"),
        )
        for r in plan.rows
    ]
    heads = ("WHEN", "CHANNEL", "CONTENT", "ITEMS", "FIRST WORDS", "")
    widths = [max(len(h), *(len(row[k]) for row in rows)) for k, h in enumerate(heads)]
    for row in (heads, *rows):
        click.echo("  ".join(cell.ljust(widths[k]) for k, cell in enumerate(row)).rstrip())
    total = len(plan.items)
    if plan.suppressed:
        info(f"{plan.suppressed} suppressed addresses left out")
    if result.added is None:
        info(f"dry run: {total} items planned ({plan.new_count} new); nothing written")
    elif result.added.added == 0:
        info(
            f"nothing new: all {total} items of {plan.slug} on {plan.calendar} are already scheduled"
        )
    else:
        notes = []
        if result.added.revived:
            notes.append(f"{result.added.revived} of them had been cancelled")
        if result.added.existing:
            notes.append(f"{result.added.existing} were already scheduled")
        extra = f" ({'; '.join(notes)})" if notes else ""
        info(f"scheduled {result.added.added} items for {plan.slug}{extra}")
    return 0
