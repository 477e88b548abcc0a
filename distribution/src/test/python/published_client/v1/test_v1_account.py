"""stateset-sandbox 1.0.4: keys, usage, plans, secrets, checkpoints, artifacts, webhooks and audit."""

import hashlib
import json
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from conftest import wait_until
from stateset_sandbox import SandboxApiError, StateSetSandbox
from stateset_sandbox.types import (
    CreateApiKeyOptions,
    CreateCheckpointOptions,
    CreateSecretOptions,
    CreateWebhookOptions,
    UploadArtifactOptions,
    WebhookEvent,
)


@pytest.mark.covers("StateSetSandbox.list_api_keys", "StateSetSandbox.create_api_key", "StateSetSandbox.revoke_api_key")
def test_api_keys(base_url, client, org):
    assert [k.key_prefix for k in client.list_api_keys()] == [org.registration.api_key.key_prefix]
    created = client.create_api_key(CreateApiKeyOptions(name="ci", scopes=["sandbox:read", "sandbox:write"],
                                                        expires_in_days=7))
    assert created.key.startswith(created.api_key.key_prefix)
    assert created.api_key.name == "ci"
    assert sorted(created.api_key.scopes) == ["sandbox:read", "sandbox:write"]
    assert created.api_key.expires_at is not None
    assert {k.id for k in client.list_api_keys()} >= {created.api_key.id}
    with StateSetSandbox(base_url, auth_token=created.key, org_id=org.org_id) as other:
        assert isinstance(other.list(), list)
        assert client.revoke_api_key(created.api_key.id) is True
        with pytest.raises(SandboxApiError) as excinfo:
            other.list()
        assert excinfo.value.status_code == 401
    assert created.api_key.id not in {k.id for k in client.list_api_keys()}


@pytest.mark.covers("StateSetSandbox.get_current_usage", "StateSetSandbox.get_usage_history",
                    "StateSetSandbox.get_subscription")
def test_usage_and_subscription(client, org, sandbox):
    usage = client.get_current_usage()
    assert usage.period_start <= datetime.now(timezone.utc) < usage.period_end
    assert usage.sandbox_creations >= 1
    assert usage.estimated_cost_cents == sum(usage.breakdown.values())
    history = client.get_usage_history(granularity="daily")
    assert history.granularity == "daily"
    assert sum(p.sandbox_creations for p in history.data) >= 1
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    hourly = client.get_usage_history("hourly", start_date=day, end_date=day)
    assert len(hourly.data) == 24

    subscription = client.get_subscription()
    assert subscription.plan == org.registration.organization.plan
    assert subscription.subscription.status == "active"
    assert subscription.subscription.cancel_at_period_end is False


@pytest.mark.covers("StateSetSandbox.upgrade_plan", "StateSetSandbox.get_billing_portal", "StateSetSandbox.list_invoices")
def test_hosted_billing_is_not_available(client):
    calls = [lambda: client.upgrade_plan("pro", "https://example.com/ok", "https://example.com/no"),
             lambda: client.get_billing_portal("https://example.com/back"),
             lambda: client.list_invoices()]
    for call in calls:
        with pytest.raises(SandboxApiError) as excinfo:
            call()
        assert (excinfo.value.status_code, excinfo.value.code) == (409, "NOT_AVAILABLE")


@pytest.mark.covers("StateSetSandbox.create_secret", "StateSetSandbox.list_secrets", "StateSetSandbox.update_secret",
                    "StateSetSandbox.delete_secret", "StateSetSandbox.inject_secrets")
def test_secrets(client, sandboxes):
    sid = sandboxes.create().sandbox_id
    secret = client.create_secret(CreateSecretOptions(name="SERVICE_TOKEN", value="abc"))
    assert (secret.name, secret.scope) == ("SERVICE_TOKEN", "sandbox")
    assert [s.name for s in client.list_secrets()] == ["SERVICE_TOKEN"]
    assert client.inject_secrets(sid, ["SERVICE_TOKEN"]) == ["SERVICE_TOKEN"]
    assert client.execute(sid, "echo $SERVICE_TOKEN").stdout == "abc\n"
    assert client.update_secret("SERVICE_TOKEN", "def").id == secret.id
    assert client.execute(sid, "echo $SERVICE_TOKEN").stdout == "def\n"
    assert client.inject_secrets(sid, all_secrets=True) == ["SERVICE_TOKEN"]
    assert client.delete_secret("SERVICE_TOKEN") is True
    assert client.list_secrets() == []
    with pytest.raises(SandboxApiError) as excinfo:
        client.delete_secret("SERVICE_TOKEN")
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.create_checkpoint", "StateSetSandbox.get_checkpoint",
                    "StateSetSandbox.list_checkpoints", "StateSetSandbox.restore_checkpoint",
                    "StateSetSandbox.clone_checkpoint", "StateSetSandbox.delete_checkpoint")
def test_checkpoints(client, org, sandbox):
    sid = sandbox.sandbox_id
    client.write_file(sid, "/workspace/cp/state.txt", "v1")
    checkpoint = client.create_checkpoint(sid, CreateCheckpointOptions(name="v1", description="first",
                                                                       include_paths=["cp"]))
    assert (checkpoint.sandbox_id, checkpoint.org_id, checkpoint.name) == (sid, org.org_id, "v1")
    assert checkpoint.file_count >= 1 and checkpoint.size > 0 and len(checkpoint.checksum) == 64
    assert client.get_checkpoint(checkpoint.id).checksum == checkpoint.checksum
    assert checkpoint.id in {c.id for c in client.list_checkpoints(sandbox_id=sid)}

    client.write_file(sid, "/workspace/cp/state.txt", "v2")
    assert client.restore_checkpoint(sid, checkpoint.id) is True
    assert client.read_file(sid, "/workspace/cp/state.txt") == "v1"

    clone = client.clone_checkpoint(checkpoint.id, "v1-copy")
    assert clone.name == "v1-copy" and clone.id != checkpoint.id
    assert {checkpoint.id, clone.id} <= {c.id for c in client.list_checkpoints()}
    assert client.delete_checkpoint(clone.id) is True
    assert client.delete_checkpoint(checkpoint.id) is True
    assert client.list_checkpoints(sandbox_id=sid) == []


@pytest.mark.covers("StateSetSandbox.upload_artifact", "StateSetSandbox.get_artifact", "StateSetSandbox.list_artifacts",
                    "StateSetSandbox.get_artifact_url", "StateSetSandbox.delete_artifact")
def test_artifacts(client, org, sandbox):
    sid = sandbox.sandbox_id
    content = "col1,col2\n" + "".join(f"{i},{i * i}\n" for i in range(500))
    client.write_file(sid, "/workspace/out/table.csv", content)
    artifact = client.upload_artifact(sid, UploadArtifactOptions(path="/workspace/out/table.csv",
                                                                 metadata={"run": "1"}))
    assert (artifact.sandbox_id, artifact.org_id, artifact.remote_path) == (sid, org.org_id, "out/table.csv")
    assert artifact.size == len(content.encode())
    assert artifact.checksum == hashlib.sha256(content.encode()).hexdigest()
    assert artifact.content_type.startswith("text/csv")
    assert artifact.expires_at is None
    assert client.get_artifact(artifact.id).checksum == artifact.checksum
    assert [a.id for a in client.list_artifacts(sandbox_id=sid)] == [artifact.id]
    assert artifact.id in {a.id for a in client.list_artifacts()}
    url = client.get_artifact_url(artifact.id)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.read().decode() == content
    assert client.delete_artifact(artifact.id) is True
    assert client.list_artifacts() == []


@pytest.mark.covers("StateSetSandbox.create_webhook", "StateSetSandbox.list_webhooks", "StateSetSandbox.test_webhook",
                    "StateSetSandbox.get_webhook_deliveries", "StateSetSandbox.delete_webhook")
def test_webhooks(client, sandboxes, webhook_receiver):
    webhook = client.create_webhook(CreateWebhookOptions(url=webhook_receiver.url, events=[WebhookEvent.SANDBOX_READY],
                                                         secret="v1-suite-secret-0123456789"))
    assert (webhook.url, webhook.enabled, webhook.events) == (webhook_receiver.url, True, [WebhookEvent.SANDBOX_READY])
    assert [w.id for w in client.list_webhooks()] == [webhook.id]

    answer = client.test_webhook(webhook.id)
    assert (answer["success"], answer["status_code"]) == (True, 200)
    webhook_receiver.wait_for(lambda r: json.loads(r.body).get("event") == "webhook.test")

    sid = sandboxes.create().sandbox_id
    webhook_receiver.wait_for(lambda r: json.loads(r.body).get("event") == "sandbox.ready"
                              and json.loads(r.body).get("sandboxId") == sid)
    deliveries = wait_until(lambda: [d for d in client.get_webhook_deliveries(webhook.id, limit=10)
                                     if d.event == "sandbox.ready" and d.status == "delivered"],
                            what="the sandbox.ready delivery")
    assert deliveries[0].webhook_id == webhook.id
    assert deliveries[0].attempts >= 1 and deliveries[0].response_status == 200

    assert client.delete_webhook(webhook.id) is True
    assert client.list_webhooks() == []


@pytest.mark.covers("StateSetSandbox.list_audit_events", "StateSetSandbox.get_sandbox_audit_summary")
def test_audit(client, org, sandboxes):
    sid = sandboxes.create().sandbox_id
    client.execute(sid, "echo audited")
    client.write_file(sid, "/workspace/audited.txt", "x")
    client.read_file(sid, "/workspace/audited.txt")
    listing = client.list_audit_events(sandbox_id=sid)
    actions = [e.action for e in listing["events"]]
    assert listing["total"] == len(actions)
    assert {"sandbox.create", "command.execute", "file.write", "file.read"} <= set(actions)
    assert all(e.org_id == org.org_id and e.sandbox_id == sid and e.outcome == "success" for e in listing["events"])
    hour_ago = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    recent = client.list_audit_events(action="command.execute", outcome="success", start_time=hour_ago, limit=10,
                                      offset=0, sandbox_id=sid)
    assert recent["total"] == 1 and recent["events"][0].action == "command.execute"
    summary = client.get_sandbox_audit_summary(sid)
    assert (summary.commands_executed, summary.files_written, summary.files_read, summary.errors) == (1, 1, 1, 0)
    assert summary.total_events == listing["total"]
