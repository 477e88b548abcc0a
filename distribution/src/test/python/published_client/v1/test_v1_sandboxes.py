"""stateset-sandbox 1.0.4: registration, sandboxes, commands and files.

1.0.4 returns `success` and the other hand-read values as the server sent them (2.1.0 checks
their types), reads every answer as JSON (an empty body would break it) and needs `size` in a
file read: the assertions check those shapes exactly.
"""

import base64

import pytest
from conftest import mint_jwt, unique_email
from stateset_sandbox import SandboxApiError, StateSetSandbox, register
from stateset_sandbox.types import CreateSandboxOptions, RegistrationRequest, SandboxStatus


@pytest.mark.covers("register() (module function)")
def test_register(base_url):
    email = unique_email("v1-register")
    registration = register(base_url, RegistrationRequest(email=email, organization_name="Old Client Org",
                                                          first_name="Grace", last_name="Hopper"))
    assert registration.organization.id.startswith("org_")
    assert registration.organization.name == "Old Client Org"
    assert registration.organization.slug and registration.organization.plan
    assert (registration.user.email, registration.user.role) == (email, "owner")
    assert registration.api_key.key.startswith("sk-sandbox-")
    assert registration.api_key.key.startswith(registration.api_key.key_prefix)
    assert "." not in registration.api_key.key  # 1.0.4 would take a dotted key for a JWT
    with pytest.raises(SandboxApiError) as excinfo:
        register(base_url, RegistrationRequest(email=email, organization_name="Twice"))
    assert excinfo.value.status_code == 409


@pytest.mark.covers("StateSetSandbox.create", "StateSetSandbox.get", "StateSetSandbox.list")
def test_create_get_list(client, org, sandboxes):
    created = sandboxes.create(cpus="0.5", memory="256Mi", env={"GREETING": "hello"}, timeout_seconds=600)
    assert created.sandbox_id.startswith("sbx_")
    assert created.org_id == org.org_id
    assert created.session_id
    assert created.status == SandboxStatus.RUNNING
    assert (created.cpus, created.memory) == ("0.5", "256Mi")
    assert (created.expires_at - created.created_at).total_seconds() == pytest.approx(600, abs=2)

    fetched = client.get(created.sandbox_id)
    assert (fetched.sandbox_id, fetched.status, fetched.expires_at) == (created.sandbox_id, SandboxStatus.RUNNING,
                                                                       created.expires_at)
    assert created.sandbox_id in {s.sandbox_id for s in client.list()}

    default = client.create()  # no options: the default template
    sandboxes.track(default.sandbox_id)
    assert default.status == SandboxStatus.RUNNING

    with pytest.raises(SandboxApiError) as excinfo:
        client.create(CreateSandboxOptions(template="go-basic"))
    assert (excinfo.value.status_code, excinfo.value.code) == (409, "RUNTIME_MISCONFIGURED")
    with pytest.raises(SandboxApiError) as excinfo:
        client.get("sbx_doesnotexist000000000000")
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.execute")
def test_execute(client, sandbox):
    sid = sandbox.sandbox_id
    result = client.execute(sid, "echo out; echo err >&2; exit 3")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out\n", "err\n")
    argv = client.execute(sid, ["python3", "-c", "import os; print(os.getcwd(), os.environ['X'])"], env={"X": "y"},
                          cwd="/tmp")
    assert (argv.exit_code, argv.stdout) == (0, "/tmp y\n")
    assert client.execute(sid, "pwd", working_dir="/home/sandbox").stdout == "/home/sandbox\n"
    assert client.execute(sid, "sleep 30", timeout=1000).exit_code == 124


@pytest.mark.covers("StateSetSandbox.execute_stream")
def test_execute_stream(client, sandbox):
    stdout, stderr, exits, errors = [], [], [], []
    client.execute_stream(sandbox.sandbox_id, "for i in 1 2 3; do echo line $i; sleep 0.2; done; echo bad >&2; exit 4",
                          on_stdout=stdout.append, on_stderr=stderr.append, on_exit=exits.append,
                          on_error=errors.append, timeout=20000, env={"A": "b"}, cwd="/workspace")
    assert "".join(stdout) == "line 1\nline 2\nline 3\n"
    assert "".join(stderr) == "bad\n"
    assert exits == [4]
    assert errors == []


@pytest.mark.covers("StateSetSandbox.write_file", "StateSetSandbox.write_files", "StateSetSandbox.read_file",
                    "StateSetSandbox.read_file_raw")
def test_files(client, sandbox):
    sid = sandbox.sandbox_id
    text = "grüße ✓\n"
    client.write_file(sid, "/workspace/v1/hello.txt", text)
    client.write_files(sid, [{"path": "/workspace/v1/a.py", "content": "print('a')\n"},
                             {"path": "relative.txt", "content": "rel"}])
    assert client.read_file(sid, "/workspace/v1/hello.txt") == text
    assert client.read_file(sid, "/workspace/v1/a.py") == "print('a')\n"
    assert client.read_file(sid, "/workspace/relative.txt") == "rel"

    raw = client.read_file_raw(sid, "/workspace/v1/hello.txt")  # size is required in 1.0.4
    assert raw.path == "/workspace/v1/hello.txt"
    assert raw.size == len(text.encode())
    assert base64.b64decode(raw.content).decode() == text

    with pytest.raises(SandboxApiError) as excinfo:
        client.read_file(sid, "/workspace/v1/missing.txt")
    assert (excinfo.value.status_code, excinfo.value.code) == (404, "FILE_NOT_FOUND")


@pytest.mark.covers("StateSetSandbox.stop", "StateSetSandbox.delete", "StateSetSandbox.get")
def test_stop_and_delete(client, sandboxes):
    stopped = sandboxes.create()
    assert client.stop(stopped.sandbox_id) is True  # 1.0.4 hands back whatever "success" holds
    assert client.get(stopped.sandbox_id).status == SandboxStatus.TERMINATED
    assert client.stop(stopped.sandbox_id) is True

    deleted = sandboxes.create()
    assert client.delete(deleted.sandbox_id) is True
    with pytest.raises(SandboxApiError) as excinfo:
        client.get(deleted.sandbox_id)
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.list")
def test_a_wrong_org_header_is_refused(base_url, org):
    with StateSetSandbox(base_url, auth_token=org.key, org_id="org_someoneelse0000000000") as client:
        with pytest.raises(SandboxApiError) as excinfo:
            client.list()
        assert excinfo.value.status_code == 403


@pytest.mark.covers("StateSetSandbox.create", "StateSetSandbox.execute", "StateSetSandbox.stop")
def test_a_bearer_token_needs_no_org_id(base_url, jwt_secret, client, org, sandboxes):
    token = mint_jwt(jwt_secret, org.org_id, sub="v1-bearer")
    with StateSetSandbox(base_url, auth_token=token) as bearer:  # dotted: 1.0.4 sends it as Bearer
        created = bearer.create(CreateSandboxOptions(template="python-basic", timeout_seconds=300))
        sandboxes.track(created.sandbox_id)
        assert created.org_id == org.org_id
        assert bearer.execute(created.sandbox_id, "echo bearer").stdout == "bearer\n"
        assert bearer.stop(created.sandbox_id) is True
    assert client.get(created.sandbox_id).status == SandboxStatus.TERMINATED
