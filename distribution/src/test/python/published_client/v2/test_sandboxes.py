"""stateset-sandbox 2.1.0: sandbox lifecycle, commands, lifetime, fork and promote (group a)."""

from datetime import datetime

import pytest
from conftest import api_error
from stateset_sandbox import SandboxApiError
from stateset_sandbox.types import CreateSandboxOptions, SandboxStatus


@pytest.mark.covers("StateSetSandbox.create", "StateSetSandbox.get", "StateSetSandbox.list")
def test_create_get_list(client, org, sandboxes):
    created = sandboxes.create(cpus="0.5", memory="256Mi", env={"GREETING": "hello"})
    assert created.sandbox_id.startswith("sbx_")
    assert created.org_id == org.org_id
    assert created.status == SandboxStatus.RUNNING
    assert (created.cpus, created.memory) == ("0.5", "256Mi")
    assert created.session_id
    lifetime = (created.expires_at - created.created_at).total_seconds()
    assert 890 <= lifetime <= 910

    fetched = client.get(created.sandbox_id)
    assert fetched.sandbox_id == created.sandbox_id
    assert fetched.status == SandboxStatus.RUNNING
    assert fetched.expires_at == created.expires_at

    listed = {s.sandbox_id: s for s in client.list()}
    assert created.sandbox_id in listed
    assert all(s.org_id == org.org_id for s in listed.values())

    assert client.execute(created.sandbox_id, "echo $GREETING").stdout == "hello\n"


@pytest.mark.covers("StateSetSandbox.create")
def test_create_without_options_uses_the_default_template(client, sandboxes):
    created = client.create()
    sandboxes.track(created.sandbox_id)
    assert created.status == SandboxStatus.RUNNING
    assert client.execute(created.sandbox_id, ["python3", "-c", "print(6 * 7)"]).stdout == "42\n"


@pytest.mark.covers("StateSetSandbox.create")
def test_create_from_a_template_whose_image_is_missing_is_refused(client):
    with pytest.raises(SandboxApiError) as excinfo:
        client.create(CreateSandboxOptions(template="go-basic", timeout_seconds=60))
    assert api_error(excinfo) == (409, "RUNTIME_MISCONFIGURED")


@pytest.mark.covers("StateSetSandbox.create")
def test_create_with_an_unknown_template_names_the_field(client):
    with pytest.raises(SandboxApiError) as excinfo:
        client.create(CreateSandboxOptions(template="no-such-template"))
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "template"
    assert "python-basic" in excinfo.value.details.get("allowed", [])


@pytest.mark.covers("StateSetSandbox.create", "StateSetSandbox.execute")
def test_create_with_the_fields_new_in_2_1(client, sandboxes):
    """isolation, image and desktop_os, which 2.1.0's CreateSandboxOptions added."""
    node_image = "stateset-sandbox/node-basic:latest"
    created = sandboxes.create(template="python-basic", isolation="container", image=node_image)
    assert client.execute(created.sandbox_id, "node -e 'console.log(1 + 1)'").stdout == "2\n"

    with pytest.raises(SandboxApiError) as excinfo:
        client.create(CreateSandboxOptions(isolation="no-such-isolation"))
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "isolation"
    assert "container" in excinfo.value.details.get("allowed", [])

    with pytest.raises(SandboxApiError) as excinfo:
        client.create(CreateSandboxOptions(image="registry.example.com/anything:latest"))
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "image"
    assert node_image in excinfo.value.details.get("allowed", [])

    with pytest.raises(SandboxApiError) as excinfo:
        client.create(CreateSandboxOptions(desktop_os="ubuntu"))
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "desktop_os"


@pytest.mark.covers("StateSetSandbox.get")
def test_unknown_sandbox_is_404(client):
    with pytest.raises(SandboxApiError) as excinfo:
        client.get("sbx_doesnotexist000000000000")
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.execute")
def test_execute(client, sandbox):
    sid = sandbox.sandbox_id
    result = client.execute(sid, "echo out; echo err >&2; exit 3")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")
    assert result.output_truncated is False

    argv = client.execute(sid, ["python3", "-c", "import os, sys; print(os.getcwd(), os.environ['X'], sys.argv[1:])", "a b"],
                          env={"X": "1"}, working_dir="/tmp")
    assert argv.exit_code == 0
    assert argv.stdout == "/tmp 1 ['a b']\n"

    assert client.execute(sid, "pwd", cwd="/workspace").stdout == "/workspace\n"

    timed_out = client.execute(sid, "sleep 30", timeout=1000)
    assert timed_out.exit_code == 124


@pytest.mark.covers("StateSetSandbox.execute_stream")
def test_execute_stream(client, sandbox):
    stdout, stderr, exits, errors = [], [], [], []
    client.execute_stream(
        sandbox.sandbox_id,
        "for i in 1 2 3; do echo step $i; sleep 0.2; done; echo warn >&2; exit 5",
        on_stdout=stdout.append,
        on_stderr=stderr.append,
        on_exit=exits.append,
        on_error=errors.append,
        env={"UNUSED": "1"},
        working_dir="/workspace",
        timeout=20000,
    )
    assert "".join(stdout) == "step 1\nstep 2\nstep 3\n"
    assert len(stdout) >= 3, "output should arrive as it is produced, not in one piece"
    assert "".join(stderr) == "warn\n"
    assert exits == [5]
    assert errors == []


@pytest.mark.covers("StateSetSandbox.get_status", "StateSetSandbox.extend")
def test_status_and_extend(client, sandboxes):
    created = sandboxes.create(timeout_seconds=300)
    status = client.get_status(created.sandbox_id)
    assert status.sandbox_id == created.sandbox_id
    assert status.status == SandboxStatus.RUNNING
    assert datetime.fromisoformat(status.expires_at.replace("Z", "+00:00")) == created.expires_at
    assert status.max_lifetime_seconds and status.max_lifetime_seconds > 300
    assert status.remaining_extend_seconds is not None and status.remaining_extend_seconds > 0
    assert status.lifetime_used_seconds is not None and status.lifetime_used_seconds >= 0
    assert 0 <= status.lifetime_used_percent <= 100

    extended = client.extend(created.sandbox_id, 120)
    assert extended.sandbox_id == created.sandbox_id
    assert (extended.expires_at - created.expires_at).total_seconds() == pytest.approx(120, abs=1)
    after = client.get_status(created.sandbox_id)
    assert after.remaining_extend_seconds == pytest.approx(status.remaining_extend_seconds - 120, abs=1)

    with pytest.raises(SandboxApiError) as excinfo:
        client.extend(created.sandbox_id, after.remaining_extend_seconds + 3600)
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "additional_seconds"


@pytest.mark.covers("StateSetSandbox.stop", "StateSetSandbox.get", "StateSetSandbox.execute")
def test_stop(client, sandboxes):
    created = sandboxes.create()
    assert client.stop(created.sandbox_id) is True
    assert client.get(created.sandbox_id).status == SandboxStatus.TERMINATED
    assert client.stop(created.sandbox_id) is True  # idempotent
    with pytest.raises(SandboxApiError) as excinfo:
        client.execute(created.sandbox_id, "true")
    assert excinfo.value.status_code == 409


@pytest.mark.covers("StateSetSandbox.delete", "StateSetSandbox.get", "StateSetSandbox.list")
def test_delete(client, sandboxes):
    created = sandboxes.create()
    assert client.delete(created.sandbox_id) is True
    with pytest.raises(SandboxApiError) as excinfo:
        client.get(created.sandbox_id)
    assert excinfo.value.status_code == 404
    assert created.sandbox_id not in {s.sandbox_id for s in client.list()}


@pytest.mark.covers("StateSetSandbox.fork", "StateSetSandbox.get", "StateSetSandbox.get_checkpoint")
def test_fork(client, sandboxes):
    source = sandboxes.create(env={"ORIGIN": "source"})
    client.write_file(source.sandbox_id, "/workspace/state.txt", "forked state")
    result = client.fork(source.sandbox_id, checkpoint_name="fork-test", timeout_seconds=600)
    forked = sandboxes.track(result["forked_id"])
    assert result["parent_id"] == source.sandbox_id
    assert forked != source.sandbox_id
    assert client.get(forked).status == SandboxStatus.RUNNING
    assert client.get(source.sandbox_id).status == SandboxStatus.RUNNING
    assert client.read_file(forked, "/workspace/state.txt") == "forked state"
    assert client.execute(forked, "echo $ORIGIN").stdout == "source\n"
    assert client.get_checkpoint(result["checkpoint_id"]).name == "fork-test"


@pytest.mark.covers("StateSetSandbox.promote", "StateSetSandbox.get")
def test_promote(client, sandboxes):
    source = sandboxes.create()
    client.write_file(source.sandbox_id, "/workspace/keep.txt", "promoted")
    result = client.promote(source.sandbox_id, "container", timeout_seconds=600)
    promoted = sandboxes.track(result["promoted_id"])
    assert result["source_id"] == source.sandbox_id
    assert result["checkpoint_id"].startswith("chk_")
    assert client.read_file(promoted, "/workspace/keep.txt") == "promoted"
    assert client.get(promoted).status == SandboxStatus.RUNNING
    assert client.get(source.sandbox_id).status == SandboxStatus.TERMINATED

    with pytest.raises(SandboxApiError) as excinfo:
        client.promote(promoted, "no-such-isolation")
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "target_isolation"
    assert "container" in excinfo.value.details.get("allowed", [])

