"""SMTP sender (the only module that uses smtplib).

One connection is opened lazily and reused for every item this sender sends; a connection that sat
idle is checked with NOOP first. Replies map to outcomes: 4xx transient, 5xx for the recipient
permanent, 535/530/534 (authentication) and a refused sender address pause the channel.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import time
from collections.abc import Mapping
from typing import Any

from repurpose.config import Settings
from repurpose.deliver.base import AuthFailed, RateLimiter, Receipt
from repurpose.deliver.message import EmailBuilder, check_address
from repurpose.errors import DeliveryError

IDLE_CHECK_SECONDS = 20.0
AUTH_CODES = {530, 534, 535, 538}


def _text(resp: Any) -> str:
    if isinstance(resp, bytes):
        return resp.decode("utf-8", "replace")
    return str(resp)


def _reply_error(code: int, resp: Any, *, what: str) -> DeliveryError:
    message = f"{what}: SMTP {code} {_text(resp)}".strip()
    if code in AUTH_CODES:
        return AuthFailed(message)
    return DeliveryError(message, transient=400 <= code < 500)


def refusals(refused: Mapping[str, tuple[int, Any]]) -> dict[str, DeliveryError]:
    """smtplib's {recipient: (code, reply)} as errors: 4xx transient, 5xx permanent."""
    return {
        addr: _reply_error(code, resp, what=f"recipient {addr} refused")
        for addr, (code, resp) in refused.items()
    }


class SmtpSender:
    name = "smtp"
    dry_run = False

    def __init__(
        self,
        settings: Settings,
        env: Mapping[str, str],
        *,
        limiter: RateLimiter | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.settings = settings
        cfg = settings.smtp
        self.host = cfg.host
        self.port = cfg.port
        self.security = cfg.security
        self.timeout = cfg.timeout
        self._user = env.get(cfg.username_env) or None
        self._password = env.get(cfg.password_env) or None
        self.limiter = limiter or RateLimiter(cfg.rate_per_minute)
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.builder = EmailBuilder(settings)
        self._conn: smtplib.SMTP | None = None
        self._last_used = 0.0
        self.connections_opened = 0  # for tests and benchmarks: connection reuse is visible

    # -- connection ---------------------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        conn: smtplib.SMTP | None = None
        try:
            if self.security == "ssl":
                conn = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self.ssl_context
                )
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if self.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise AuthFailed(f"SMTP server {self._where} does not offer STARTTLS")
                conn.starttls(context=self.ssl_context)
                conn.ehlo()
            if self._user:
                conn.login(self._user, self._password or "")
        except BaseException as exc:
            if conn is not None:
                with contextlib.suppress(OSError):
                    conn.close()
            raise self._connect_error(exc) from None
        self.connections_opened += 1
        return conn

    @property
    def _where(self) -> str:
        return f"{self.host}:{self.port}"

    def _connect_error(self, exc: BaseException) -> BaseException:
        where = self._where
        if isinstance(exc, DeliveryError):
            return exc
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return AuthFailed(
                f"SMTP login to {where} refused: {exc.smtp_code} {_text(exc.smtp_error)}"
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return AuthFailed(f"SMTP server {where}: {exc}")
        if isinstance(exc, smtplib.SMTPResponseException):
            return _reply_error(exc.smtp_code, exc.smtp_error, what=f"SMTP {where}")
        if isinstance(exc, ssl.SSLError):
            return DeliveryError(f"TLS with {where} failed: {exc.reason or exc}", transient=True)
        if isinstance(exc, OSError | smtplib.SMTPException):
            return DeliveryError(
                f"cannot connect to SMTP {where}: {type(exc).__name__}: {exc}", transient=True
            )
        return exc

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None and time.monotonic() - self._last_used > IDLE_CHECK_SECONDS:
            try:
                code, _ = self._conn.noop()
                if code != 250:
                    self._drop()
                else:
                    self._last_used = time.monotonic()
            except (OSError, smtplib.SMTPException):
                self._drop()
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def _reset(self) -> None:
        """After a refused transaction, make the connection usable again (or drop it)."""
        if self._conn is None:
            return
        try:
            self._conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    # -- sending ------------------------------------------------------------------------------

    def send(self, item: Any) -> Receipt:
        sender = check_address(self.settings.email.from_address, what="sender")
        rcpt = check_address(item.recipient, what="recipient")
        self.limiter.acquire()
        conn = self._connection()
        msg = self.builder.build(item, eight_bit=conn.has_extn("8bitmime"))
        refused = self.deliver(sender, [rcpt], msg.data, eight_bit=msg.eight_bit)
        if rcpt in refused:
            raise refused[rcpt]
        return Receipt(msg.message_id, "accepted")

    def deliver(
        self, sender: str, rcpts: list[str], data: bytes, *, eight_bit: bool = False
    ) -> dict[str, DeliveryError]:
        """One SMTP transaction on the reused connection. Returns the refused recipients with
        their errors (a partial refusal is a dict from smtplib, not an exception; all refused
        is an exception with the same dict). Errors for the whole transaction are raised."""
        conn = self._connection()
        options = ["BODY=8BITMIME"] if eight_bit else []
        try:
            refused = conn.sendmail(sender, rcpts, data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            return refusals(exc.recipients)
        except smtplib.SMTPSenderRefused as exc:
            self._reset()
            if 500 <= exc.smtp_code < 600:
                raise AuthFailed(
                    f"SMTP refused the sender {sender}: {exc.smtp_code} {_text(exc.smtp_error)}"
                ) from None
            raise _reply_error(exc.smtp_code, exc.smtp_error, what="sender refused") from None
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            raise DeliveryError(f"SMTP connection lost: {exc}", transient=True) from None
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise _reply_error(exc.smtp_code, exc.smtp_error, what="message refused") from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise DeliveryError(
                f"SMTP error: {type(exc).__name__}: {exc}", transient=True
            ) from None
        self._last_used = time.monotonic()
        return refusals(refused)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (TimeoutError, OSError, smtplib.SMTPException):
            with contextlib.suppress(OSError):
                conn.close()
