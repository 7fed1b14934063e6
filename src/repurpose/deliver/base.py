"""The sender contract and the registry that picks a sender per channel.

A sender turns one claimed outbox item into one remote effect and answers with a Receipt (the
remote id) or raises:

- DeliveryError(transient=True): try again later (connection error, SMTP 4xx, X 5xx);
- DeliveryError(transient=False): this item cannot be sent (SMTP 5xx for that recipient, X 400/403);
- AuthFailed: the channel/account itself is broken (X 401, SMTP 535): pause it, keep the queue;
- RateLimited(retry_at=…): the remote side asked us to wait.

What a sender reads from an item (the store's ClaimedItem provides these, see contracts.md item 5):
`id`, `channel`, `account`, `kind`, `idempotency_key`, `article_slug`, `due_at`, `payload`
(dict: email {subject, preheader, html, text} or post {text}), `recipient`, `recipient_name`,
`merge` (dict of further merge fields), `thread_key`, `position`, `after_id` and
`reply_to_external_id` (the previous thread post's remote id).

Secrets come only from environment variables; `Registry.scrub` removes their values from any text
before it is logged or stored.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from repurpose.config import Settings
from repurpose.errors import DeliveryError

# Channels the senders know. Posts to these platforms have no live sender yet: dry-run only.
POST_CHANNELS = ("x", "bluesky", "mastodon", "linkedin", "threads")
NO_LIVE_SENDER = ("bluesky", "mastodon", "linkedin", "threads")
CHANNELS = ("email", *POST_CHANNELS, "webhook")

X_ENV = (
    "REPURPOSE_X_CONSUMER_KEY",
    "REPURPOSE_X_CONSUMER_SECRET",
    "REPURPOSE_X_ACCESS_TOKEN",
    "REPURPOSE_X_ACCESS_TOKEN_SECRET",
)
DRY_RUN_ENV = "REPURPOSE_DRY_RUN"


class AuthFailed(DeliveryError):
    """The channel/account cannot send at all (bad credentials, sender refused): pause it."""

    def __init__(self, message: str, **kwargs):
        super().__init__(message, transient=False, **kwargs)


class RateLimited(DeliveryError):
    """The remote side asked us to wait until `retry_at` (UTC) or, when None, to back off."""

    def __init__(self, message: str, *, retry_at: datetime | None = None, **kwargs):
        super().__init__(message, transient=True, **kwargs)
        self.retry_at = retry_at


@dataclass(frozen=True)
class Receipt:
    external_id: str | None
    detail: str = ""


@runtime_checkable
class Sender(Protocol):
    name: str  # "smtp", "x", "webhook", "files"
    dry_run: bool

    def send(self, item: Any) -> Receipt: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ChannelPlan:
    channel: str
    sender: str  # smtp | x | webhook | files
    reason: str  # why (shown when the worker starts)

    @property
    def dry_run(self) -> bool:
        return self.sender == "files"


class RateLimiter:
    """At most `per_minute` events a minute, evenly spaced (60/per_minute seconds apart), so a
    queue of thousands never bursts at the server; shared by threads."""

    def __init__(self, per_minute: int, *, clock=time.monotonic, sleep=time.sleep):
        self.per_minute = per_minute
        self.interval = 60.0 / per_minute
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def acquire(self) -> float:
        """Block until one more event is allowed; return the seconds waited."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next)
            self._next = at + self.interval
        delay = at - now
        if delay > 0:
            self._sleep(delay)
        return delay


def _env_value(env: Mapping[str, str], name: str | None) -> str | None:
    if not name:
        return None
    value = env.get(name)
    return value if value else None


class Registry:
    """Chooses a sender per channel from settings + environment; one sender per thread.

    Senders hold connections (an SMTP session, an HTTP session) and are not shared between
    threads; the rate limiters are.
    """

    def __init__(self, settings: Settings, env: Mapping[str, str] | None = None):
        self.settings = settings
        self.env = dict(os.environ if env is None else env)
        self._local = threading.local()
        self._all: list[Sender] = []
        self._lock = threading.Lock()
        self.smtp_limiter = RateLimiter(settings.smtp.rate_per_minute)
        self._plans = {ch: self._plan(ch) for ch in CHANNELS}

    # -- what goes where ---------------------------------------------------------------------

    def _plan(self, channel: str) -> ChannelPlan:
        s, env = self.settings, self.env
        if env.get(DRY_RUN_ENV, "").lower() in {"1", "true", "yes"}:
            return ChannelPlan(channel, "files", f"{DRY_RUN_ENV} is set")
        if channel == "email":
            if not s.smtp.host:
                return ChannelPlan(channel, "files", "no smtp.host in the config")
            user = _env_value(env, s.smtp.username_env)
            password = _env_value(env, s.smtp.password_env)
            if bool(user) != bool(password):
                missing = s.smtp.password_env if user else s.smtp.username_env
                return ChannelPlan(channel, "files", f"{missing} is not set")
            auth = "with login" if user else "without login"
            return ChannelPlan(
                channel, "smtp", f"SMTP {s.smtp.host}:{s.smtp.port} ({s.smtp.security}, {auth})"
            )
        if channel == "x":
            if not s.x.enabled:
                return ChannelPlan(channel, "files", "x.enabled is false in the config")
            missing = [n for n in X_ENV if not _env_value(env, n)]
            if missing:
                return ChannelPlan(channel, "files", f"{', '.join(missing)} not set")
            return ChannelPlan(channel, "x", f"X API at {s.x.api_base}")
        if channel == "webhook":
            if not s.webhook.url:
                return ChannelPlan(channel, "files", "no webhook.url in the config")
            if not _env_value(env, s.webhook.secret_env):
                return ChannelPlan(channel, "files", f"{s.webhook.secret_env} is not set")
            return ChannelPlan(channel, "webhook", f"POST to {s.webhook.url}")
        if channel in NO_LIVE_SENDER:
            return ChannelPlan(channel, "files", "no live sender for this platform yet")
        return ChannelPlan(channel, "files", "unknown channel")

    def plan(self, channel: str) -> ChannelPlan:
        return self._plans.get(channel) or self._plan(channel)

    def plans(self) -> list[ChannelPlan]:
        return [self._plans[ch] for ch in CHANNELS]

    def dry_run_channels(self) -> list[str]:
        return [p.channel for p in self.plans() if p.dry_run]

    # -- secrets -----------------------------------------------------------------------------

    def secrets(self) -> list[str]:
        s = self.settings
        names = [s.smtp.password_env, s.webhook.secret_env, *X_ENV]
        values = [_env_value(self.env, n) for n in names]
        user = _env_value(self.env, s.smtp.username_env)
        # A login name is not secret on its own, but it may be a token for some relays.
        if user and len(user) >= 8:
            values.append(user)
        return sorted({v for v in values if v and len(v) >= 4}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """Remove every credential value (and its base64 forms used in SMTP AUTH) from text."""
        import base64

        for secret in self.secrets():
            text = text.replace(secret, "***")
            b64 = base64.b64encode(secret.encode()).decode()
            text = text.replace(b64, "***")
        return text

    # -- senders -----------------------------------------------------------------------------

    def sender(self, channel: str) -> Sender:
        cache = getattr(self._local, "senders", None)
        if cache is None:
            cache = self._local.senders = {}
        if channel not in cache:
            cache[channel] = self._build(self.plan(channel))
            with self._lock:
                self._all.append(cache[channel])
        return cache[channel]

    def _build(self, plan: ChannelPlan) -> Sender:
        if plan.sender == "smtp":
            from repurpose.deliver.smtp import SmtpSender

            return SmtpSender(self.settings, self.env, limiter=self.smtp_limiter)
        if plan.sender == "x":
            from repurpose.deliver.x import XSender

            return XSender(self.settings, self.env)
        if plan.sender == "webhook":
            from repurpose.deliver.webhook import WebhookSender

            return WebhookSender(self.settings, self.env)
        from repurpose.deliver.files import FileSender

        return FileSender(self.settings)

    def close(self) -> None:
        with self._lock:
            senders, self._all = self._all, []
        for sender in senders:
            with contextlib.suppress(Exception):  # closing is best effort
                sender.close()
        self._local = threading.local()


def ensure_delivery_error(exc: BaseException) -> DeliveryError:
    """Unexpected exceptions from a sender count as transient errors (retried, then failed)."""
    if isinstance(exc, DeliveryError):
        return exc
    return DeliveryError(f"{type(exc).__name__}: {exc}", transient=True)
