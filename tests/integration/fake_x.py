"""A fake X API v2 served over HTTP on 127.0.0.1, reached through tweepy's own client.

It checks the OAuth 1.0a HMAC-SHA1 signature of every request (so the URL rewriting done by the
X sender is signed correctly), refuses duplicate text like X does (403 "duplicate content"),
records reply chains, and plays scripted faults for POST /2/tweets:

- ``(status, headers, body)``: answer this instead of creating the post (429, 503, 400, …);
- ``"accept_then_500"``: create the post, then answer 500 (the remote accepted; the client
  does not know) — the crash window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

from oauthlib.oauth1.rfc5849 import signature as oauth_sig

CREDS = {
    "REPURPOSE_X_CONSUMER_KEY": "ck-fake-consumer-key-1234",
    "REPURPOSE_X_CONSUMER_SECRET": "cs-fake-consumer-secret-5678",
    "REPURPOSE_X_ACCESS_TOKEN": "at-fake-access-token-9012",
    "REPURPOSE_X_ACCESS_TOKEN_SECRET": "ats-fake-access-secret-3456",
}
USER_ID = "4242"
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."


@dataclass
class Post:
    id: str
    text: str
    in_reply_to: str | None
    created: float


@dataclass
class State:
    creds: dict[str, str] = field(default_factory=lambda: dict(CREDS))
    posts: list[Post] = field(default_factory=list)
    faults: list = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)  # method, path, headers, body
    create_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 1_790_000_000_000_000_001

    def by_text(self, text: str) -> Post | None:
        return next((p for p in self.posts if p.text == text), None)


def _verify_oauth(handler: BaseHTTPRequestHandler, state: State, body: bytes) -> bool:
    header = handler.headers.get("Authorization", "")
    if not header.startswith("OAuth "):
        return False
    params = dict(
        oauth_sig.collect_parameters(
            headers={"Authorization": header}, exclude_oauth_signature=False
        )
    )
    if params.get("oauth_consumer_key") != state.creds["REPURPOSE_X_CONSUMER_KEY"]:
        return False
    if params.get("oauth_token") != state.creds["REPURPOSE_X_ACCESS_TOKEN"]:
        return False
    uri = f"http://{handler.headers['Host']}{handler.path}"
    query = urlsplit(uri).query
    collected = oauth_sig.collect_parameters(
        uri_query=query, headers={"Authorization": header}, exclude_oauth_signature=True
    )
    base = oauth_sig.signature_base_string(
        handler.command, oauth_sig.base_string_uri(uri), oauth_sig.normalize_parameters(collected)
    )
    key = "&".join(
        quote(state.creds[n], safe="~")
        for n in ("REPURPOSE_X_CONSUMER_SECRET", "REPURPOSE_X_ACCESS_TOKEN_SECRET")
    )
    mac = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    expected = base64.b64encode(mac).decode()
    return oauth_sig.safe_string_equals(expected, params.get("oauth_signature", ""))


def make_handler(state: State):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, doc: dict | None, headers: dict | None = None):
            body = json.dumps(doc or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, str(v))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def _common(self) -> tuple[bytes, bool]:
            body = self._body()
            with state.lock:
                state.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body.decode("utf-8", "replace"),
                    }
                )
            if not _verify_oauth(self, state, body):
                self._send(
                    401,
                    {"title": "Unauthorized", "type": "about:blank", "status": 401,
                     "detail": "Unauthorized"},
                )  # fmt: skip
                return body, False
            return body, True

        def do_POST(self):
            body, ok = self._common()
            if not ok:
                return
            if urlsplit(self.path).path != "/2/tweets":
                self._send(404, {"title": "Not Found", "detail": "no such route"})
                return
            doc = json.loads(body or b"{}")
            text = doc.get("text", "")
            reply = (doc.get("reply") or {}).get("in_reply_to_tweet_id")
            with state.lock:
                state.create_calls += 1
                fault = state.faults.pop(0) if state.faults else None
                if isinstance(fault, tuple):
                    status, headers, payload = fault
                    self._send(status, payload, headers)
                    return
                if state.by_text(text) is not None:
                    self._send(
                        403,
                        {"detail": DUPLICATE, "type": "about:blank", "title": "Forbidden",
                         "status": 403},
                    )  # fmt: skip
                    return
                if reply is not None and not any(p.id == reply for p in state.posts):
                    self._send(400, {"errors": [{"message": "in_reply_to_tweet_id not found"}]})
                    return
                post = Post(str(state.next_id), text, reply, time.time())
                state.next_id += 1
                state.posts.append(post)
            if fault == "accept_then_500":
                self._send(500, {"title": "Internal Server Error", "detail": "lost reply"})
                return
            self._send(
                201,
                {"data": {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}},
            )

        def do_GET(self):
            _, ok = self._common()
            if not ok:
                return
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            if parts.path == "/2/users/me":
                self._send(200, {"data": {"id": USER_ID, "name": "Fake", "username": "fake"}})
                return
            if parts.path == f"/2/users/{USER_ID}/tweets":
                n = int(query.get("max_results", 10))
                with state.lock:
                    recent = list(reversed(state.posts))[:n]
                data = []
                for p in recent:
                    entry = {"id": p.id, "text": p.text, "edit_history_tweet_ids": [p.id]}
                    if p.in_reply_to:
                        entry["referenced_tweets"] = [{"type": "replied_to", "id": p.in_reply_to}]
                    data.append(entry)
                self._send(200, {"data": data, "meta": {"result_count": len(data)}})
                return
            self._send(404, {"title": "Not Found", "detail": "no such route"})

    return Handler


class FakeX:
    def __init__(self, port: int = 0):
        self.state = State()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(self.state))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeX:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def posts(self) -> list[Post]:
        return self.state.posts
