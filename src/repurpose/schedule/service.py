"""The core of `repurpose schedule`: calendar + article + audience → plan → outbox (one transaction).

Kept apart from the click command so benchmarks and tests can call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from repurpose.errors import CalendarError, StoreError
from repurpose.schedule.audience import (
    AudienceError,
    Recipient,
    apply_suppression,
    load_audience,
    load_suppression,
)
from repurpose.schedule.calendar import Calendar, load_calendar
from repurpose.schedule.plan import Plan, build_plan
from repurpose.schedule.store import AddResult, Outbox, normalize_url


def find_calendar(name: str | Path) -> Path:
    """A calendar file, or the name of a packaged one (launch, weekly-newsletter, faq-drip)."""
    p = Path(name)
    if p.is_file():
        return p
    if p.suffix == "" and len(p.parts) == 1:
        from repurpose.resources import data_dir

        try:
            packaged = data_dir("schedules")
        except FileNotFoundError:  # pragma: no cover - broken install
            packaged = None
        if packaged is not None:
            for cand in (packaged / f"{name}.yaml", packaged / f"{name}.yml"):
                if cand.is_file():
                    return cand
            known = ", ".join(sorted(f.stem for f in packaged.glob("*.y*ml")))
            raise CalendarError(f"calendar not found (packaged calendars: {known})", path=p)
    raise CalendarError("calendar file not found", path=p)


def audience_path(cal: Calendar, settings: Any, override: str | None) -> Path | None:
    """--audience, else the calendar's `audience:` (relative to the calendar file), else
    email.audience from repurpose.toml (relative to that file)."""
    if override:
        return Path(override)
    if cal.audience:
        p = Path(cal.audience)
        if not p.is_absolute() and cal.path:
            p = Path(cal.path).parent / p
        return p
    configured = getattr(settings.email, "audience", None)
    if configured:
        p = Path(configured)
        if not p.is_absolute() and settings.config_path:
            p = Path(settings.config_path).parent / p
        return p
    return None


def _relative_to_config(settings: Any, value: str | None) -> Path | None:
    if not value:
        return None
    p = Path(value)
    if not p.is_absolute() and settings.config_path:
        p = Path(settings.config_path).parent / p
    return p


def load_recipients(
    cal: Calendar, settings: Any, override: str | None
) -> tuple[list[Recipient] | None, int]:
    """The calendar's email recipients minus the suppression list (None: no email step).

    A calendar with an email step and no audience, or an audience whose every address is
    suppressed, is an error here, before anything is rendered or opened."""
    email_steps = [k for k, s in enumerate(cal.steps) if s.channel == "email"]
    if not email_steps:
        return None, 0
    path = audience_path(cal, settings, override)
    if path is None:
        step = cal.steps[email_steps[0]]
        raise cal.error(
            f"step {step.id!r} sends email but no audience is set: pass --audience FILE.csv "
            "(a CSV with a header email,name,…), or set `audience:` in the calendar or "
            "email.audience in repurpose.toml",
            "steps",
            email_steps[0],
            "channel",
        )
    recipients = load_audience(path)
    suppression = _relative_to_config(settings, settings.email.suppression)
    kept, dropped = apply_suppression(recipients, load_suppression(suppression))
    if not kept:
        raise AudienceError(
            f"every address of the audience is on the suppression list ({suppression})",
            path=path,
        )
    return kept, dropped


@dataclass
class ScheduleResult:
    plan: Plan
    added: AddResult | None  # None for a dry run


def db_url(settings: Any, override: str | None) -> str:
    return normalize_url(override or settings.outbox.db)


def schedule_bundle(
    bundle: Any,
    cal: Calendar,
    store: Outbox | None,
    *,
    settings: Any,
    now: datetime | None = None,
    start: str | None = None,
    recipients: list[Recipient] | None = None,
    suppressed: int = 0,
    dry_run: bool = False,
) -> ScheduleResult:
    """Plan one rendered article on a calendar and (unless dry_run) write it in one transaction."""
    now = now or datetime.now(UTC)
    steps = [s.id for s in cal.steps]

    def taken(channel: str, account: str) -> set[datetime]:
        if store is None:
            return set()
        return store.taken_slots(
            channel, account, since=now, exclude_article=bundle.slug, exclude_steps=steps
        )

    kwargs = dict(
        settings=settings,
        now=now,
        start=start,
        recipients=recipients,
        suppressed=suppressed,
        taken=taken,
    )
    # Times in the past are fine for items the outbox already holds: running `schedule` again
    # after the start has passed (or the sends went out) adds nothing and says so. A past time
    # for anything new is refused with the calendar's own error (file, key, line).
    plan = build_plan(bundle, cal, allow_past=store is not None, **kwargs)
    if store is not None:
        existing = store.existing_keys(it.idempotency_key for it in plan.items)
        late = now - timedelta(seconds=1)
        if any(it.due_at < late and it.idempotency_key not in existing for it in plan.items):
            build_plan(bundle, cal, **kwargs)  # raises: the start or a step is in the past
            raise CalendarError("the plan has sends in the past", path=cal.path)
        _refuse_second_version(plan, store)
        plan.mark_existing(existing)
    if dry_run or store is None:
        return ScheduleResult(plan, None)
    return ScheduleResult(plan, store.add_items(plan.items, now=now))


def _refuse_second_version(plan: Plan, store: Outbox) -> None:
    """Re-scheduling after an edit (article or templates) would plan new text at times where the
    earlier text is still scheduled or already sent: both would go out. Refuse, naming them."""
    planned: dict[tuple, set[str]] = {}
    for it in plan.items:
        key = (it.step, it.channel, it.account, it.due_at)
        planned.setdefault(key, set()).add(it.payload_hash)
    steps = {it.step for it in plan.items if it.step}
    clash = [
        row
        for row in store.live_versions(plan.slug, steps)
        if (row[1], row[2], row[3], row[4]) in planned
        and row[5] not in planned[(row[1], row[2], row[3], row[4])]
    ]
    if clash:
        ids = [row[0] for row in clash]
        shown = f"{ids[0]}" if len(ids) == 1 else f"{len(ids)} items, {ids[0]}–{ids[-1]}"
        raise StoreError(
            f"{plan.slug} changed since it was scheduled on {plan.calendar}: the earlier version "
            f"is still in the outbox at the same times ({shown}); cancel it first "
            f"(repurpose queue cancel --article {plan.slug}) or schedule with another --start"
        )


def schedule_article(
    article: str,
    calendar: str,
    *,
    settings: Any,
    db: str | None = None,
    start: str | None = None,
    audience: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ScheduleResult:
    """Render ARTICLE, expand CALENDAR and write the items (the `schedule` command's one call)."""
    from repurpose import pipeline

    now = now or datetime.now(UTC)
    cal = load_calendar(find_calendar(calendar))
    recipients, suppressed = load_recipients(cal, settings, audience)
    url = db_url(settings, db)
    # An existing database is opened first (an unreachable one fails before rendering). A SQLite
    # file that does not exist yet holds nothing to plan around: it is created only when the
    # plan is complete and is written, so a failed or dry run leaves no file behind.
    store = None if _missing_sqlite_file(url) else Outbox.open(url)
    try:
        bundle = pipeline.build(article, settings)
        kwargs = dict(
            settings=settings,
            now=now,
            start=start,
            recipients=recipients,
            suppressed=suppressed,
        )
        if store is not None or dry_run:
            return schedule_bundle(bundle, cal, store, dry_run=dry_run, **kwargs)
        planned = schedule_bundle(bundle, cal, None, dry_run=True, **kwargs)
        store = Outbox.open(url)
        return ScheduleResult(planned.plan, store.add_items(planned.plan.items, now=now))
    finally:
        if store is not None:
            store.close()


def _missing_sqlite_file(url: str) -> bool:
    """A dry run never creates the database file."""
    if not url.startswith("sqlite:///"):
        return False
    path = url[len("sqlite:///") :]
    return path not in ("", ":memory:") and not Path(path).exists()
