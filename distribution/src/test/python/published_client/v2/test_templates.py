"""stateset-sandbox 2.1.0: templates and create-from-template (group b)."""

import pytest
from stateset_sandbox import SandboxApiError
from stateset_sandbox.types import SandboxStatus


@pytest.mark.covers("StateSetSandbox.list_templates")
def test_list_templates(client):
    templates = {t.id: t for t in client.list_templates()}
    assert {"python-basic", "node-basic"} <= set(templates)
    python = templates["python-basic"]
    assert python.name == "python-basic"
    assert python.description
    assert python.category
    assert python.config.cpus and python.config.memory
    assert python.config.timeout_seconds > 0

    assert [t.id for t in client.list_templates(search="node-basic")] == ["node-basic"]
    by_category = client.list_templates(category=python.category.upper())
    assert "python-basic" in {t.id for t in by_category}
    assert all(t.category.lower() == python.category.lower() for t in by_category)
    assert client.list_templates(search="no template is called this") == []


@pytest.mark.covers("StateSetSandbox.get_template")
def test_get_template(client):
    template = client.get_template("node-basic")
    assert template.id == "node-basic"
    assert template.config.cpus and template.config.memory
    with pytest.raises(SandboxApiError) as excinfo:
        client.get_template("no-such-template")
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.create_from_template", "StateSetSandbox.execute")
def test_create_from_template(client, org, sandboxes):
    created = client.create_from_template("node-basic", timeout_seconds=600, env={"FROM_TEMPLATE": "yes"},
                                          override_cpus="0.5", override_memory="384Mi")
    sandboxes.track(created.sandbox_id)
    assert created.status == SandboxStatus.RUNNING
    assert created.org_id == org.org_id
    assert (created.cpus, created.memory) == ("0.5", "384Mi")
    assert (created.expires_at - created.created_at).total_seconds() == pytest.approx(600, abs=2)
    result = client.execute(created.sandbox_id, "node -e 'console.log(process.env.FROM_TEMPLATE)'")
    assert (result.exit_code, result.stdout) == (0, "yes\n")


@pytest.mark.covers("StateSetSandbox.create_from_template")
def test_create_from_template_defaults_and_errors(client, sandboxes):
    template = client.get_template("python-basic")
    created = client.create_from_template("python-basic")
    sandboxes.track(created.sandbox_id)
    assert (created.cpus, created.memory) == (template.config.cpus, template.config.memory)
    lifetime = (created.expires_at - created.created_at).total_seconds()
    assert lifetime == pytest.approx(template.config.timeout_seconds, abs=2)

    with pytest.raises(SandboxApiError) as excinfo:
        client.create_from_template("no-such-template")
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "template_id"

    with pytest.raises(SandboxApiError) as excinfo:
        client.create_from_template("rust-basic", timeout_seconds=60)
    assert (excinfo.value.status_code, excinfo.value.code) == (409, "RUNTIME_MISCONFIGURED")
