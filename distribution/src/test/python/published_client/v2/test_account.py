"""stateset-sandbox 2.1.0: registration, API keys, usage, plans, secrets and audit (group c)."""

from datetime import datetime, timedelta, timezone

import pytest
from conftest import api_error, unique_email
from stateset_sandbox import SandboxApiError, StateSetSandbox, register
from stateset_sandbox.types import CreateApiKeyOptions, CreateSecretOptions, RegistrationRequest


@pytest.mark.covers("register() (module function)", "StateSetSandbox.list_api_keys")
def test_register(base_url):
    email = unique_email("register")
    registration = register(base_url, RegistrationRequest(email=email, organization_name="Acme Robotics",
                                                          first_name="Ada", last_name="Lovelace", use_case="tests"))
    assert registration.organization.id.startswith("org_")
    assert registration.organization.name == "Acme Robotics"
    assert registration.organization.slug
    assert registration.organization.plan
    assert registration.user.email == email
    assert registration.user.role == "owner"
    key = registration.api_key
    assert key.key.startswith("sk-sandbox-")
    assert key.key.startswith(key.key_prefix)
    assert key.name

    with StateSetSandbox(base_url, auth_token=key.key, org_id=registration.organization.id) as client:
        assert [k.key_prefix for k in client.list_api_keys()] == [key.key_prefix]

    with pytest.raises(SandboxApiError) as excinfo:  # the email is taken
        register(base_url, RegistrationRequest(email=email, organization_name="Again"))
    assert excinfo.value.status_code == 409


@pytest.mark.covers("StateSetSandbox.list_api_keys", "StateSetSandbox.create_api_key", "StateSetSandbox.revoke_api_key")
def test_api_keys(base_url, client, org, sandbox):
    before = client.list_api_keys()
    assert org.registration.api_key.key_prefix in {k.key_prefix for k in before}

    created = client.create_api_key(CreateApiKeyOptions(name="read-only", scopes=["sandbox:read"], expires_in_days=30))
    assert created.key.startswith("sk-sandbox-")
    assert created.api_key.name == "read-only"
    assert created.api_key.scopes == ["sandbox:read"]
    assert created.key.startswith(created.api_key.key_prefix)
    assert created.api_key.expires_at is not None
    expected_expiry = datetime.now(timezone.utc) + timedelta(days=30)
    assert abs((created.api_key.expires_at - expected_expiry).total_seconds()) < 120
    assert created.api_key.id in {k.id for k in client.list_api_keys()}

    with StateSetSandbox(base_url, auth_token=created.key, org_id=org.org_id, max_retries=0) as reader:
        assert sandbox.sandbox_id in {s.sandbox_id for s in reader.list()}
        with pytest.raises(SandboxApiError) as excinfo:  # reading is all it may do
            reader.execute(sandbox.sandbox_id, "true")
        assert excinfo.value.status_code == 403
        with pytest.raises(SandboxApiError) as excinfo:
            reader.list_api_keys()
        assert excinfo.value.status_code == 403

        assert client.revoke_api_key(created.api_key.id) is True
        with pytest.raises(SandboxApiError) as excinfo:
            reader.list()
        assert excinfo.value.status_code == 401
    assert created.api_key.id not in {k.id for k in client.list_api_keys()}

    with pytest.raises(SandboxApiError) as excinfo:
        client.revoke_api_key(created.api_key.id)
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.get_current_usage", "StateSetSandbox.get_usage_history")
def test_usage(client, sandbox):
    usage = client.get_current_usage()
    now = datetime.now(timezone.utc)
    assert usage.period_start <= now < usage.period_end
    assert (usage.period_start.day, usage.period_start.hour) == (1, 0)
    assert usage.sandbox_creations >= 1
    assert usage.cpu_hours > 0 and usage.memory_gb_hours > 0
    assert usage.network_gb >= 0
    assert set(usage.breakdown) >= {"cpu_cents", "memory_cents", "network_cents", "storage_cents"}
    assert usage.estimated_cost_cents == sum(usage.breakdown.values())

    daily = client.get_usage_history()
    assert daily.granularity == "daily"
    assert len(daily.data) == 7 or len(daily.data) == 8
    today = [p for p in daily.data if p.period_start <= now < p.period_end]
    assert len(today) == 1 and today[0].sandbox_creations >= 1
    assert sum(p.sandbox_creations for p in daily.data) >= 1

    day = now.strftime("%Y-%m-%d")
    hourly = client.get_usage_history(granularity="hourly", start_date=day, end_date=day)
    assert hourly.granularity == "hourly"
    assert len(hourly.data) == 24
    assert all((p.period_end - p.period_start) == timedelta(hours=1) for p in hourly.data)
    assert sum(p.sandbox_creations for p in hourly.data) == today[0].sandbox_creations

    with pytest.raises(SandboxApiError) as excinfo:
        client.get_usage_history(granularity="weekly")
    assert excinfo.value.status_code == 400


@pytest.mark.covers("StateSetSandbox.get_subscription")
def test_subscription(client, org):
    subscription = client.get_subscription()
    assert subscription.plan == org.registration.organization.plan
    sub = subscription.subscription
    assert sub is not None
    assert (sub.status, sub.plan, sub.cancel_at_period_end) == ("active", subscription.plan, False)
    assert sub.current_period_start < datetime.now(timezone.utc) < sub.current_period_end


@pytest.mark.covers("StateSetSandbox.upgrade_plan", "StateSetSandbox.get_billing_portal", "StateSetSandbox.list_invoices")
def test_hosted_billing_is_not_available(client):
    """Plans are the operator's on a self-hosted server: the documented answer is 409 NOT_AVAILABLE."""
    with pytest.raises(SandboxApiError) as excinfo:
        client.upgrade_plan("pro", "https://example.com/ok", "https://example.com/cancel")
    assert api_error(excinfo) == (409, "NOT_AVAILABLE")
    with pytest.raises(SandboxApiError) as excinfo:
        client.get_billing_portal("https://example.com/back")
    assert api_error(excinfo) == (409, "NOT_AVAILABLE")
    with pytest.raises(SandboxApiError) as excinfo:
        client.list_invoices(limit=5)
    assert api_error(excinfo) == (409, "NOT_AVAILABLE")


@pytest.mark.covers(
    "StateSetSandbox.create_secret",
    "StateSetSandbox.list_secrets",
    "StateSetSandbox.update_secret",
    "StateSetSandbox.delete_secret",
    "StateSetSandbox.inject_secrets",
)
def test_secrets(client, sandboxes):
    sid = sandboxes.create().sandbox_id
    assert client.list_secrets() == []

    token = client.create_secret(CreateSecretOptions(name="API_TOKEN", value="first-value"))
    assert token.id and token.name == "API_TOKEN"
    assert token.scope == "sandbox"
    assert token.created_at is not None
    org_wide = client.create_secret(CreateSecretOptions(name="DB_PASSWORD", value="s3cr3t", scope="org"))
    assert org_wide.scope == "org"
    assert {s.name for s in client.list_secrets()} == {"API_TOKEN", "DB_PASSWORD"}

    with pytest.raises(SandboxApiError) as excinfo:  # the name exists
        client.create_secret(CreateSecretOptions(name="API_TOKEN", value="again"))
    assert excinfo.value.status_code == 409

    assert client.inject_secrets(sid, ["API_TOKEN"]) == ["API_TOKEN"]
    assert client.execute(sid, "echo $API_TOKEN:$DB_PASSWORD").stdout == "first-value:\n"
    assert sorted(client.inject_secrets(sid, all_secrets=True)) == ["API_TOKEN", "DB_PASSWORD"]
    assert client.execute(sid, "echo $API_TOKEN:$DB_PASSWORD").stdout == "first-value:s3cr3t\n"

    updated = client.update_secret("API_TOKEN", "second-value")
    assert updated.id == token.id
    assert updated.updated_at > token.updated_at
    assert client.execute(sid, "echo $API_TOKEN").stdout == "second-value\n"

    assert client.delete_secret("DB_PASSWORD") is True
    assert {s.name for s in client.list_secrets()} == {"API_TOKEN"}
    with pytest.raises(SandboxApiError) as excinfo:
        client.inject_secrets(sid, ["DB_PASSWORD"])
    assert excinfo.value.status_code == 404
    with pytest.raises(SandboxApiError) as excinfo:
        client.update_secret("DB_PASSWORD", "x")
    assert excinfo.value.status_code == 404
    assert client.inject_secrets(sid) == ["API_TOKEN"]  # no names: every usable secret


@pytest.mark.covers("StateSetSandbox.list_audit_events", "StateSetSandbox.get_sandbox_audit_summary")
def test_audit(client, org, sandboxes):
    sid = sandboxes.create().sandbox_id
    client.execute(sid, "true")
    client.execute(sid, "exit 1")
    client.write_file(sid, "/workspace/a.txt", "a")
    client.read_file(sid, "/workspace/a.txt")
    with pytest.raises(SandboxApiError):
        client.read_file(sid, "/workspace/missing.txt")

    listing = client.list_audit_events(sandbox_id=sid)
    events = listing["events"]
    assert listing["total"] == len(events) >= 5
    assert all(e.sandbox_id == sid and e.org_id == org.org_id for e in events)
    assert [e.timestamp for e in events] == sorted((e.timestamp for e in events), reverse=True)
    actions = [e.action for e in events]
    assert actions.count("command.execute") == 2
    assert "sandbox.create" in actions and "file.write" in actions and "file.read" in actions

    failures = client.list_audit_events(sandbox_id=sid, outcome="failure")["events"]
    assert [e.action for e in failures] == ["file.read"]
    assert failures[0].error_message

    executes = client.list_audit_events(action="command.execute", sandbox_id=sid, limit=1)
    assert executes["total"] == 2 and len(executes["events"]) == 1
    second_page = client.list_audit_events(action="command.execute", sandbox_id=sid, limit=1, offset=1)
    assert second_page["events"][0].id != executes["events"][0].id

    start = (min(e.timestamp for e in events) - timedelta(seconds=1)).isoformat()
    end = (max(e.timestamp for e in events) + timedelta(seconds=1)).isoformat()
    window = client.list_audit_events(sandbox_id=sid, start_time=start, end_time=end)
    assert window["total"] == listing["total"]
    assert client.list_audit_events(sandbox_id=sid, end_time=start)["total"] == 0

    summary = client.get_sandbox_audit_summary(sid)
    assert summary.commands_executed == 2
    assert summary.files_written == 1
    assert summary.files_read == 1
    assert summary.errors == 1
    assert summary.total_events == listing["total"]
    assert summary.duration >= 0
