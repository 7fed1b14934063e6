"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd): STARTTLS or implicit TLS with a
self-signed certificate made by the openssl CLI, AUTH LOGIN/PLAIN, and scripted 4xx/5xx replies
per recipient or for the message data. Every accepted message is kept (with its Message-ID)."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(cert),
            "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def client_context(cert: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(cert))
    return ctx


@dataclass
class Received:
    mail_from: str
    rcpt: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class Handler:
    # recipient address -> reply, e.g. "550 5.1.1 no such user" or "450 4.2.1 try later"
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    # replies for the next DATA commands, consumed in order
    data_replies: list[str] = field(default_factory=list)
    # reply to every MAIL FROM (e.g. "553 5.7.1 sender not allowed"); None accepts
    mail_reply: str | None = None
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 Message accepted"

    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(r.message_id for r in self.received)


class Sink:
    def __init__(
        self,
        *,
        security: str = "none",
        cert: tuple[Path, Path] | None = None,
        users: dict[str, str] | None = None,
        handler: Handler | None = None,
    ):
        self.handler = handler or Handler()
        self.port = free_port()
        self.security = security
        self.users = users
        kwargs: dict = {}
        if cert is not None:
            server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_ctx.load_cert_chain(str(cert[0]), str(cert[1]))
            if security == "starttls":
                kwargs["tls_context"] = server_ctx
                kwargs["require_starttls"] = True
            elif security == "ssl":
                kwargs["ssl_context"] = server_ctx
        if users is not None:
            kwargs["authenticator"] = self._auth
            kwargs["auth_required"] = True
            kwargs["auth_require_tls"] = security != "none"
        self.auth_attempts: list[tuple[str, bool]] = []
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def _auth(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode()
            ok = self.users.get(login) == auth_data.password.decode()
            self.auth_attempts.append((login, ok))
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received
