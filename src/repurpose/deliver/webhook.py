"""Webhook sender: POST the rendered piece as JSON, signed with HMAC-SHA256.

Headers: `X-Repurpose-Timestamp` (Unix seconds), `X-Repurpose-Signature: sha256=<hex>` where the
HMAC key is the secret from the environment variable named by settings.webhook.secret_env and the
message is `<timestamp>.<body>`; `Idempotency-Key` is the item's key, so a receiver can drop a
repeat. 2xx: sent (the response's JSON "id", when there is one, is the external id); 5xx, 408 and
connection errors: transient; 429: rate limited (Retry-After honoured); 401/403: the channel is
paused (the secret or URL is wrong); other 4xx: permanent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from repurpose.config import Settings
from repurpose.deliver.base import AuthFailed, RateLimited, Receipt
from repurpose.errors import DeliveryError

TIMEOUT = (10.0, 30.0)
SIGNATURE_HEADER = "X-Repurpose-Signature"
TIMESTAMP_HEADER = "X-Repurpose-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return None if value is None else str(value)


def request_body(item: Any) -> dict[str, Any]:
    """The JSON document a webhook (or the dry-run outbox) receives for one item."""
    return {
        "id": item.id,
        "idempotency_key": item.idempotency_key,
        "channel": item.channel,
        "account": getattr(item, "account", None),
        "kind": getattr(item, "kind", None),
        "article": getattr(item, "article_slug", None),
        "due_at": _iso(getattr(item, "due_at", None)),
        "thread": getattr(item, "thread_key", None),
        "position": getattr(item, "position", None),
        "in_reply_to": getattr(item, "reply_to_external_id", None),
        "payload": item.payload or {},
    }


class WebhookSender:
    name = "webhook"
    dry_run = False

    def __init__(self, settings: Settings, env: Mapping[str, str], *, clock=time.time):
        self.url = settings.webhook.url
        self._secret = env.get(settings.webhook.secret_env, "")
        self.session = requests.Session()
        self._clock = clock

    def send(self, item: Any) -> Receipt:
        body = json.dumps(request_body(item), ensure_ascii=False, sort_keys=True).encode()
        ts = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(self._secret, ts, body),
            "Idempotency-Key": item.idempotency_key,
            "User-Agent": "repurpose-webhook/1",
        }
        try:
            resp = self.session.post(self.url, data=body, headers=headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise DeliveryError(
                f"cannot reach the webhook: {type(exc).__name__}", transient=True
            ) from None
        code = resp.status_code
        reason = f"webhook answered {code} {resp.reason or ''}".strip()
        if 200 <= code < 300:
            external = None
            try:
                doc = resp.json()
                if isinstance(doc, dict) and doc.get("id") is not None:
                    external = str(doc["id"])
            except ValueError:
                pass
            return Receipt(external, reason)
        if code == 429:
            retry_at = None
            after = resp.headers.get("Retry-After", "")
            if after.isdigit():
                retry_at = datetime.now(UTC) + timedelta(seconds=int(after))
            raise RateLimited(reason, retry_at=retry_at)
        if code in (401, 403):
            raise AuthFailed(f"{reason}: check the webhook URL and secret")
        raise DeliveryError(reason, transient=code >= 500 or code == 408)

    def close(self) -> None:
        self.session.close()
