"""The SMTP sender against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy

import pytest

from repurpose.config import Settings
from repurpose.deliver.base import AuthFailed, RateLimiter, Registry
from repurpose.deliver.files import FileSender
from repurpose.deliver.smtp import SmtpSender
from repurpose.errors import DeliveryError
from tests.integration.deliver_items import EMAIL, email_item
from tests.integration.smtp_sink import Sink, client_context, make_cert

USER, PASSWORD = "mailer@example.com", "s3cret-Pa55word-xyz"
ENV = {"REPURPOSE_SMTP_USER": USER, "REPURPOSE_SMTP_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


def settings_for(sink: Sink, security: str, **email_kw) -> Settings:
    base = {
        "smtp": {"host": "127.0.0.1", "port": sink.port, "security": security, "timeout": 5},
        "email": {
            "from_name": "Launch Team",
            "from_address": "news@example.com",
            "unsubscribe_url": "https://example.com/unsub?e={email}&t={token}",
            "unsubscribe_mailto": "unsubscribe@example.com",
            **email_kw,
        },
    }
    return Settings.model_validate(base)


def sender_for(sink, security, cert, env=ENV, **kw) -> SmtpSender:
    ctx = client_context(cert[0]) if cert else None
    return SmtpSender(settings_for(sink, security, **kw), env, ssl_context=ctx)


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def test_starttls_auth_one_connection_for_a_batch(cert):
    with Sink(security="starttls", cert=cert, users={USER: PASSWORD}) as sink:
        sender = sender_for(sink, "starttls", cert)
        receipts = [
            sender.send(email_item(i, f"r{i}@example.org", f"Reader {i}")) for i in range(5)
        ]
        sender.close()
    assert len(sink.received) == 5
    assert sender.connections_opened == 1
    assert sink.auth_attempts == [(USER, True)]
    assert [r.external_id for r in receipts] == [m.message_id for m in sink.received]


def test_message_structure_headers_and_merge(cert):
    with Sink(security="ssl", cert=cert) as sink:
        sender = sender_for(sink, "ssl", cert, env={})
        receipt = sender.send(email_item(1, "ada@example.org", "Ada Lovelace"))
        sender.close()
    (got,) = sink.received
    assert got.rcpt == ["ada@example.org"] and got.mail_from == "news@example.com"
    msg = parse(got.data)
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert msg["Date"] and msg["Message-ID"] == receipt.external_id
    assert msg["To"] == "Ada Lovelace <ada@example.org>"
    unsub = msg["List-Unsubscribe"]
    assert unsub.startswith("<https://example.com/unsub?e=ada@example.org&t=")
    assert "<mailto:unsubscribe@example.com?subject=unsubscribe>" in unsub
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # the long header stays one unencoded line (policy max_line_length=998)
    raw_header = [ln for ln in got.data.split(b"\r\n") if ln.startswith(b"List-Unsubscribe:")]
    assert raw_header and b"=?" not in raw_header[0]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Hello Ada Lovelace," in text and "https://example.com/unsub?e=ada@example.org" in text
    assert "Hello Ada Lovelace," in html and "%%" not in html + text


def test_message_id_is_deterministic_per_item():
    s = Settings()
    from repurpose.deliver.message import build_email

    a = build_email(email_item(1, "x@example.org"), s)
    b = build_email(email_item(1, "x@example.org"), s)
    c = build_email(email_item(2, "y@example.org"), s)
    assert a["Message-ID"] == b["Message-ID"] != c["Message-ID"]


def test_hostile_subject_and_name_cannot_add_headers(cert, tmp_path):
    payload = {**EMAIL, "subject": "Big news\r\nBcc: victim@evil.example\r\nX-Evil: 1"}
    item = email_item(1, "ada@example.org", "Ada\r\nBcc: other@evil.example\nX-Injected: yes",
                      payload=payload)  # fmt: skip
    with Sink(security="none") as sink:
        sender = sender_for(sink, "none", None, env={})
        sender.send(item)
        sender.close()
    (got,) = sink.received
    assert got.rcpt == ["ada@example.org"]
    msg = parse(got.data)
    for name in ("Bcc", "X-Evil", "X-Injected"):
        assert msg[name] is None
    header_block = got.data.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in header_block and b"\r\nX-Evil" not in header_block
    assert "Bcc: victim@evil.example" in msg["Subject"]  # kept as text, on one line
    # a name with markup stays text in the HTML part
    html_item = email_item(2, "bob@example.org", "<script>alert(1)</script>")
    eml = FileSender(Settings(), tmp_path).send(html_item)
    files = list(tmp_path.rglob("*.eml"))
    html = parse(files[0].read_bytes()).get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and eml.external_id


def test_recipient_with_newline_is_refused_not_sent():
    item = email_item(1, "ada@example.org\r\nRCPT TO:<evil@example.org>")
    with Sink(security="none") as sink:
        sender = sender_for(sink, "none", None, env={})
        with pytest.raises(DeliveryError) as info:
            sender.send(item)
        sender.close()
    assert not info.value.transient and sink.received == []


def test_partial_refusals_4xx_transient_5xx_permanent():
    with Sink(security="none") as sink:
        sink.handler.rcpt_replies = {
            "gone@example.org": "550 5.1.1 no such user",
            "full@example.org": "452 4.2.2 mailbox full",
        }
        sender = sender_for(sink, "none", None, env={})
        outcomes = {}
        for i, rcpt in enumerate(["a@example.org", "gone@example.org", "full@example.org",
                                  "b@example.org"]):  # fmt: skip
            try:
                sender.send(email_item(i, rcpt))
                outcomes[rcpt] = "sent"
            except DeliveryError as exc:
                outcomes[rcpt] = ("transient" if exc.transient else "permanent", str(exc))
        sender.close()
    assert outcomes["a@example.org"] == outcomes["b@example.org"] == "sent"
    assert outcomes["gone@example.org"][0] == "permanent"
    assert "550" in outcomes["gone@example.org"][1]
    assert outcomes["full@example.org"][0] == "transient"
    assert [r.rcpt for r in sink.received] == [["a@example.org"], ["b@example.org"]]
    assert sender.connections_opened == 1  # a refusal does not cost the connection


def test_partial_refusal_of_envelope_recipients_comes_back_per_recipient():
    """smtplib reports a partial refusal as a dict, not an exception: one transaction with
    three envelope recipients, two refused by the server (5xx and 4xx)."""
    with Sink(security="none") as sink:
        sink.handler.rcpt_replies = {
            "gone@example.org": "550 5.1.1 no such user",
            "full@example.org": "452 4.2.2 mailbox full",
        }
        sender = sender_for(sink, "none", None, env={})
        msg = sender.builder.build(email_item(1, "a@example.org"))
        rcpts = ["a@example.org", "gone@example.org", "full@example.org"]
        refused = sender.deliver("news@example.com", rcpts, msg.data)
        # every recipient refused: smtplib raises, the answer has the same shape
        all_refused = sender.deliver("news@example.com", rcpts[1:], msg.data)
        sender.send(email_item(2, "b@example.org"))  # the connection is still usable
        sender.close()
    assert set(refused) == {"gone@example.org", "full@example.org"} == set(all_refused)
    assert not refused["gone@example.org"].transient and "550" in str(refused["gone@example.org"])
    assert refused["full@example.org"].transient and "452" in str(refused["full@example.org"])
    assert not isinstance(refused["gone@example.org"], AuthFailed)
    assert [r.rcpt for r in sink.received] == [["a@example.org"], ["b@example.org"]]
    assert sender.connections_opened == 1


def test_sender_address_refused_5xx_pauses_4xx_retries():
    with Sink(security="none") as sink:
        sink.handler.mail_reply = "553 5.7.1 sender address not allowed"
        sender = sender_for(sink, "none", None, env={})
        with pytest.raises(AuthFailed) as refused:
            sender.send(email_item(1, "a@example.org"))
        sink.handler.mail_reply = "451 4.7.1 greylisted"
        with pytest.raises(DeliveryError) as later:
            sender.send(email_item(2, "b@example.org"))
        sink.handler.mail_reply = None
        sender.send(email_item(3, "c@example.org"))
        sender.close()
    assert "553" in str(refused.value) and "news@example.com" in str(refused.value)
    assert later.value.transient and not isinstance(later.value, AuthFailed)
    assert [r.rcpt for r in sink.received] == [["c@example.org"]]


def test_data_4xx_transient_and_5xx_permanent():
    with Sink(security="none") as sink:
        sink.handler.data_replies = ["451 4.3.0 try again later", "554 5.6.0 content rejected"]
        sender = sender_for(sink, "none", None, env={})
        with pytest.raises(DeliveryError) as first:
            sender.send(email_item(1, "a@example.org"))
        with pytest.raises(DeliveryError) as second:
            sender.send(email_item(2, "b@example.org"))
        sender.send(email_item(3, "c@example.org"))
        sender.close()
    assert first.value.transient and "451" in str(first.value)
    assert not second.value.transient and "554" in str(second.value)
    assert not isinstance(second.value, AuthFailed)
    assert len(sink.received) == 1


def test_wrong_password_is_auth_failure_without_the_secret(cert):
    wrong = {"REPURPOSE_SMTP_USER": USER, "REPURPOSE_SMTP_PASSWORD": "Wr0ng-Secret-Value"}
    with Sink(security="starttls", cert=cert, users={USER: PASSWORD}) as sink:
        sender = sender_for(sink, "starttls", cert, env=wrong)
        with pytest.raises(AuthFailed) as info:
            sender.send(email_item(1, "a@example.org"))
        sender.close()
    assert "535" in str(info.value)
    assert "Wr0ng-Secret-Value" not in str(info.value)
    assert sink.received == []


def test_connection_refused_is_transient():
    s = Settings.model_validate({"smtp": {"host": "127.0.0.1", "port": 1, "security": "none"}})
    sender = SmtpSender(s, {})
    with pytest.raises(DeliveryError) as info:
        sender.send(email_item(1, "a@example.org"))
    assert info.value.transient and not isinstance(info.value, AuthFailed)


def test_untrusted_certificate_is_transient_error(cert):
    with Sink(security="starttls", cert=cert) as sink:
        sender = sender_for(sink, "starttls", None, env={})  # system CAs: self-signed refused
        with pytest.raises(DeliveryError) as info:
            sender.send(email_item(1, "a@example.org"))
    assert "TLS" in str(info.value) and sink.received == []


def test_rate_limiter_spaces_sends_evenly():
    now = [0.0]
    slept = []

    def sleep(d):
        slept.append(d)
        now[0] += d

    limiter = RateLimiter(120, clock=lambda: now[0], sleep=sleep)  # one every 0.5 s
    waits = [limiter.acquire() for _ in range(5)]
    assert waits == [0, 0.5, 0.5, 0.5, 0.5]
    now[0] += 10  # idle time is not banked into a burst beyond one send
    assert limiter.acquire() == 0 and limiter.acquire() == 0.5
    assert sum(slept) == 2.5


def test_registry_reuses_sender_per_thread_and_plans(cert):
    with Sink(security="none") as sink:
        s = settings_for(sink, "none")
        reg = Registry(s, env={})
        assert reg.plan("email").sender == "smtp"
        assert reg.sender("email") is reg.sender("email")
        reg.sender("email").send(email_item(1, "a@example.org"))
        reg.close()
    assert len(sink.received) == 1
    assert Registry(Settings(), env={}).plan("email").sender == "files"
    half = {"REPURPOSE_SMTP_USER": USER}
    assert Registry(s, env=half).plan("email").dry_run
