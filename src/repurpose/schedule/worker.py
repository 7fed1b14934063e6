"""The worker: APScheduler is the clock, the outbox is the single source of truth.

One APScheduler BackgroundScheduler (in-memory job store, never shared with another process) runs
two jobs:

- `dispatch`, a one-shot job set for the next due time: it claims due items in batches
  (store.claim_due with a lease and this worker's id), hands them to the senders and records every
  outcome; then it sets itself again for the next due time. Its misfire_grace_time is None: a
  dispatch that wakes late still runs (APScheduler's default of 1 s would silently drop it).
- `tick`, every `wake_seconds`: heartbeat, notices items added by other processes (an earlier
  next due time moves `dispatch` forward), and ends an `--until-idle` run.

Nothing about the queue lives in APScheduler: a restart loses nothing, since every item is a row.

Outcomes: sent → mark_sent; transient errors → mark_retry with exponential backoff and jitter
until settings.worker.max_attempts, then failed; permanent errors → failed with the reason;
AuthFailed → the channel/account is paused (store.pause_channel) and the item goes back
unchanged; RateLimited → retried at the time the remote side gave. A send that is too late for its
late policy is skipped with the reason.

Crash accounting: a batch is claimed with `started=False` and each row is marked started right
before its send (in the same transaction that records the previous send). When a killed worker's
leases are recovered, only the rows whose send had started get an "expired" attempt; the rest of
its batch goes back untouched. An expired attempt counts toward max_attempts, so an item that
kills the worker every time it is sent (a poison item) ends failed after max_attempts instead of
crashing the worker forever.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from repurpose.config import Settings
from repurpose.deliver.base import (
    CHANNELS,
    AuthFailed,
    RateLimited,
    Registry,
    ensure_delivery_error,
)
from repurpose.errors import ConfigError

log = logging.getLogger("repurpose.worker")

SEED_ENV = "REPURPOSE_WORKER_SEED"
# A "skip" late policy still tolerates this much dispatch delay.
SKIP_GRACE_SECONDS = 60
DEFAULT_BATCH = 100
WAKE_SECONDS = 1.0


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _human(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m{secs:02d}s" if secs and minutes < 10 else f"{minutes}m"
    return f"{secs}s"


def late_verdict(item: Any, now: datetime) -> str | None:
    """None when the item may go out now; otherwise the reason it is skipped.

    The window counts from the planned time (a retry does not extend it). "send_late" sends
    within the window; "skip" sends only when the worker is on time (within a minute of the
    planned time or of the retry it set itself) and within the window.
    """
    planned = _aware(getattr(item, "planned_at", None) or item.due_at)
    due = _aware(item.due_at)
    late_planned = (now - planned).total_seconds()
    window = int(getattr(item, "late_window_seconds", 3600) or 0)
    policy = getattr(item, "late_policy", "send_late") or "send_late"
    if late_planned > window:
        return (
            f"missed: planned for {planned:%Y-%m-%d %H:%M} UTC, {_human(late_planned)} late, "
            f"beyond its {_human(window)} late window"
        )
    if policy == "skip" and (now - due).total_seconds() > SKIP_GRACE_SECONDS:
        return (
            f"missed: due {due:%Y-%m-%d %H:%M} UTC, {_human((now - due).total_seconds())} late; "
            "its calendar says to skip missed sends"
        )
    return None


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with 'equal jitter': half fixed, half random (seedable rng)."""
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay / 2 + rng.random() * delay / 2


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    paused: int = 0
    released: int = 0
    rounds: int = 0
    lateness: list[float] = field(default_factory=list)  # seconds from due to send start
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def summary(self) -> str:
        return (
            f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, "
            f"{self.skipped} skipped, {self.released} released"
        )


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Dispatches due outbox items; `run()` blocks until stopped (or idle with until_idle)."""

    def __init__(
        self,
        outbox: Any,
        settings: Settings,
        *,
        registry: Registry | None = None,
        worker_id: str | None = None,
        concurrency: int = 1,
        until_idle: bool = False,
        batch: int | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = utcnow,
        wake_seconds: float = WAKE_SECONDS,
    ):
        self.outbox = outbox
        self.settings = settings
        self.registry = registry or Registry(settings)
        self.worker_id = worker_id or new_worker_id()
        self.concurrency = max(1, int(concurrency))
        self.until_idle = until_idle
        self.batch = batch or max(DEFAULT_BATCH, 4 * self.concurrency)
        seed = os.environ.get(SEED_ENV)
        self.rng = rng or (random.Random(int(seed)) if seed else random.Random())
        self._rng_lock = threading.Lock()
        self.clock = clock
        self.wake_seconds = wake_seconds
        self.stats = Stats()
        self._stopping = threading.Event()
        self._done = threading.Event()
        self._dispatch_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._scheduler = None
        self._paused: set[tuple[str, str]] = set()
        self._held: dict[tuple[str, str], datetime] = {}  # rate limited until
        self._last_heartbeat = 0.0
        self.error: BaseException | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop claiming; in-flight sends finish, claimed-but-unsent items are released."""
        self._stopping.set()
        self._done.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> Stats:
        from apscheduler.executors.pool import ThreadPoolExecutor as APExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        self.outbox.register_worker(self.worker_id)
        self._last_heartbeat = time.monotonic()
        if self.concurrency > 1:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="send")
        scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": APExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        self._scheduler = scheduler
        try:
            scheduler.start()
            scheduler.add_job(
                self._dispatch,
                trigger="date",
                run_date=self.clock(),
                id="dispatch",
                misfire_grace_time=None,
            )
            scheduler.add_job(
                self._tick,
                trigger="interval",
                seconds=self.wake_seconds,
                id="tick",
                misfire_grace_time=None,
            )
            while not self._done.wait(0.5):
                pass
        finally:
            self._stopping.set()
            # Empty the job store first (it waits for the scheduler's loop to finish a pass):
            # shutting down in the middle of a pass makes APScheduler 3 fail to remove the
            # one-shot job it just ran and print a traceback from its thread.
            scheduler.remove_all_jobs()
            scheduler.shutdown(wait=True)
            if self._pool is not None:
                self._pool.shutdown(wait=True)
            self.registry.close()
            try:
                self.outbox.unregister_worker(self.worker_id)
            except Exception as exc:  # the lease recovery covers a failed goodbye
                log.warning("could not unregister worker %s: %s", self.worker_id, exc)
        if self.error is not None:
            raise self.error
        return self.stats

    # -- the clock ----------------------------------------------------------------------------

    def _schedule_dispatch(self, at: datetime) -> None:
        if self._scheduler is None or self.stopping:
            return
        self._scheduler.add_job(
            self._dispatch,
            trigger="date",
            run_date=at,
            id="dispatch",
            replace_existing=True,
            misfire_grace_time=None,
        )

    def _tick(self) -> None:
        try:
            now = time.monotonic()
            if now - self._last_heartbeat >= min(self.settings.worker.poll_seconds, 10.0):
                self.outbox.heartbeat(self.worker_id)
                self._last_heartbeat = now
            if self._dispatch_lock.locked() or self.stopping:
                return
            job = self._scheduler.get_job("dispatch") if self._scheduler else None
            due = self.outbox.next_due_at()
            if job is None or (
                due is not None
                and job.next_run_time is not None
                and _aware(due) < job.next_run_time
            ):
                self._schedule_dispatch(max(_aware(due), self.clock()) if due else self.clock())
        except Exception as exc:  # a database hiccup: say so, try again next tick
            log.warning("worker tick failed: %s", self._reason(exc))

    def _dispatch(self) -> None:
        if not self._dispatch_lock.acquire(blocking=False):
            return
        try:
            claimed_any = False
            while not self.stopping:
                now = self.clock()
                items = self.outbox.claim_due(
                    self.worker_id,
                    now,
                    lease_seconds=self.settings.worker.lease_seconds,
                    limit=self.batch,
                    started=False,
                )
                if not items:
                    break
                claimed_any = True
                self.stats.add("rounds")
                self._process(items)
            if self.stopping:
                return
            self._after_round(claimed_any)
        except Exception as exc:
            log.error("dispatch failed: %s", self._reason(exc))
            if self.until_idle:
                self.error = exc
                self.stop()
            else:
                self._schedule_dispatch(self.clock() + timedelta(seconds=5))
        finally:
            self._dispatch_lock.release()

    def _after_round(self, claimed_any: bool) -> None:
        now = self.clock()
        due = self.outbox.next_due_at()
        idle = due is None or _aware(due) > now or not claimed_any
        if self.until_idle and idle and self.outbox.in_flight_count() == 0:
            # Nothing claimable now and nothing in flight: an --until-idle run is done.
            self._done.set()
            return
        if due is None:
            nxt = now + timedelta(seconds=self.settings.worker.poll_seconds)
        else:
            nxt = max(_aware(due), now)
            if not claimed_any and nxt <= now:
                # Due but not claimable (a thread waiting on its previous post, a lease held by
                # another worker): look again shortly instead of spinning.
                nxt = now + timedelta(seconds=self.wake_seconds)
        if self.until_idle:
            # waiting only for items in flight elsewhere: look again soon, they may finish
            nxt = min(nxt, now + timedelta(seconds=self.wake_seconds))
        self._schedule_dispatch(nxt)

    # -- sending ------------------------------------------------------------------------------

    def _process(self, items: list[Any]) -> None:
        """Send a claimed batch in order on `concurrency` lanes. Each row is marked started
        right before its send, in the transaction that records the previous send of its lane,
        so a worker killed mid-batch costs an attempt only to the sends in flight."""
        queue = iter(items)
        lock = threading.Lock()

        def take() -> Any:
            with lock:
                return next(queue, None)

        def lane() -> None:
            item, started = take(), False
            while item is not None:
                nxt = take()
                started = self._handle(item, started, nxt)
                item = nxt

        if self._pool is None:
            lane()
            return
        lanes = [self._pool.submit(lane) for _ in range(min(self.concurrency, len(items)))]
        for future in lanes:
            future.result()

    def _handle(self, item: Any, started: bool = False, nxt: Any = None) -> bool:
        """Send one claimed item and record the outcome. Returns True when `nxt` was marked
        started along with this item's outcome."""
        key = (item.channel, getattr(item, "account", "default") or "default")
        held = self._held.get(key)
        if held is not None and held <= self.clock():
            self._held.pop(key, None)
            held = None
        if self.stopping or key in self._paused or held is not None:
            self.outbox.release(item.id, self.worker_id)
            self.stats.add("released")
            return False
        start_wall = self.clock()
        verdict = late_verdict(item, start_wall)
        if verdict is not None:
            self.outbox.mark_skipped(item.id, verdict, self.worker_id)
            self.stats.add("skipped")
            self._log(item, "skipped", 0, verdict)
            return False
        tried = int(getattr(item, "attempts", 0) or 0)
        if tried >= self.settings.worker.max_attempts:
            # Only reachable through expired leases: the worker died while sending this item
            # every time (a poison item). Stop here instead of crashing forever.
            reason = (
                f"gave up after {tried} attempts; the last ended with the worker stopping "
                "mid-send (lease expired)"
            )
            self.outbox.mark_failed(item.id, self.worker_id, reason)
            self.stats.add("failed")
            self._log(item, "failed", 0, reason)
            return False
        if not started:
            self.outbox.mark_started(item.id, self.worker_id)
        with self.stats.lock:
            self.stats.lateness.append((start_wall - _aware(item.due_at)).total_seconds())
        t0 = time.perf_counter()
        try:
            sender = self.registry.sender(item.channel)
            receipt = sender.send(item)
        except BaseException as raw:
            if isinstance(raw, KeyboardInterrupt | SystemExit):
                raise
            latency = int((time.perf_counter() - t0) * 1000)
            self._failed_attempt(item, ensure_delivery_error(raw), latency, key)
            return False
        latency = int((time.perf_counter() - t0) * 1000)
        self.outbox.mark_sent(
            item.id,
            self.worker_id,
            receipt.external_id,
            latency,
            start_next=nxt.id if nxt is not None else None,
        )
        self.stats.add("sent")
        self._log(item, "sent", latency, receipt.detail, external_id=receipt.external_id)
        return nxt is not None

    def _failed_attempt(self, item: Any, err: Exception, latency: int, key) -> None:
        reason = self.registry.scrub(str(err))
        cfg = self.settings.worker
        attempt = int(getattr(item, "attempts", 0) or 0) + 1
        if isinstance(err, AuthFailed):
            self._paused.add(key)
            self.outbox.pause_channel(key[0], key[1], reason)
            self.outbox.release(item.id, self.worker_id)
            self.stats.add("paused")
            self._log(item, "paused", latency, reason)
            log.warning(
                "channel %s (account %s) paused, nothing more is sent on it: %s. Fix it, then "
                "run `repurpose worker --resume %s`",
                key[0],
                key[1],
                reason,
                key[0] if key[1] == "default" else f"{key[0]}:{key[1]}",
            )
            return
        transient = getattr(err, "transient", False)
        if transient and attempt < cfg.max_attempts:
            if isinstance(err, RateLimited) and err.retry_at is not None:
                at = max(_aware(err.retry_at), self.clock())
                # hold the whole channel/account until then (other claimed items go back)
                self._held[key] = at
                self.outbox.pause_channel(key[0], key[1], f"rate limited: {reason}", until=at)
            else:
                with self._rng_lock:
                    delay = backoff_delay(attempt, cfg.backoff_base, cfg.backoff_max, self.rng)
                at = self.clock() + timedelta(seconds=delay)
            self.outbox.mark_retry(item.id, self.worker_id, reason, at)
            self.stats.add("retried")
            self._log(item, "retry", latency, f"{reason} (next try {at:%H:%M:%S} UTC)")
            return
        if transient:
            reason = f"gave up after {attempt} attempts: {reason}"
        self.outbox.mark_failed(item.id, self.worker_id, reason)
        self.stats.add("failed")
        self._log(item, "failed", latency, reason)

    def _reason(self, exc: BaseException) -> str:
        text = str(exc).split("\n")[0].split(" (Background on this error")[0]
        return self.registry.scrub(f"{type(exc).__name__}: {text}")

    def _log(self, item: Any, result: str, latency: int, detail: str = "", **extra) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        parts = [
            f"item={item.id}",
            f"channel={item.channel}",
            f"result={result}",
            f"latency_ms={latency}",
        ]
        parts += [f"{k}={v}" for k, v in extra.items() if v]
        if detail:
            parts.append(f"detail={self.registry.scrub(detail)!r}")
        log.info(" ".join(parts))


# ---- starting a worker (what `repurpose worker` does before run()) ---------------------------

Note = tuple[str, str]  # (level "info" | "warn", text) for the face to show


def check_resume(specs: Sequence[str]) -> None:
    """ConfigError for a `--resume CHANNEL[:ACCOUNT]` naming an unknown channel."""
    for spec in specs:
        if spec.partition(":")[0] not in CHANNELS:
            raise ConfigError(f"--resume {spec}: unknown channel (known: {', '.join(CHANNELS)})")


def lift_pauses(outbox: Any, specs: Sequence[str]) -> list[Note]:
    """Lift the pauses named by `specs` (CHANNEL[:ACCOUNT], default account "default"), then a
    warning for each channel still paused without an end (it waits for --resume)."""
    notes: list[Note] = []
    for spec in specs:
        channel, _, account = spec.partition(":")
        if outbox.resume_channel(channel, account or "default"):
            notes.append(("info", f"{spec}: pause lifted"))
        else:
            notes.append(("warn", f"{spec}: was not paused"))
    for pause in outbox.paused_channels():
        if pause["until"] is None:
            notes.append(
                (
                    "warn",
                    f"{pause['channel']} (account {pause['account']}) is paused: "
                    f"{pause['reason']}; run with --resume {pause['channel']} once fixed",
                )
            )
    return notes


def channel_notes(registry: Registry, outbox_dir: Any) -> list[Note]:
    """Each channel's plan (live and how, or dry-run and why), and a warning when every channel
    is in dry-run."""
    plans = registry.plans()
    notes: list[Note] = [
        ("info", f"{p.channel}: dry-run ({p.reason}), writing to {outbox_dir}/")
        if p.dry_run
        else ("info", f"{p.channel}: live, {p.reason}")
        for p in plans
    ]
    dry = registry.dry_run_channels()
    if dry and len(dry) == len(plans):
        notes.append(("warn", "every channel is in dry-run: nothing leaves this machine"))
    return notes


def start_worker(
    url: str,
    settings: Settings,
    *,
    resume: Sequence[str] = (),
    concurrency: int = 1,
    until_idle: bool = False,
    notify: Callable[[str, str], None],
) -> Worker:
    """Check `resume`, open the outbox at `url`, lift the named pauses and build the Worker;
    every note (pauses lifted or still in place, each channel's plan) goes to notify(level,
    text) as it happens. The caller runs the worker and closes worker.outbox."""
    from repurpose.schedule.store import Outbox

    check_resume(resume)
    outbox = Outbox.open(url)
    try:
        for level, text in lift_pauses(outbox, resume):
            notify(level, text)
        registry = Registry(settings)
        worker = Worker(
            outbox, settings, registry=registry, concurrency=concurrency, until_idle=until_idle
        )
        for level, text in channel_notes(registry, settings.outbox.directory):
            notify(level, text)
    except BaseException:
        outbox.close()
        raise
    return worker
