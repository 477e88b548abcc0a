"""stateset-sandbox 2.1.0: the helper classes Sandbox, AsyncSandbox and CodeInterpreter (groups a, b, f)."""

import asyncio
import hashlib

import pytest
from conftest import mint_jwt
from stateset_sandbox import AsyncSandbox, CodeInterpreter, Sandbox, SandboxApiError
from stateset_sandbox.types import SandboxStatus


def _status(client, sandbox_id):
    return client.get(sandbox_id).status


def _created_at(client, sandbox_id):
    """The path (below /api/v1) the sandbox was created through, from the audit log."""
    events = client.list_audit_events(sandbox_id=sandbox_id, action="sandbox.create")["events"]
    assert len(events) == 1, events
    return events[0].resource


# Sandbox: it builds its own client without org_id, so it needs a JWT-shaped token ----------------


@pytest.mark.covers("Sandbox.create", "Sandbox.connect", "Sandbox.exec", "Sandbox.write_file", "Sandbox.write_files",
                    "Sandbox.read_file", "Sandbox.list_files", "Sandbox.extend", "Sandbox.close",
                    "StateSetSandbox.create", "StateSetSandbox.get", "StateSetSandbox.list_audit_events")
def test_sandbox_from_the_environment(base_url, jwt_secret, client, org, sandboxes, monkeypatch):
    monkeypatch.setenv("STATESET_BASE_URL", base_url)
    monkeypatch.setenv("STATESET_API_KEY", mint_jwt(jwt_secret, org.org_id, sub="sandbox-helper"))
    with Sandbox.create(timeout_seconds=600, env={"HELPER": "env"}) as sbx:
        sandboxes.track(sbx.id)
        assert sbx.org_id == org.org_id
        assert sbx.session_id
        assert _status(client, sbx.id) == SandboxStatus.RUNNING
        assert _created_at(client, sbx.id) == "/sandbox/create"

        result = sbx.exec("echo $HELPER $EXTRA; pwd", cwd="/tmp", env={"EXTRA": "more"}, timeout=10000)
        assert (result.exit_code, result.stdout) == (0, "env more\n/tmp\n")
        assert sbx.exec(["python3", "-c", "import sys; sys.exit(4)"]).exit_code == 4

        sbx.write_file("/workspace/helper/one.txt", "first")
        sbx.write_files([{"path": "/workspace/helper/two.txt", "content": "second"},
                         {"path": "/workspace/helper/sub/three.txt", "content": "third"}])
        assert sbx.read_file("/workspace/helper/two.txt") == "second"
        listed = {e["path"] for e in sbx.list_files("/workspace/helper", recursive=True)}
        assert listed == {"/workspace/helper/one.txt", "/workspace/helper/two.txt", "/workspace/helper/sub",
                          "/workspace/helper/sub/three.txt"}
        assert {e["path"] for e in sbx.list_files("/workspace/helper")} == {
            "/workspace/helper/one.txt", "/workspace/helper/two.txt", "/workspace/helper/sub"}

        before = client.get(sbx.id).expires_at
        assert sbx.extend(90) is sbx
        assert (client.get(sbx.id).expires_at - before).total_seconds() == pytest.approx(90, abs=1)

        again = Sandbox.connect(sbx.id)
        assert again.id == sbx.id
        assert again.read_file("/workspace/helper/one.txt") == "first"

        with pytest.raises(SandboxApiError) as excinfo:  # a token naming no scope may not manage keys
            sbx.client.list_api_keys()
        assert excinfo.value.status_code == 403
    assert sbx.closed
    assert _status(client, sbx.id) == SandboxStatus.TERMINATED
    with pytest.raises(RuntimeError):
        sbx.exec("true")


@pytest.mark.covers("Sandbox.create", "Sandbox.exec", "Sandbox.close", "StateSetSandbox.create_from_template",
                    "StateSetSandbox.list_audit_events")
def test_sandbox_from_a_template_with_explicit_settings(base_url, jwt_secret, client, org, sandboxes):
    token = mint_jwt(jwt_secret, org.org_id, sub="sandbox-helper-template")
    sbx = Sandbox.create(template="node-basic", api_key=token, base_url=base_url, cpus="0.5", memory="256Mi",
                         timeout_seconds=300, env={"LANGUAGE_NAME": "javascript"})
    sandboxes.track(sbx.id)
    try:
        info = client.get(sbx.id)
        assert (info.cpus, info.memory) == ("0.5", "256Mi")
        assert _created_at(client, sbx.id) == "/sandbox/create-from-template"
        assert (info.expires_at - info.created_at).total_seconds() == pytest.approx(300, abs=2)
        assert sbx.exec("node -e 'console.log(process.env.LANGUAGE_NAME)'").stdout == "javascript\n"
    finally:
        sbx.close()
    assert _status(client, sbx.id) == SandboxStatus.TERMINATED


@pytest.mark.covers("Sandbox.create", "Sandbox.connect")
def test_sandbox_with_a_bad_token_is_refused(base_url, jwt_secret, org, sandbox):
    wrong_key = mint_jwt("not-the-server-secret-0123456789abcdef", org.org_id)
    expired = mint_jwt(jwt_secret, org.org_id, ttl_seconds=-120)
    for token in (wrong_key, expired):
        with pytest.raises(SandboxApiError) as excinfo:
            Sandbox.create(api_key=token, base_url=base_url)
        assert excinfo.value.status_code == 401
        with pytest.raises(SandboxApiError) as excinfo:
            Sandbox.connect(sandbox.sandbox_id, api_key=token, base_url=base_url)
        assert excinfo.value.status_code == 401
    # Another organization's token does not see this organization's sandbox.
    stranger = mint_jwt(jwt_secret, "org_someoneelse0000000000")
    with pytest.raises(SandboxApiError) as excinfo:
        Sandbox.connect(sandbox.sandbox_id, api_key=stranger, base_url=base_url)
    assert excinfo.value.status_code in (401, 404)


# AsyncSandbox: an API key goes as x-api-key, and a create without a template posts to /sandbox ---


@pytest.mark.covers("AsyncSandbox.create (no template)", "AsyncSandbox.connect", "AsyncSandbox.exec",
                    "AsyncSandbox.write_file", "AsyncSandbox.write_files", "AsyncSandbox.read_file",
                    "AsyncSandbox.list_files", "AsyncSandbox.extend", "AsyncSandbox.stop", "AsyncSandbox.close",
                    "StateSetSandbox.list_audit_events")
def test_async_sandbox(base_url, client, org, sandboxes):
    async def scenario():
        sbx = await AsyncSandbox.create(api_key=org.key, base_url=base_url, timeout_seconds=600, cpus="0.5",
                                        memory="256Mi", env={"MODE": "async"})
        sandboxes.track(sbx.id)
        try:
            assert sbx.org_id == org.org_id
            info = client.get(sbx.id)
            assert (info.status, info.cpus, info.memory) == (SandboxStatus.RUNNING, "0.5", "256Mi")
            assert _created_at(client, sbx.id) == "/sandbox"

            result = await sbx.exec("echo $MODE $X; pwd", cwd="/tmp", env={"X": "1"}, timeout=10000)
            assert (result.exit_code, result.stdout) == (0, "async 1\n/tmp\n")
            many = await asyncio.gather(*(sbx.exec(["sh", "-c", f"sleep 0.3; echo {i}"]) for i in range(4)))
            assert [r.stdout for r in many] == ["0\n", "1\n", "2\n", "3\n"]

            await sbx.write_file("/workspace/async/one.txt", "uno")
            await sbx.write_files([{"path": "/workspace/async/two.txt", "content": "dos"},
                                   {"path": "/workspace/async/deep/three.txt", "content": "tres"}])
            assert await sbx.read_file("/workspace/async/one.txt") == "uno"
            assert {e["path"] for e in await sbx.list_files("/workspace/async")} == {
                "/workspace/async/one.txt", "/workspace/async/two.txt", "/workspace/async/deep"}
            assert "/workspace/async/deep/three.txt" in {
                e["path"] for e in await sbx.list_files("/workspace/async", recursive=True)}

            before = client.get(sbx.id).expires_at
            extended = await sbx.extend(45)
            assert (extended["sandbox_id"], extended["status"]) == (sbx.id, "running")
            assert (client.get(sbx.id).expires_at - before).total_seconds() == pytest.approx(45, abs=1)

            other = await AsyncSandbox.connect(sbx.id, api_key=org.key, base_url=base_url)
            assert other.id == sbx.id
            assert (await other.exec("cat /workspace/async/two.txt")).stdout == "dos"
            await other.stop()
            assert _status(client, sbx.id) == SandboxStatus.TERMINATED
            await other.close()
        finally:
            await sbx.close()
        assert sbx.closed

    asyncio.run(scenario())


@pytest.mark.covers('AsyncSandbox.create (template ≠ "base")', "AsyncSandbox.exec", "AsyncSandbox.close",
                    "StateSetSandbox.list_audit_events")
def test_async_sandbox_from_a_template(base_url, client, org, sandboxes):
    async def scenario():
        sbx = await AsyncSandbox.create(template="node-basic", api_key=org.key, base_url=base_url,
                                        timeout_seconds=300, cpus="0.5", memory="384Mi", env={"FLAVOR": "node"})
        sandboxes.track(sbx.id)
        try:
            info = client.get(sbx.id)
            assert (info.cpus, info.memory) == ("0.5", "384Mi")
            assert _created_at(client, sbx.id) == "/sandbox/create-from-template"
            result = await sbx.exec(["node", "-e", "console.log(process.env.FLAVOR, 6 * 7)"])
            assert result.stdout == "node 42\n"
        finally:
            await sbx.close()
        return sbx.id

    sandbox_id = asyncio.run(scenario())
    assert _status(client, sandbox_id) == SandboxStatus.TERMINATED


# CodeInterpreter --------------------------------------------------------------------------------

WHEEL_BUILDER = """
import zipfile
files = {
    "suitepkg/__init__.py": "def greet(name):\\n    return 'hello ' + name\\n",
    "suitepkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: suitepkg\\nVersion: 1.0\\n",
    "suitepkg-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    "suitepkg-1.0.dist-info/RECORD": "",
}
with zipfile.ZipFile("/workspace/suitepkg-1.0-py3-none-any.whl", "w") as wheel:
    for name, text in files.items():
        wheel.writestr(name, text)
print("built")
"""

NPM_PACKER = """set -e
mkdir -p /workspace/suite-greeter
cd /workspace/suite-greeter
cat > package.json <<'EOF'
{"name": "suite-greeter", "version": "1.0.0", "main": "index.js"}
EOF
cat > index.js <<'EOF'
exports.greet = (name) => "hello " + name;
EOF
npm pack --silent
"""


@pytest.mark.covers("CodeInterpreter.run", "CodeInterpreter.install", "CodeInterpreter.upload",
                    "CodeInterpreter.download", "CodeInterpreter.close", "StateSetSandbox.create")
def test_code_interpreter_python(client, sandboxes, tmp_path):
    ci = CodeInterpreter(client, timeout_seconds=600)
    try:
        first = ci.run("import sys\nprint(sum(range(10)))\nprint('oops', file=sys.stderr)")
        sandbox_id = sandboxes.track(ci._sandbox_id)  # created on first use
        assert (first.exit_code, first.stdout, first.stderr) == (0, "45\n", "oops\n")
        assert first.execution_time_ms >= 0
        assert first.artifacts == []
        assert ci.run("raise SystemExit(3)").exit_code == 3
        assert ci.run("while True:\n    pass", timeout=1).exit_code == 124

        # Files under /workspace/artifacts are reported as artifacts.
        made = ci.run("import os\nos.makedirs('/workspace/artifacts', exist_ok=True)\n"
                      "open('/workspace/artifacts/result.txt', 'w').write('done')")
        assert made.artifacts == ["/workspace/artifacts/result.txt"]

        # A wheel built inside the sandbox, installed with pip from the local file, then imported.
        assert ci.run(WHEEL_BUILDER).stdout == "built\n"
        ci.install(["/workspace/suitepkg-1.0-py3-none-any.whl"])
        imported = ci.run("import suitepkg\nprint(suitepkg.greet('sandbox'))\nprint(suitepkg.__file__)")
        assert imported.exit_code == 0, imported.stderr
        greeting, location = imported.stdout.splitlines()
        assert greeting == "hello sandbox"
        assert location.startswith("/workspace/.local/")
        with pytest.raises(RuntimeError, match="Package install failed"):
            ci.install(["/workspace/no-such-package-1.0-py3-none-any.whl"])

        # Upload into a directory (the file keeps its name) or to a full path; download returns bytes.
        payload = bytes(range(256)) * 64
        local = tmp_path / "blob.bin"
        local.write_bytes(payload)
        into_dir = ci.upload(str(local), "/workspace/inputs/")
        assert into_dir == "/workspace/inputs/blob.bin"
        named = ci.upload(str(local), "/workspace/inputs/renamed.dat")
        assert named == "/workspace/inputs/renamed.dat"
        assert ci.download(into_dir) == payload
        digest = ci.run("import hashlib\nprint(hashlib.sha256(open('/workspace/inputs/renamed.dat', 'rb').read())"
                        ".hexdigest())").stdout.strip()
        assert digest == hashlib.sha256(payload).hexdigest()
        ci.run("open('/workspace/out.csv', 'w').write('a,b\\n1,2\\n')")
        assert ci.download("/workspace/out.csv") == b"a,b\n1,2\n"
    finally:
        ci.close()
    assert _status(client, sandbox_id) == SandboxStatus.TERMINATED


@pytest.mark.covers("CodeInterpreter.run", "CodeInterpreter.install", "CodeInterpreter.close", "StateSetSandbox.create")
def test_code_interpreter_node(client, sandboxes):
    with CodeInterpreter(client, template="node-basic", timeout_seconds=600) as ci:
        result = ci.run("console.log([1, 2, 3].map((x) => x * 2).join(','))", language="node")
        sandbox_id = sandboxes.track(ci._sandbox_id)
        assert (result.exit_code, result.stdout) == (0, "2,4,6\n")
        assert ci.run("process.exit(7)", language="javascript").exit_code == 7
        assert ci.run("print('python too')").stdout == "python too\n"

        packed = ci.run(NPM_PACKER, language="sh")
        assert packed.exit_code == 0, packed.stderr
        assert packed.stdout.strip() == "suite-greeter-1.0.0.tgz"
        ci.install(["/workspace/suite-greeter/suite-greeter-1.0.0.tgz"], manager="npm")
        required = ci.run("console.log(require('suite-greeter').greet('node'))", language="node")
        assert (required.exit_code, required.stdout) == (0, "hello node\n"), required.stderr
    assert _status(client, sandbox_id) == SandboxStatus.TERMINATED
