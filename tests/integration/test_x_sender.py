"""The X sender through tweepy's own HTTP client against a fake X API on 127.0.0.1."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from repurpose.config import Settings
from repurpose.deliver.base import AuthFailed, RateLimited, Registry
from repurpose.deliver.x import XSender
from repurpose.errors import DeliveryError
from tests.integration.deliver_items import post_item
from tests.integration.fake_x import CREDS, FakeX


@pytest.fixture
def fake():
    with FakeX() as server:
        yield server


def sender_for(fake: FakeX, env=CREDS) -> XSender:
    return XSender(Settings.model_validate({"x": {"api_base": fake.base}}), env)


def test_thread_is_a_reply_chain_with_signed_requests(fake):
    sender = sender_for(fake)
    prev = None
    ids = []
    for i, text in enumerate(["First post 1/3", "Second post 2/3", "Third post 3/3"]):
        receipt = sender.send(post_item(i + 1, text, position=i, after_id=i or None, reply_to=prev))
        prev = receipt.external_id
        ids.append(prev)
    sender.close()
    assert [p.text for p in fake.posts] == ["First post 1/3", "Second post 2/3", "Third post 3/3"]
    assert [p.id for p in fake.posts] == ids
    assert [p.in_reply_to for p in fake.posts] == [None, ids[0], ids[1]]
    # every request carried a valid OAuth 1.0a signature for the URL actually requested
    assert all(r["headers"]["Authorization"].startswith("OAuth ") for r in fake.state.requests)


def test_rate_limit_429_honours_reset_header(fake):
    reset = int(time.time()) + 120
    fake.state.faults.append((429, {"x-rate-limit-reset": reset}, {"title": "Too Many Requests"}))
    with pytest.raises(RateLimited) as info:
        sender_for(fake).send(post_item(1, "hello"))
    assert info.value.transient
    assert info.value.retry_at == datetime.fromtimestamp(reset, UTC)
    assert fake.posts == []


def test_server_error_is_transient_then_succeeds(fake):
    fake.state.faults.append((503, {}, {"title": "Service Unavailable", "detail": "over capacity"}))
    sender = sender_for(fake)
    with pytest.raises(DeliveryError) as info:
        sender.send(post_item(1, "hello again"))
    assert info.value.transient and not isinstance(info.value, AuthFailed)
    assert sender.send(post_item(1, "hello again")).external_id == fake.posts[0].id


def test_bad_request_and_plain_forbidden_are_permanent(fake):
    fake.state.faults.append((400, {}, {"errors": [{"message": "text too long"}]}))
    fake.state.faults.append((403, {}, {"detail": "You are not permitted to perform this action."}))
    sender = sender_for(fake)
    for _ in range(2):
        with pytest.raises(DeliveryError) as info:
            sender.send(post_item(1, "x"))
        assert not info.value.transient and not isinstance(info.value, AuthFailed)


def test_wrong_credentials_401_is_auth_failure_without_secrets(fake):
    wrong = {**CREDS, "REPURPOSE_X_CONSUMER_SECRET": "totally-wrong-secret-000"}
    with pytest.raises(AuthFailed) as info:
        sender_for(fake, env=wrong).send(post_item(1, "hello"))
    message = str(info.value)
    assert "401" in message
    for value in wrong.values():
        assert value not in message
    assert fake.posts == []


def test_duplicate_after_lost_reply_is_recorded_with_existing_id(fake):
    sender = sender_for(fake)
    first = sender.send(post_item(1, "Opening 1/2", position=0))
    fake.state.faults.append("accept_then_500")
    second_item = post_item(2, "Closing 2/2", position=1, after_id=1, reply_to=first.external_id)
    with pytest.raises(DeliveryError) as info:
        sender.send(second_item)  # X accepted it, but we never heard back
    assert info.value.transient
    receipt = sender.send(second_item)  # the retry: X answers 403 duplicate content
    assert receipt.external_id == fake.posts[1].id
    assert "duplicate" in receipt.detail
    assert len(fake.posts) == 2 and fake.posts[1].in_reply_to == first.external_id


def test_thread_post_without_known_predecessor_id_is_not_posted(fake):
    with pytest.raises(DeliveryError) as info:
        sender_for(fake).send(post_item(2, "Orphan 2/2", position=1, after_id=1, reply_to=None))
    assert not info.value.transient and fake.posts == []


def test_connection_refused_is_transient():
    s = Settings.model_validate({"x": {"api_base": "http://127.0.0.1:1"}})
    with pytest.raises(DeliveryError) as info:
        XSender(s, CREDS).send(post_item(1, "hello"))
    assert info.value.transient


def test_registry_picks_x_only_with_all_credentials(fake, tmp_path):
    s = Settings.model_validate(
        {"x": {"api_base": fake.base}, "outbox": {"directory": str(tmp_path)}}
    )
    assert Registry(s, env=CREDS).plan("x").sender == "x"
    partial = {k: v for k, v in CREDS.items() if "ACCESS_TOKEN_SECRET" not in k}
    plan = Registry(s, env=partial).plan("x")
    assert plan.dry_run and "REPURPOSE_X_ACCESS_TOKEN_SECRET" in plan.reason
    reg = Registry(s, env=partial)
    receipt = reg.sender("x").send(post_item(1, "dry run post"))
    files = list(tmp_path.rglob("*.json"))
    assert len(files) == 1 and receipt.external_id.startswith("dry-run:")
    assert json.loads(files[0].read_text())["payload"]["text"] == "dry run post"
    assert Registry(s, env=CREDS).plan("bluesky").dry_run
