"""`repurpose queue …`: list, show, cancel, retry, export and purge outbox items."""

from __future__ import annotations

import json

import click

from repurpose.commands._options import config_option

STATES = ("scheduled", "sending", "sent", "failed", "cancelled", "skipped")


def _store_options(f):
    f = config_option(f)
    f = click.option(
        "--db",
        metavar="URL",
        help="Outbox database (default: outbox.db in config, or REPURPOSE_DB).",
    )(f)
    return f


def _open(db, config_path):
    from repurpose.schedule.store import Outbox

    if not db:  # --db wins; otherwise outbox.db from repurpose.toml or REPURPOSE_DB
        from repurpose.config import load_settings

        db = load_settings(config_path).outbox.db
    return Outbox.open(db)


def _local(dt, tz_name: str) -> str:
    from repurpose.schedule.report import LocalTimes

    return LocalTimes()(dt, tz_name)


def _thread_rest(ids) -> str:
    rest = list(ids)[1:]
    if not rest:
        return ""
    n = len(rest)
    return f" and the {n} later post{'s' if n != 1 else ''} of its thread ({_ranges(rest)})"


def _ranges(ids) -> str:
    out, run = [], []
    for k in sorted(ids):
        if run and k != run[-1] + 1:
            out.append(run)
            run = []
        run.append(k)
    out.append(run)
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in out)


@click.group(name="queue")
def command():
    """List, inspect, cancel, retry, export and purge outbox items."""


@command.command(name="list")
@click.option(
    "--status", type=click.Choice(STATES), multiple=True, help="Only this state (repeatable)."
)
@click.option("--article", metavar="SLUG", help="Only this article.")
@click.option("--limit", type=int, help="At most this many items.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array) instead of a table.")
@_store_options
def list_(status, article, limit, as_json, db, config_path):
    """Items in due order: id, local due time, state, channel, content, recipient, first words."""
    with _open(db, config_path) as store:
        items = store.list_items(status=list(status) or None, article=article, limit=limit)
    if as_json:  # one item per line: readable, and the C encoder (indent= is pure Python)
        click.echo(
            "[\n" + ",\n".join(json.dumps(it.as_json(), ensure_ascii=False) for it in items) + "\n]"
            if items
            else "[]"
        )
        return 0
    if not items:
        from repurpose.ui import info

        info("the outbox has no matching items")
        return 0
    from repurpose.schedule.report import queue_table

    click.echo("\n".join(queue_table(items)))
    return 0


@command.command(name="show")
@click.argument("item_id", type=int, metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_store_options
def show(item_id, as_json, db, config_path):
    """One item with its payload and attempt history."""
    with _open(db, config_path) as store:
        it = store.get(item_id)
        before = store.get(it.after_id).state if it.after_id is not None else None
    if as_json:
        click.echo(json.dumps(it.as_json(), ensure_ascii=False, indent=1))
        return 0
    fields = [
        ("id", it.id),
        ("article", it.article_slug),
        ("calendar/step", f"{it.calendar or '-'} / {it.step or '-'}"),
        ("channel", it.channel if it.account == "default" else f"{it.channel}/{it.account}"),
        ("content", it.content or it.kind),
        ("due", f"{_local(it.due_at, it.tz)} ({it.due_at:%Y-%m-%d %H:%M} UTC)"),
        ("state", it.state),
        ("late policy", f"{it.late_policy} within {it.late_window_seconds // 60} min"),
        ("attempts", it.attempts),
    ]
    if it.recipient:
        fields.append(("recipient", it.recipient))
    if it.position is not None:
        after = "first post" if it.after_id is None else f"after item {it.after_id}"
        if it.state == "scheduled" and before in ("failed", "skipped", "cancelled"):
            after += f", which is {before}: this post waits for it"
        fields.append(("thread post", f"#{it.position + 1} ({after})"))
    if it.external_id:
        fields.append(("external id", it.external_id))
    if it.sent_at:
        fields.append(("sent", f"{_local(it.sent_at, it.tz)}"))
    if it.last_error:
        fields.append(("last error", it.last_error))
    fields.append(("key", it.idempotency_key))
    for k, v in fields:
        click.echo(f"{k + ':':<15}{v}")
    payload = it.payload or {}
    if "subject" in payload:
        click.echo(f"{'subject:':<15}{payload['subject']}")
        click.echo(f"{'preheader:':<15}{payload.get('preheader', '')}")
        click.echo(f"{'body:':<15}{len(payload.get('html', ''))} bytes HTML, text part follows")
        click.echo(payload.get("text", ""))
    elif "text" in payload:
        click.echo("text:")
        click.echo(payload["text"])
    click.echo("attempts:" if it.history else "attempts:      none yet")
    for h in it.history:
        latency = f" {h['latency_ms']} ms" if h.get("latency_ms") is not None else ""
        err = f" — {h['error']}" if h.get("error") else ""
        click.echo(
            f"  #{h['n']} {h['finished_at']} {h['outcome']}{latency} ({h['worker_id'] or '-'}){err}"
        )
    return 0


@command.command(name="cancel")
@click.argument("item_id", type=int, required=False, metavar="[ID]")
@click.option("--article", metavar="SLUG", help="Cancel every scheduled item of this article.")
@_store_options
def cancel(item_id, article, db, config_path):
    """Cancel one scheduled item, or all scheduled items of an article."""
    from repurpose.ui import info

    if (item_id is None) == (article is None):
        raise click.UsageError("give an item ID or --article SLUG (one of them)")
    with _open(db, config_path) as store:
        if article:
            n = store.cancel_article(article)
            info(f"cancelled {n} scheduled items of {article}")
        else:
            ids = store.cancel(item_id)
            info(f"cancelled item {item_id}{_thread_rest(ids)}")
    return 0


@command.command(name="retry")
@click.argument("item_id", type=int, metavar="ID")
@_store_options
def retry(item_id, db, config_path):
    """Put a failed, skipped or cancelled item back on the queue, due now."""
    from repurpose.ui import info

    with _open(db, config_path) as store:
        ids = store.retry(item_id)
    info(f"item {item_id}{_thread_rest(ids)} scheduled again, due now")
    return 0


@command.command(name="export")
@click.option(
    "--ics", "ics_path", required=True, type=click.Path(dir_okay=False), help="File to write."
)
@click.option(
    "--status", type=click.Choice(STATES), multiple=True, help="Only this state (repeatable)."
)
@click.option("--article", metavar="SLUG", help="Only this article.")
@_store_options
def export(ics_path, status, article, db, config_path):
    """Write the queue as an iCalendar file to open in a calendar app: one event per send (an
    email to a whole list, a whole thread, one post), its items counted in the event."""
    from repurpose.schedule.ics import write_ics
    from repurpose.ui import info

    with _open(db, config_path) as store:
        items = store.list_items(status=list(status) or None, article=article)
    _, events = write_ics(items, ics_path)
    info(f"wrote {events} events ({len(items)} items) to {ics_path}")
    return 0


@command.command(name="purge")
@click.option(
    "--sent-before", required=True, metavar="DATE", help="Delete items sent before this date (UTC)."
)
@_store_options
def purge(sent_before, db, config_path):
    """Delete sent items (and their attempt history) sent before DATE."""
    from datetime import UTC, datetime

    from repurpose.ui import info

    try:
        when = datetime.fromisoformat(sent_before.strip())
    except ValueError:
        raise click.BadParameter(
            f"not a date: {sent_before!r} (write 2025-06-30)", param_hint="--sent-before"
        ) from None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    with _open(db, config_path) as store:
        n = store.purge(when)
    info(f"purged {n} sent items")
    return 0
