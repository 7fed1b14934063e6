"""Bundle + Calendar → the outbox items to add (pure: no database, no clock of its own).

Payloads are rendered here, at schedule time: the email's subject, preheader, HTML and text, and
each post's text, are stored with the item so later template edits never change a planned send.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from repurpose.errors import CalendarError
from repurpose.schedule.audience import Recipient
from repurpose.schedule.calendar import Calendar, Slot, TakenFn, expand
from repurpose.schedule.store import NewItem, content_hash, idempotency_key


@dataclass(frozen=True)
class Piece:
    """One payload a slot sends: kind email|post, body, and its position in a thread."""

    kind: str
    body: dict
    position: int | None = None
    label: str = ""


@dataclass(frozen=True)
class PlanRow:
    """One line of the printed plan: a slot with what it sends."""

    at: datetime
    tz: str
    channel: str
    account: str
    content: str
    step: str
    summary: str
    count: int  # recipients (email) or posts (thread)
    new: int  # how many of its items are not in the outbox yet


@dataclass
class Plan:
    slug: str
    calendar: str
    items: list[NewItem]
    rows: list[PlanRow] = field(default_factory=list)
    suppressed: int = 0

    def mark_existing(self, existing: set[str]) -> None:
        """Recount `new` per row given the idempotency keys already stored."""
        by_row: dict[tuple, list[NewItem]] = {}
        for it in self.items:
            by_row.setdefault((it.step, it.due_at, it.channel, it.account), []).append(it)
        self.rows = [
            PlanRow(
                **{
                    **r.__dict__,
                    "new": sum(
                        1
                        for it in by_row.get((r.step, r.at, r.channel, r.account), [])
                        if it.idempotency_key not in existing
                    ),
                }
            )
            for r in self.rows
        ]

    @property
    def new_count(self) -> int:
        return sum(r.new for r in self.rows)


def first_words(text: str, n: int = 60) -> str:
    flat = " ".join(str(text).split())
    if len(flat) <= n:
        return flat
    cut = flat[: n - 1].rsplit(" ", 1)[0]
    return (cut or flat[: n - 1]) + "…"


def faq_count(bundle: Any) -> int:
    faq = bundle.composition.faq
    return len(faq.items) if faq else 0


def _thread(bundle: Any, platform: str):
    for t in bundle.composition.threads:
        if t.platform == platform:
            return t
    return None


def _strip_numbering(text: str, i: int, n: int, numbering: str) -> str:
    if numbering:
        suffix = numbering.replace("{i}", str(i)).replace("{n}", str(n))
        if text.endswith(suffix):
            return text[: -len(suffix)].rstrip()
    return text


def _fit(text: str, platform: str, limit: int | None) -> str:
    """Shorten by words (with …) until the platform's own count accepts the text."""
    try:
        from repurpose.platforms import get_platform

        p = get_platform(platform)
        length, lim = p.length, (limit or p.limit)
    except Exception:  # platform rules unavailable: count characters
        length, lim = len, (limit or 280)
    if length(text) <= lim:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        cand = " ".join(words).rstrip(" ,;:.") + "…"
        if length(cand) <= lim:
            return cand
    return text[: max(1, lim - 1)] + "…"


def pieces(bundle: Any, slot: Slot, *, settings: Any, cal: Calendar) -> list[Piece]:
    """What one slot sends. FAQ steps send the FAQ item of the slot's occurrence."""
    comp = bundle.composition
    platform = slot.platform or ("x" if slot.channel == "webhook" else slot.channel)
    where = ("steps", cal.step_index(slot.step_id))
    if slot.content == "digest":
        html, text = bundle.files.get("email.html"), bundle.files.get("email.txt")
        if html is None or text is None:
            raise cal.error("the rendered bundle has no email (email.html, email.txt)", *where)
        subject = comp.digest.subject
        prefix = getattr(getattr(settings, "email", None), "subject_prefix", "") or ""
        if prefix and not subject.startswith(prefix):
            subject = f"{prefix}{subject}"
        body = {"subject": subject, "preheader": comp.digest.preheader, "html": html, "text": text}
        return [Piece("email", body, label=subject)]
    if slot.content == "faq":
        faq = comp.faq
        if not faq or slot.occurrence >= len(faq.items):
            raise cal.error("the article has no FAQ to post", *where)
        entry = faq.items[slot.occurrence]
        thread = _thread(bundle, platform)
        text = f"{entry.question}\n\n{entry.answer}"
        url = bundle.article.url
        if url:
            text = _fit(text, platform, (thread.limit - 25) if thread else None) + f"\n\n{url}"
        else:
            text = _fit(text, platform, thread.limit if thread else None)
        return [Piece("post", {"text": text}, label=entry.question)]
    thread = _thread(bundle, platform)
    if thread is None or not thread.posts:
        raise cal.error(
            f"the article has no {platform} thread (add {platform} to social.platforms in "
            "repurpose.toml)",
            *where,
        )
    numbering = getattr(getattr(settings, "social", None), "numbering", " {i}/{n}")
    if slot.content == "post":
        text = _strip_numbering(thread.posts[0].text, 1, len(thread.posts), numbering)
        return [Piece("post", {"text": text}, label=text)]
    return [
        Piece("post", {"text": p.text}, position=k, label=p.text)
        for k, p in enumerate(thread.posts)
    ]


def build_plan(
    bundle: Any,
    cal: Calendar,
    *,
    settings: Any,
    now: datetime,
    start: str | None = None,
    recipients: Sequence[Recipient] | None = None,
    suppressed: int = 0,
    taken: TakenFn | None = None,
    allow_past: bool = False,
) -> Plan:
    """Expand the calendar for this bundle and turn every slot into items (one per recipient for
    email, one per post for threads, linked in order)."""
    faq_steps = {s.id: faq_count(bundle) for s in cal.steps if s.content == "faq"}
    for sid, n in faq_steps.items():
        if n == 0:
            raise cal.error(
                "the article has no FAQ to post", "steps", cal.step_index(sid), "content"
            )
    slots = expand(
        cal, now=now, start=start, faq_counts=faq_steps, taken=taken, allow_past=allow_past
    )
    slug = bundle.slug
    name = cal.name or "calendar"
    items: list[NewItem] = []
    rows: list[PlanRow] = []
    for slot in slots:
        made = pieces(bundle, slot, settings=settings, cal=cal)
        common = {
            "article_slug": slug,
            "channel": slot.channel,
            "account": slot.account,
            "due_at": slot.at,
            "tz": slot.tz,
            "calendar": name,
            "step": slot.step_id,
            "content": slot.content,
            "late_policy": slot.late_policy,
            "late_window_seconds": slot.late_window_seconds,
        }
        if slot.channel == "email":
            if not recipients:
                raise cal.error(
                    "this step sends email but there is no audience: set `audience:` in the "
                    "calendar, email.audience in repurpose.toml, or pass --audience",
                    "steps",
                    cal.step_index(slot.step_id),
                    "channel",
                )
            piece = made[0]
            chash = content_hash(piece.kind, piece.body)
            for r in recipients:
                key = idempotency_key(
                    slug=slug,
                    content_hash=chash,
                    channel=slot.channel,
                    account=slot.account,
                    at=slot.at,
                    who=r.key,
                )
                items.append(
                    NewItem(
                        **common,
                        kind="email",
                        body=piece.body,
                        idempotency_key=key,
                        summary=first_words(piece.label),
                        recipient=r.email,
                        recipient_name=r.name or None,
                        merge=dict(r.fields) or None,
                    )
                )
            count = len(recipients)
        else:
            thread_key = None
            if len(made) > 1:
                thread_key = hashlib.sha256(
                    f"{slug}\x1f{slot.step_id}\x1f{slot.at.isoformat()}\x1f{slot.channel}".encode()
                ).hexdigest()[:32]
            prev_key = None
            for piece in made:
                chash = content_hash(piece.kind, piece.body)
                key = idempotency_key(
                    slug=slug,
                    content_hash=chash,
                    channel=slot.channel,
                    account=slot.account,
                    at=slot.at,
                    who=f"post:{piece.position if piece.position is not None else 0}",
                )
                items.append(
                    NewItem(
                        **common,
                        kind=piece.kind,
                        body=piece.body,
                        idempotency_key=key,
                        summary=first_words(piece.label),
                        thread_key=thread_key,
                        position=piece.position,
                        after_key=prev_key if thread_key else None,
                    )
                )
                prev_key = key
            count = len(made)
        rows.append(
            PlanRow(
                at=slot.at,
                tz=slot.tz,
                channel=slot.channel,
                account=slot.account,
                content=slot.content if slot.content != "faq" else f"faq {slot.occurrence + 1}",
                step=slot.step_id,
                summary=first_words(made[0].label),
                count=count,
                new=count,
            )
        )
    if not items:
        raise CalendarError("the calendar produced nothing to send", path=cal.path)
    return Plan(slug=slug, calendar=name, items=items, rows=rows, suppressed=suppressed)
