"""stateset-sandbox 2.1.0: webhooks, against a receiver on 127.0.0.1 in the test process (group c)."""

import hashlib
import hmac
import json

import pytest
from conftest import wait_until
from stateset_sandbox import SandboxApiError
from stateset_sandbox.types import CreateWebhookOptions, WebhookEvent


def _signed(request, secret):
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(request.headers.get("x-sandbox-signature", ""), expected)


@pytest.mark.covers(
    "StateSetSandbox.create_webhook",
    "StateSetSandbox.list_webhooks",
    "StateSetSandbox.test_webhook",
    "StateSetSandbox.get_webhook_deliveries",
    "StateSetSandbox.delete_webhook",
)
def test_webhook_lifecycle(client, org, sandboxes, webhook_receiver):
    secret = "whsec-client-suite-0123456789"
    webhook = client.create_webhook(CreateWebhookOptions(
        url=webhook_receiver.url,
        events=[WebhookEvent.SANDBOX_CREATED, WebhookEvent.COMMAND_COMPLETED],
        secret=secret,
        headers={"X-Team": "agents"},
        retry_count=2,
        retry_delay_ms=500,
        timeout_ms=5000,
    ))
    assert webhook.id
    assert webhook.url == webhook_receiver.url
    assert webhook.events == [WebhookEvent.SANDBOX_CREATED, WebhookEvent.COMMAND_COMPLETED]
    assert webhook.enabled is True
    assert (webhook.retry_count, webhook.retry_delay_ms, webhook.timeout_ms) == (2, 500, 5000)
    assert webhook.secret == secret  # shown once, at creation

    listed = {w.id: w for w in client.list_webhooks()}
    assert set(listed) == {webhook.id}
    assert listed[webhook.id].url == webhook_receiver.url
    assert listed[webhook.id].secret in (None, "")  # never shown again

    # The test event reaches the receiver, signed, with the webhook's headers.
    answer = client.test_webhook(webhook.id)
    assert answer["success"] is True
    assert answer["status_code"] == 200
    assert answer["duration_ms"] >= 0
    test_request = webhook_receiver.wait_for(lambda r: json.loads(r.body).get("event") == "webhook.test", timeout=10)
    assert _signed(test_request, secret)
    assert test_request.headers.get("x-team") == "agents"
    assert test_request.headers.get("webhook-id")

    # Real events are delivered, and the deliveries are listed with their attempts.
    sid = sandboxes.create().sandbox_id
    client.execute(sid, "true")
    created = webhook_receiver.wait_for(
        lambda r: json.loads(r.body).get("event") == "sandbox.created" and json.loads(r.body).get("sandboxId") == sid)
    body = json.loads(created.body)
    assert body["orgId"] == org.org_id
    assert body["id"].startswith("evt_")
    assert created.headers["webhook-id"] == body["id"]
    assert _signed(created, secret)
    webhook_receiver.wait_for(lambda r: json.loads(r.body).get("event") == "command.completed"
                              and json.loads(r.body).get("sandboxId") == sid)

    def delivered():
        deliveries = client.get_webhook_deliveries(webhook.id, limit=20)
        done = {d.event for d in deliveries if d.status == "delivered"}
        return deliveries if {"sandbox.created", "command.completed"} <= done else None

    deliveries = wait_until(delivered, timeout=30, what="the deliveries to be listed as delivered")
    assert all(d.webhook_id == webhook.id for d in deliveries)
    for delivery in deliveries:
        if delivery.status == "delivered":
            assert delivery.attempts >= 1
            assert delivery.response_status == 200
            assert delivery.last_attempt_at is not None
    # Only the events it asked for.
    assert {d.event for d in deliveries} <= {"sandbox.created", "command.completed", "webhook.test"}
    assert len(client.get_webhook_deliveries(webhook.id, limit=1)) == 1

    assert client.delete_webhook(webhook.id) is True
    assert client.list_webhooks() == []
    with pytest.raises(SandboxApiError) as excinfo:
        client.test_webhook(webhook.id)
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.create_webhook", "StateSetSandbox.test_webhook", "StateSetSandbox.delete_webhook")
def test_webhook_all_events_and_a_failing_receiver(client, webhook_receiver):
    everything = client.create_webhook(CreateWebhookOptions(url=webhook_receiver.url))  # events default "*"
    assert everything.events == "*"
    assert everything.secret  # a generated one
    unreachable = client.create_webhook(CreateWebhookOptions(url="http://127.0.0.1:9/nothing-listens", timeout_ms=2000,
                                                             retry_count=0))
    answer = client.test_webhook(unreachable.id)
    assert answer["success"] is False
    assert answer.get("error")
    assert client.delete_webhook(unreachable.id) is True
    assert client.delete_webhook(everything.id) is True

    with pytest.raises(SandboxApiError) as excinfo:
        client.create_webhook(CreateWebhookOptions(url="http://169.254.169.254/latest/meta-data"))
    assert excinfo.value.status_code == 400
