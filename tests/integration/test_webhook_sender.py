"""The webhook sender against a receiver on 127.0.0.1 that verifies the HMAC signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from repurpose.config import Settings
from repurpose.deliver.base import AuthFailed, RateLimited, Registry
from repurpose.deliver.webhook import WebhookSender
from repurpose.errors import DeliveryError
from tests.integration.deliver_items import email_item, post_item

SECRET = "whsec-test-0123456789abcdef"
ENV = {"REPURPOSE_WEBHOOK_SECRET": SECRET}


class Receiver:
    """Accepts a POST only when X-Repurpose-Signature matches HMAC-SHA256(secret, ts.body)."""

    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.accepted: list[dict] = []
        self.rejected = 0
        self.replies: list[tuple[int, dict]] = []  # scripted (status, headers) before accepting
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ts = self.headers.get("X-Repurpose-Timestamp", "")
                mac = hmac.new(outer.secret.encode(), ts.encode() + b"." + body, hashlib.sha256)
                good = hmac.compare_digest(
                    "sha256=" + mac.hexdigest(), self.headers.get("X-Repurpose-Signature", "")
                )
                status, headers, doc = 200, {}, {}
                if outer.replies:
                    status, headers = outer.replies.pop(0)
                elif not good:
                    outer.rejected += 1
                    status, doc = 401, {"error": "bad signature"}
                else:
                    payload = json.loads(body)
                    outer.accepted.append(
                        {"body": payload, "key": self.headers.get("Idempotency-Key")}
                    )
                    doc = {"id": f"hook-{len(outer.accepted)}"}
                out = json.dumps(doc).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def sender(receiver, env=ENV) -> WebhookSender:
    return WebhookSender(Settings.model_validate({"webhook": {"url": receiver.url}}), env)


def test_signed_post_accepted(receiver):
    item = post_item(7, "A post for the hook", channel="webhook", key="launch:webhook:0")
    receipt = sender(receiver).send(item)
    assert receipt.external_id == "hook-1"
    (got,) = receiver.accepted
    assert got["key"] == "launch:webhook:0"
    assert got["body"]["payload"] == {"text": "A post for the hook"}
    assert got["body"]["id"] == 7 and got["body"]["channel"] == "webhook"


def test_wrong_secret_is_auth_failure(receiver):
    with pytest.raises(AuthFailed):
        sender(receiver, env={"REPURPOSE_WEBHOOK_SECRET": "not-the-secret"}).send(
            email_item(1, "a@example.org")
        )
    assert receiver.rejected == 1 and receiver.accepted == []


@pytest.mark.parametrize(
    ("status", "headers", "kind"),
    [
        (503, {}, "transient"),
        (500, {}, "transient"),
        (422, {}, "permanent"),
        (404, {}, "permanent"),
        (429, {"Retry-After": "30"}, "rate"),
    ],
)
def test_status_mapping(receiver, status, headers, kind):
    receiver.replies.append((status, headers))
    with pytest.raises(DeliveryError) as info:
        sender(receiver).send(post_item(1, "x", channel="webhook"))
    err = info.value
    if kind == "rate":
        assert isinstance(err, RateLimited) and err.retry_at is not None
    else:
        assert err.transient == (kind == "transient") and not isinstance(err, AuthFailed)
    assert SECRET not in str(err)


def test_unreachable_is_transient():
    s = Settings.model_validate({"webhook": {"url": "http://127.0.0.1:1/hook"}})
    with pytest.raises(DeliveryError) as info:
        WebhookSender(s, ENV).send(post_item(1, "x", channel="webhook"))
    assert info.value.transient


def test_registry_needs_url_and_secret(receiver):
    s = Settings.model_validate({"webhook": {"url": receiver.url}})
    assert Registry(s, env=ENV).plan("webhook").sender == "webhook"
    assert Registry(s, env={}).plan("webhook").dry_run
    assert Registry(Settings(), env=ENV).plan("webhook").dry_run
    assert Registry(s, env=ENV).scrub(f"oops {SECRET} leaked") == "oops *** leaked"
