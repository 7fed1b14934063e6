"""X sender (the only module that uses tweepy).

tweepy.Client with OAuth 1.0a user context from REPURPOSE_X_* environment variables and
wait_on_rate_limit=False (the worker backs off itself). tweepy hard-codes its API host, so the
client's session rewrites every URL to settings.x.api_base before the request is prepared: the
OAuth signature then covers the URL actually requested, which a gateway can verify.

A thread post n+1 is a reply to post n (item.reply_to_external_id). A retry answered with
"duplicate content" (the crash window: X accepted, our commit did not happen) is looked up among
the account's recent posts and recorded as sent with the existing id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

from repurpose.config import Settings
from repurpose.deliver.base import X_ENV, AuthFailed, RateLimited, Receipt
from repurpose.errors import DeliveryError

TWEEPY_HOST = "https://api.twitter.com"
TIMEOUT = (10.0, 30.0)
LOOKUP_PAGE = 100


class _RebasedSession(requests.Session):
    """A requests session that sends tweepy's requests to another API base URL."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = self.base + url[len(TWEEPY_HOST) :]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(method, url, *args, **kwargs)


def _messages(exc: tweepy.HTTPException) -> str:
    parts = [str(m) for m in exc.api_messages] or [str(exc)]
    return "; ".join(p.replace("\n", " ").strip() for p in parts if p)


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).split())

    return norm(a) == norm(b)


class XSender:
    name = "x"
    dry_run = False

    def __init__(self, settings: Settings, env: Mapping[str, str]):
        ck, cs, at, ats = (env.get(n, "") for n in X_ENV)
        self.client = tweepy.Client(
            consumer_key=ck,
            consumer_secret=cs,
            access_token=at,
            access_token_secret=ats,
            wait_on_rate_limit=False,
        )
        self.client.session = _RebasedSession(settings.x.api_base)
        self._me: str | None = None

    def send(self, item: Any) -> Receipt:
        text = str((item.payload or {}).get("text", ""))
        if not text.strip():
            raise DeliveryError("the post is empty", transient=False)
        reply_to = getattr(item, "reply_to_external_id", None)
        if getattr(item, "after_id", None) is not None and not reply_to:
            raise DeliveryError(
                "cannot continue the thread: the previous post's X id is unknown",
                transient=False,
            )
        try:
            resp = self.client.create_tweet(
                text=text, in_reply_to_tweet_id=reply_to, user_auth=True
            )
        except tweepy.Forbidden as exc:
            message = _messages(exc)
            if "duplicate content" in message.lower():
                return self._existing(text, reply_to)
            raise DeliveryError(f"X refused the post (403): {message}", transient=False) from None
        except tweepy.TwitterServerError as exc:
            raise DeliveryError(f"X server error: {_messages(exc)}", transient=True) from None
        except tweepy.TooManyRequests as exc:
            retry_at = None
            if exc.reset_time:
                retry_at = datetime.fromtimestamp(int(exc.reset_time), UTC)
            raise RateLimited("X rate limit reached (429)", retry_at=retry_at) from None
        except tweepy.Unauthorized as exc:
            raise AuthFailed(f"X rejected the credentials (401): {_messages(exc)}") from None
        except tweepy.HTTPException as exc:
            code = getattr(exc.response, "status_code", 0)
            raise DeliveryError(
                f"X refused the post ({code}): {_messages(exc)}", transient=code in (408, 409)
            ) from None
        except (requests.RequestException, OSError) as exc:
            raise DeliveryError(
                f"cannot reach the X API: {type(exc).__name__}", transient=True
            ) from None
        data = resp.data or {}
        post_id = data.get("id")
        if not post_id:
            raise DeliveryError("X answered without a post id", transient=True)
        return Receipt(str(post_id), "posted")

    def _existing(self, text: str, reply_to: str | None) -> Receipt:
        """X says the same text is already posted: find that post's id among recent posts."""
        try:
            if self._me is None:
                me = self.client.get_me(user_auth=True)
                self._me = str(me.data["id"])
            page = self.client.get_users_tweets(
                self._me,
                max_results=LOOKUP_PAGE,
                tweet_fields=["in_reply_to_user_id", "referenced_tweets"],
                user_auth=True,
            )
        except (tweepy.TweepyException, requests.RequestException, OSError, KeyError, TypeError):
            return Receipt(None, "X says duplicate content: already posted (id lookup failed)")
        for tweet in page.data or []:
            if not _same_text(tweet.text or "", text):
                continue
            refs = {
                r.id if hasattr(r, "id") else r.get("id")
                for r in (tweet.referenced_tweets or [])
                if (r.type if hasattr(r, "type") else r.get("type")) == "replied_to"
            }
            if reply_to is None or str(reply_to) in {str(r) for r in refs} or not refs:
                return Receipt(str(tweet.id), "X says duplicate content: already posted")
        return Receipt(None, "X says duplicate content: already posted (id not found)")

    def close(self) -> None:
        self.client.session.close()
