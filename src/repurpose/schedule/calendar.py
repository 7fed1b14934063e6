"""Publishing calendars: YAML → validated Calendar → concrete slots.

`parse_calendar(text, path)` validates with pydantic and maps every error to the file, the key
path and the line (from yaml's node marks). `expand(calendar, now=…)` is pure: it turns the steps
into `Slot`s (UTC instants plus the calendar's timezone) given `now`, an optional start override,
the number of FAQ posts per step and the posting slots already taken in the outbox.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from repurpose.errors import CalendarError
from repurpose.schedule import when as W

CHANNELS = ("email", "x", "bluesky", "mastodon", "linkedin", "threads", "webhook")
SOCIAL = ("x", "bluesky", "mastodon", "linkedin", "threads")
CONTENTS = ("digest", "thread", "faq", "post")
ALLOWED: dict[str, tuple[str, ...]] = {
    "email": ("digest",),
    **{c: ("thread", "post", "faq") for c in SOCIAL},
    "webhook": CONTENTS,
}
# How late a missed send may still go out, unless the calendar says otherwise.
DEFAULT_LATE_WINDOW = {"email": timedelta(hours=6)}
DEFAULT_POST_LATE_WINDOW = timedelta(hours=1)
MAX_OCCURRENCES = 1000
_TYPE_LOC = re.compile(r"^(str|int|float|bool|list\[.*\]|dict\[.*\]|function-.*|.*\[.*\])$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_duration(v: str | int | None) -> str | int | None:
    if v is not None:
        try:
            W.parse_duration(str(v))
        except W.WhenError as exc:
            raise ValueError(str(exc)) from None
    return v


class Repeat(_Model):
    """every N days (`every: 2` or `every: 2d`, `1w`) or on weekdays (`on: mon,wed`), until a date
    (inclusive, local) or for a number of occurrences (the first one included)."""

    every: str | int | None = None
    on: str | list[str] | None = None
    until: str | None = None
    count: int | None = Field(None, ge=1, le=MAX_OCCURRENCES)

    @field_validator("every")
    @classmethod
    def _every(cls, v):
        if v is None:
            return v
        s = f"{v}d" if isinstance(v, int) or str(v).strip().isdigit() else str(v)
        try:
            d = W.parse_duration(s)
        except W.WhenError as exc:
            raise ValueError(str(exc)) from None
        if d < timedelta(days=1) or d % timedelta(days=1):
            raise ValueError(f"every must be whole days or weeks (e.g. 1d, 2d, 1w), got {v!r}")
        return s

    @field_validator("on")
    @classmethod
    def _on(cls, v):
        if v is None:
            return v
        try:
            W.parse_weekdays(v)
        except W.WhenError as exc:
            raise ValueError(str(exc)) from None
        return v

    @field_validator("until")
    @classmethod
    def _until(cls, v):
        if v is None:
            return v
        try:
            date.fromisoformat(str(v).strip())
        except ValueError:
            raise ValueError(f"until must be a date such as 2025-06-30, got {v!r}") from None
        return v

    @model_validator(mode="after")
    def _one_rule(self):
        if (self.every is None) == (self.on is None):
            raise ValueError("repeat needs exactly one of `every` (days) or `on` (weekdays)")
        return self

    @property
    def interval_days(self) -> int | None:
        return W.parse_duration(self.every).days if self.every else None

    @property
    def until_date(self) -> date | None:
        return date.fromisoformat(self.until.strip()) if self.until else None


class Step(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    channel: str
    content: str
    when: str = "+0"
    after: str | None = None
    account: str = "default"
    platform: str | None = None  # webhook: whose thread/post text to send (default x)
    repeat: Repeat | None = None
    late: Literal["send", "skip"] | None = None
    late_window: str | None = None

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str) -> str:
        if v not in CHANNELS:
            raise ValueError(f"unknown channel {v!r} (known: {', '.join(CHANNELS)})")
        return v

    @field_validator("content")
    @classmethod
    def _content(cls, v: str) -> str:
        if v not in CONTENTS:
            raise ValueError(f"unknown content {v!r} (known: {', '.join(CONTENTS)})")
        return v

    @field_validator("platform")
    @classmethod
    def _platform(cls, v):
        if v is not None and v not in SOCIAL:
            raise ValueError(f"unknown platform {v!r} (known: {', '.join(SOCIAL)})")
        return v

    @field_validator("when", mode="before")
    @classmethod
    def _when_number(cls, v):
        # YAML reads `+0` / `+2` as numbers: they mean "+0" / "+2h"
        return f"+{v}" if isinstance(v, int | float) and not isinstance(v, bool) else v

    @field_validator("when")
    @classmethod
    def _when(cls, v: str) -> str:
        v = str(v)
        if W.is_slot_phrase(v):
            return v
        probe = datetime(2000, 1, 3, 12, tzinfo=UTC)
        try:
            W.parse_when(v, tz=ZoneInfo("UTC"), base=probe)
        except W.WhenError as exc:
            raise ValueError(str(exc)) from None
        return v

    _late_window = field_validator("late_window")(lambda cls, v: _check_duration(v))

    @model_validator(mode="after")
    def _fits_channel(self):
        if self.content not in ALLOWED[self.channel]:
            raise ValueError(
                f"channel {self.channel} cannot send {self.content!r} "
                f"(it sends: {', '.join(ALLOWED[self.channel])})"
            )
        return self

    @property
    def uses_slots(self) -> bool:
        return W.is_slot_phrase(self.when)


class Calendar(_Model):
    name: str | None = None
    description: str | None = None
    timezone: str
    start: str | None = None
    audience: str | None = None
    slots: dict[str, str | list[str]] = {}
    late: Literal["send", "skip"] = "send"
    late_window: str | None = None
    steps: list[Step] = Field(min_length=1)
    _path: str | None = PrivateAttr(None)
    _lines: dict[tuple, int] = PrivateAttr(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            W.zone(v)
        except W.WhenError as exc:
            raise ValueError(str(exc)) from None
        return v

    @field_validator("start")
    @classmethod
    def _start(cls, v):
        if v is None:
            return v
        try:
            W.parse_when(str(v), tz=ZoneInfo("UTC"), base=datetime(2000, 1, 3, tzinfo=UTC))
        except W.WhenError as exc:
            raise ValueError(str(exc)) from None
        return str(v)

    @field_validator("slots")
    @classmethod
    def _slots(cls, v: dict) -> dict:
        for channel, spec in v.items():
            if channel not in CHANNELS:
                raise ValueError(f"unknown channel {channel!r} (known: {', '.join(CHANNELS)})")
            try:
                W.parse_slots(spec)
            except W.WhenError as exc:
                raise ValueError(f"{channel}: {exc}") from None
        return v

    _late_window = field_validator("late_window")(lambda cls, v: _check_duration(v))

    # -- helpers -------------------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return W.zone(self.timezone)

    @property
    def path(self) -> str | None:
        return self._path

    def line_of(self, *keys: str | int) -> int | None:
        return _line_for(self._lines, keys)

    def error(self, message: str, *keys: str | int) -> CalendarError:
        where = _keypath(keys)
        return CalendarError(
            f"{where}: {message}" if where else message, path=self._path, line=self.line_of(*keys)
        )

    def step_index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)

    def slot_rules(self, channel: str) -> list[W.SlotRule] | None:
        spec = self.slots.get(channel)
        return W.parse_slots(spec) if spec is not None else None


# ---- YAML with line numbers --------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates and times as text: the calendar reads them itself, in its tz."""


# Also no YAML 1.1 booleans for on/off/yes/no (`on: mon,wed` is a key, not `True`).
_Loader.yaml_implicit_resolvers = {
    k: [
        (tag, rx)
        for tag, rx in v
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _walk(node: yaml.Node, path: tuple, out: dict[tuple, int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            p = (*path, key.value)
            out[p] = key.start_mark.line + 1
            _walk_children(value, p, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), out)


def _walk_children(node: yaml.Node, path: tuple, out: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        # the key's own line stays the line of `path`; children get theirs
        saved = out[path]
        _walk(node, path, out)
        out[path] = saved


def _line_for(lines: Mapping[tuple, int], keys: tuple) -> int | None:
    keys = tuple(keys)
    while keys:
        if keys in lines:
            return lines[keys]
        keys = keys[:-1]
    return lines.get(())


def _keypath(keys: tuple) -> str:
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def _describe(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if err["type"] == "missing":
        return "missing (required)"
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg


def parse_calendar(text: str, path: str | Path | None = None) -> Calendar:
    """Validate a calendar's YAML text; errors name the file, the key path and the line."""
    where = str(path) if path is not None else "<calendar>"
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CalendarError(
            f"malformed YAML: {problem}", path=where, line=mark.line + 1 if mark else None
        ) from None
    if not isinstance(data, dict):
        raise CalendarError(
            "a calendar must be a mapping with timezone, start and steps", path=where
        )
    lines: dict[tuple, int] = {}
    _walk(node, (), lines)
    try:
        cal = Calendar.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        # pydantic adds union members and validator names to loc; keep the document's keys
        loc = tuple(
            p
            for p in first["loc"]
            if not (isinstance(p, str) and _TYPE_LOC.match(p) and p not in data)
        )
        key = _keypath(loc) or "(top level)"
        raise CalendarError(
            f"{key}: {_describe(first)}", path=where, line=_line_for(lines, loc)
        ) from None
    cal._path = where
    cal._lines = lines
    _check_graph(cal)
    for i, step in enumerate(cal.steps):
        if step.uses_slots and step.channel not in cal.slots:
            raise cal.error(
                f"'{step.when}' needs posting slots for {step.channel} "
                f'(add slots: {{{step.channel}: "mon-fri 09:15, 16:00"}})',
                "steps",
                i,
                "when",
            )
    return cal


def load_calendar(path: str | Path) -> Calendar:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CalendarError("calendar file not found", path=p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarError(f"cannot read calendar: {exc}", path=p) from None
    cal = parse_calendar(text, p)
    if cal.name is None:
        named = cal.model_copy(update={"name": p.stem})
        named._path, named._lines = cal._path, cal._lines
        cal = named
    return cal


def _check_graph(cal: Calendar) -> None:
    ids: dict[str, int] = {}
    for i, step in enumerate(cal.steps):
        if step.id in ids:
            raise cal.error(f"duplicate step id {step.id!r}", "steps", i, "id")
        ids[step.id] = i
    for i, step in enumerate(cal.steps):
        if step.after is not None and step.after not in ids:
            known = ", ".join(ids)
            raise cal.error(f"unknown step {step.after!r} (steps: {known})", "steps", i, "after")
    topo_order(cal)


def topo_order(cal: Calendar) -> list[Step]:
    """Steps ordered so each comes after the step it refers to (file order otherwise)."""
    by_id = {s.id: s for s in cal.steps}
    done: dict[str, bool] = {}
    order: list[Step] = []

    def visit(step: Step, trail: list[str]) -> None:
        if done.get(step.id):
            return
        if step.id in trail:
            cycle = " → ".join([*trail[trail.index(step.id) :], step.id])
            raise cal.error(
                f"cycle between steps: {cycle}", "steps", cal.step_index(step.id), "after"
            )
        if step.after:
            visit(by_id[step.after], [*trail, step.id])
        done[step.id] = True
        order.append(step)

    for s in cal.steps:
        visit(s, [])
    return order


# ---- expansion --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One concrete send time of one step (occurrence 0, 1, …)."""

    step_id: str
    occurrence: int
    at: datetime  # aware, UTC
    tz: str
    channel: str
    account: str
    content: str
    late_policy: str  # "send_late" | "skip"
    late_window_seconds: int
    platform: str | None = None

    @property
    def local(self) -> datetime:
        return self.at.astimezone(ZoneInfo(self.tz))


TakenFn = Callable[[str, str], set[datetime]]


@dataclass
class _Taken:
    fetch: TakenFn | None
    cache: dict[tuple[str, str], set[datetime]] = field(default_factory=dict)

    def get(self, channel: str, account: str) -> set[datetime]:
        key = (channel, account)
        if key not in self.cache:
            found = self.fetch(channel, account) if self.fetch else set()
            self.cache[key] = {t.astimezone(UTC) for t in found}
        return self.cache[key]


def resolve_start(
    cal: Calendar, *, now: datetime, start: str | None = None, allow_past: bool = False
) -> datetime:
    """The calendar's (or --start's) start as a UTC instant. A start in the past is an error
    unless `allow_past` (the caller then checks that every past send is already planned)."""
    text = start if start is not None else cal.start
    tz = cal.tz
    if text is None:
        raise cal.error("missing: set `start:` in the calendar or pass --start", "start")
    try:
        at = W.parse_when(str(text), tz=tz, base=now)
    except W.WhenError as exc:
        if start is not None:
            raise CalendarError(f"--start: {exc}") from None
        raise cal.error(str(exc), "start") from None
    if not allow_past and at < now - timedelta(seconds=1):
        shown, now_shown = _past_pair(at, now, tz)
        msg = f"start {shown} is in the past (now {now_shown}); pick a later start or pass --start"
        if start is not None:
            raise CalendarError(f"--start: {msg}", path=cal.path)
        raise cal.error(msg, "start")
    return at.astimezone(UTC)


def _past_pair(at: datetime, now: datetime, tz: ZoneInfo) -> tuple[str, str]:
    """A past time and now, local; with seconds when the minutes alone look the same."""
    a, n = W.fmt_local(at, tz), W.fmt_local(now, tz)
    if a != n:
        return a, n
    return tuple(
        f"{t.astimezone(tz):%a %Y-%m-%d %H:%M:%S} {t.astimezone(tz).tzname()}" for t in (at, now)
    )


def _late(cal: Calendar, step: Step) -> tuple[str, int]:
    policy = step.late or cal.late
    window = step.late_window or cal.late_window
    if window is not None:
        delta = W.parse_duration(window)
    else:
        delta = DEFAULT_LATE_WINDOW.get(step.channel, DEFAULT_POST_LATE_WINDOW)
    return ("send_late" if policy == "send" else "skip"), int(delta.total_seconds())


def _occurrences(cal: Calendar, step: Step, i: int, faq_count: int | None) -> int | None:
    """How many times a step fires: None = until the repeat's `until` date."""
    rep = step.repeat
    if step.content == "faq":
        n = faq_count if faq_count is not None else 1
        return min(n, rep.count) if rep and rep.count else n
    if rep is None:
        return 1
    if rep.count is None and rep.until is None:
        raise cal.error("repeat needs `count` or `until`", "steps", i, "repeat")
    return rep.count


def expand(
    cal: Calendar,
    *,
    now: datetime,
    start: str | None = None,
    faq_counts: Mapping[str, int] | None = None,
    taken: TakenFn | None = None,
    allow_past: bool = False,
) -> list[Slot]:
    """Concrete slots for every step, ordered by time. `faq_counts[step_id]` is how many FAQ posts
    the step sends (one per FAQ item); `taken(channel, account)` returns slots already used in the
    outbox, which "next free slot" steps skip (as they skip each other's). A start or send time
    in the past is an error unless `allow_past` (re-scheduling what the outbox already holds)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = cal.tz
    start_at = resolve_start(cal, now=now, start=start, allow_past=allow_past)
    used = _Taken(taken)
    first: dict[str, datetime] = {}
    slots: list[Slot] = []
    for step in topo_order(cal):
        i = cal.step_index(step.id)
        base = first[step.after] if step.after else start_at
        n = _occurrences(cal, step, i, (faq_counts or {}).get(step.id))
        until = step.repeat.until_date if step.repeat else None
        times: list[datetime] = []
        if step.uses_slots:
            rules = cal.slot_rules(step.channel) or []
            taken_set = used.get(step.channel, step.account)
            cursor = base
            while n is None or len(times) < n:
                at = _free_slot(rules, tz, cursor, taken_set)
                if until and at.astimezone(tz).date() > until:
                    break
                times.append(at)
                taken_set.add(at.astimezone(UTC))
                cursor = (
                    _advance(step, times[0], times[-1], len(times), tz)
                    if step.repeat
                    else at + timedelta(minutes=1)
                )
                if cursor is None:
                    break
                if len(times) > MAX_OCCURRENCES:
                    raise cal.error(f"more than {MAX_OCCURRENCES} sends", "steps", i, "repeat")
        else:
            t0 = W.parse_when(step.when, tz=tz, base=base)
            at: datetime | None = t0
            while at is not None and (n is None or len(times) < n):
                if until and at.astimezone(tz).date() > until:
                    break
                times.append(at)
                if len(times) > MAX_OCCURRENCES:
                    raise cal.error(f"more than {MAX_OCCURRENCES} sends", "steps", i, "repeat")
                at = _advance(step, t0, times[-1], len(times), tz)
        if not times:
            raise cal.error("no send time falls before `until`", "steps", i, "repeat")
        for k, at in enumerate(times):
            if not allow_past and at < now - timedelta(seconds=1):
                raise cal.error(
                    "{} is in the past (now {})".format(*_past_pair(at, now, tz)),
                    "steps",
                    i,
                    "when",
                )
            policy, window = _late(cal, step)
            slots.append(
                Slot(
                    step_id=step.id,
                    occurrence=k,
                    at=at.astimezone(UTC),
                    tz=cal.timezone,
                    channel=step.channel,
                    account=step.account,
                    content=step.content,
                    late_policy=policy,
                    late_window_seconds=window,
                    platform=step.platform,
                )
            )
        first[step.id] = times[0].astimezone(UTC)
    order = {s.id: k for k, s in enumerate(cal.steps)}
    slots.sort(key=lambda s: (s.at, order[s.step_id], s.occurrence))
    return slots


def _advance(step: Step, t0: datetime, prev: datetime, k: int, tz: ZoneInfo) -> datetime | None:
    """The k-th repetition after t0 (k ≥ 1; `prev` is the (k-1)-th): local date arithmetic so the
    wall time is kept."""
    rep = step.repeat
    local = t0.astimezone(tz)
    if rep is None:
        if step.content == "faq":  # one FAQ post a day unless the calendar says otherwise
            return W.resolve_local(local.replace(tzinfo=None) + timedelta(days=k), tz)
        return None
    if rep.interval_days:
        return W.resolve_local(
            local.replace(tzinfo=None) + timedelta(days=k * rep.interval_days), tz
        )
    days = W.parse_weekdays(rep.on)
    return W.next_cron(days, local.time(), tz, prev + timedelta(minutes=1))


def _free_slot(
    rules: list[W.SlotRule], tz: ZoneInfo, after: datetime, taken: set[datetime]
) -> datetime:
    at = W.next_slot(rules, tz, after)
    for _ in range(10_000):
        if at.astimezone(UTC) not in taken:
            return at
        at = W.next_slot(rules, tz, at + timedelta(minutes=1))
    raise CalendarError("no free posting slot in the next 10,000 slots")  # pragma: no cover


__all__ = [
    "ALLOWED",
    "CHANNELS",
    "CONTENTS",
    "Calendar",
    "Slot",
    "Step",
    "expand",
    "load_calendar",
    "parse_calendar",
    "resolve_start",
    "topo_order",
]
