"""The per-recipient fast path (EmailBuilder) against the reference (build_email): both outputs
parsed by the stdlib and compared header by header and part by part, over hostile and awkward
data."""

from __future__ import annotations

import email
import email.policy
import itertools
from datetime import UTC, datetime

import pytest

from repurpose.config import Settings
from repurpose.deliver.message import EmailBuilder, build_email, to_bytes
from tests.integration.deliver_items import EMAIL, email_item

WHEN = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
NAMES = [
    "Ada",
    "",
    "Reader 12",
    "O'Brien-Smith Jr",
    "J. R. R. Tolkien",
    "  two  spaces ",
    "Zoë Ångström-Łukasiewicz",
    'Smith, John "JJ"',
    "Ada\r\nBcc: other@evil.example\nX-Injected: yes",
    "<script>alert(1)</script> & co",
    "名前 テスト",
    "x" * 120,
]
PAYLOADS = [
    EMAIL,
    {**EMAIL, "subject": "Für %%name%%: Neuigkeiten\r\nBcc: victim@evil.example"},
    {**EMAIL, "html": None},
    {**EMAIL, "text": "A very long line " * 80 + "%%name%%\n\nbye %%unknown%%\n"},
    {
        **EMAIL,
        "html": "<p>" + "é" * 700 + "</p><p>%%name%% %%email%%</p>\r\n<p>%%unsubscribe_url%%</p>",
    },
    {**EMAIL, "subject": "Plain subject, " + "long " * 60, "text": ".leading dot\n..two\n"},
]
SETTINGS = [
    Settings.model_validate(
        {
            "email": {
                "from_name": "Launch Team",
                "from_address": "news@example.com",
                "unsubscribe_url": "https://example.com/u?e={email}&t={token}",
                "unsubscribe_mailto": "unsubscribe@example.com",
            }
        }
    ),
    Settings.model_validate(
        {
            "email": {
                "from_name": "Équipe «Lancement»",
                "from_address": "news@example.com",
                "reply_to": "help@example.com",
                "unsubscribe_url": "http://example.com/u/{token}",
            }
        }
    ),
    Settings.model_validate({"email": {"from_address": "news@example.com"}}),
]


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def summary(msg: email.message.EmailMessage) -> dict:
    headers = {
        k: str(v) for k, v in msg.items() if k not in ("Content-Type", "Content-Transfer-Encoding")
    }
    parts = [
        (p.get_content_type(), p.get_content_charset(), p.get_content())
        for p in (msg.iter_parts() if msg.is_multipart() else [msg])
    ]
    return {"headers": headers, "type": msg.get_content_type(), "parts": parts}


@pytest.mark.parametrize("eight_bit", [True, False])
def test_fast_path_matches_the_reference(eight_bit):
    for n, (settings, payload, name) in enumerate(itertools.product(SETTINGS, PAYLOADS, NAMES)):
        builder = EmailBuilder(settings)
        item = email_item(n, f"reader{n}@example.org", name, payload=payload)
        ref = to_bytes(build_email(item, settings, date=WHEN, eight_bit=eight_bit))
        fast = builder.build(item, date=WHEN, eight_bit=eight_bit)
        assert summary(parse(fast.data)) == summary(parse(ref)), (n, name, payload["subject"])
        assert fast.message_id == parse(ref)["Message-ID"]
        head = fast.data.split(b"\r\n\r\n", 1)[0]
        assert b"\r\nBcc:" not in head and b"\r\nX-Injected" not in head
        assert all(len(line) <= 998 for line in fast.data.split(b"\r\n"))
        assert b"\n" not in fast.data.replace(b"\r\n", b"")  # CRLF only
        if not eight_bit:
            assert fast.data.isascii() and not fast.eight_bit


def test_payload_shared_parts_are_cached_and_recipients_differ():
    settings = SETTINGS[0]
    builder = EmailBuilder(settings)
    a = builder.build(email_item(1, "a@example.org", "Ann"), date=WHEN)
    b = builder.build(email_item(2, "b@example.org", "Bob"), date=WHEN)
    assert len(builder._cache) == 1
    ma, mb = parse(a.data), parse(b.data)
    assert ma["To"] == "Ann <a@example.org>" and mb["To"] == "Bob <b@example.org>"
    assert "Hello Ann," in ma.get_body(("plain",)).get_content()
    assert "Hello Bob," in mb.get_body(("html",)).get_content()
    assert ma["List-Unsubscribe"] != mb["List-Unsubscribe"]
    # another payload with the same length is a different cache entry
    other = {**EMAIL, "subject": EMAIL["subject"].upper()}
    c = builder.build(email_item(3, "c@example.org", "Cy", payload=other), date=WHEN)
    assert parse(c.data)["Subject"] == EMAIL["subject"].upper() and len(builder._cache) == 2


def test_a_name_carrying_the_boundary_falls_back_to_the_reference():
    settings = SETTINGS[0]
    builder = EmailBuilder(settings)
    boundary = builder._payload(EMAIL, "news@example.com").boundary
    item = email_item(1, "a@example.org", f"\n--{boundary}\nContent-Type: text/html\n\n<b>x</b>")
    fast = builder.build(item, date=WHEN)
    msg = parse(fast.data)
    assert msg.get_boundary() != boundary  # the reference chose its own
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert summary(msg) == summary(parse(to_bytes(build_email(item, settings, date=WHEN))))
