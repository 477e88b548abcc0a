"""stateset-sandbox 2.1.0: checkpoints and artifacts (group c)."""

import hashlib
import urllib.request

import pytest
from stateset_sandbox import SandboxApiError
from stateset_sandbox.types import CreateCheckpointOptions, UploadArtifactOptions


@pytest.mark.covers(
    "StateSetSandbox.create_checkpoint",
    "StateSetSandbox.get_checkpoint",
    "StateSetSandbox.list_checkpoints",
    "StateSetSandbox.restore_checkpoint",
    "StateSetSandbox.clone_checkpoint",
    "StateSetSandbox.compare_checkpoints",
    "StateSetSandbox.delete_checkpoint",
)
def test_checkpoint_lifecycle(client, org, sandboxes):
    sid = sandboxes.create(env={"STAGE": "one"}).sandbox_id
    client.write_files(sid, [
        {"path": "/workspace/src/app.py", "content": "VERSION = 1\n"},
        {"path": "/workspace/src/util.py", "content": "def f(): pass\n"},
        {"path": "/workspace/debug.log", "content": "noise"},
    ])
    first = client.create_checkpoint(sid, CreateCheckpointOptions(
        name="first", description="before the change", exclude_paths=["*.log"], include_env=True))
    assert first.id.startswith("chk_")
    assert (first.sandbox_id, first.org_id, first.name, first.description) == (sid, org.org_id, "first",
                                                                               "before the change")
    assert first.file_count >= 2
    assert first.size > 0
    assert len(first.checksum) == 64

    got = client.get_checkpoint(first.id)
    assert (got.id, got.checksum, got.size, got.file_count) == (first.id, first.checksum, first.size,
                                                                first.file_count)

    # Change the workspace, save again, compare.
    client.write_file(sid, "/workspace/src/app.py", "VERSION = 2\n")
    client.execute(sid, "rm /workspace/src/util.py && echo new > /workspace/src/extra.py")
    second = client.create_checkpoint(sid, CreateCheckpointOptions(name="second", include_paths=["src"]))
    diff = client.compare_checkpoints(first.id, second.id)
    assert "src/extra.py" in diff["added"]
    assert "src/util.py" in diff["removed"]
    assert "src/app.py" in diff["modified"]
    assert "debug.log" not in diff["removed"]  # excluded from the first one

    listed = client.list_checkpoints(sandbox_id=sid)
    assert [c.id for c in listed] == [second.id, first.id]  # newest first
    assert {first.id, second.id} <= {c.id for c in client.list_checkpoints()}

    # Restore the first one over the changes: its files come back, later files stay.
    assert client.restore_checkpoint(sid, first.id) is True
    assert client.read_file(sid, "/workspace/src/app.py") == "VERSION = 1\n"
    assert client.read_file(sid, "/workspace/src/util.py") == "def f(): pass\n"
    assert client.read_file(sid, "/workspace/src/extra.py") == "new\n"

    # overwrite=False keeps what exists; restore_env brings the saved variables back.
    client.write_file(sid, "/workspace/src/app.py", "VERSION = 3\n")
    assert client.restore_checkpoint(sid, first.id, restore_files=True, restore_env=True, overwrite=False) is True
    assert client.read_file(sid, "/workspace/src/app.py") == "VERSION = 3\n"
    assert client.execute(sid, "echo $STAGE").stdout == "one\n"

    clone = client.clone_checkpoint(first.id, "first-copy")
    assert clone.id not in (first.id, second.id)
    assert clone.name == "first-copy"
    assert clone.file_count == first.file_count
    assert client.compare_checkpoints(first.id, clone.id)["added"] == []

    assert client.delete_checkpoint(second.id) is True
    with pytest.raises(SandboxApiError) as excinfo:
        client.get_checkpoint(second.id)
    assert excinfo.value.status_code == 404
    assert second.id not in {c.id for c in client.list_checkpoints()}
    with pytest.raises(SandboxApiError) as excinfo:
        client.restore_checkpoint(sid, second.id)
    assert excinfo.value.status_code == 404


@pytest.mark.covers(
    "StateSetSandbox.upload_artifact",
    "StateSetSandbox.get_artifact",
    "StateSetSandbox.list_artifacts",
    "StateSetSandbox.get_artifact_url",
    "StateSetSandbox.download_artifact",
    "StateSetSandbox.delete_artifact",
)
def test_artifact_lifecycle(client, org, sandboxes):
    source = sandboxes.create().sandbox_id
    target = sandboxes.create().sandbox_id
    content = "".join(f"line {i}\n" for i in range(2000))
    client.write_file(source, "/workspace/build/report.txt", content)

    artifact = client.upload_artifact(source, UploadArtifactOptions(
        path="/workspace/build/report.txt", content_type="text/plain", expires_in=3600, metadata={"kind": "report"}))
    assert artifact.id
    assert (artifact.sandbox_id, artifact.org_id) == (source, org.org_id)
    assert artifact.path == "/workspace/build/report.txt"
    assert artifact.remote_path == "build/report.txt"
    assert artifact.size == len(content.encode())
    assert artifact.checksum == hashlib.sha256(content.encode()).hexdigest()
    assert artifact.content_type.startswith("text/plain")
    assert artifact.metadata == {"kind": "report"}
    assert artifact.expires_at is not None
    assert 3590 <= (artifact.expires_at - artifact.created_at).total_seconds() <= 3610

    assert client.get_artifact(artifact.id).checksum == artifact.checksum
    assert [a.id for a in client.list_artifacts(sandbox_id=source)] == [artifact.id]
    assert client.list_artifacts(sandbox_id=target) == []
    assert artifact.id in {a.id for a in client.list_artifacts()}

    url = client.get_artifact_url(artifact.id, expires_in=600)
    assert url.startswith("http")
    with urllib.request.urlopen(url, timeout=30) as response:  # no credential needed
        assert response.read().decode() == content

    assert client.download_artifact(target, artifact.id, "/workspace/incoming/report.txt") is True
    assert client.read_file(target, "/workspace/incoming/report.txt") == content

    assert client.delete_artifact(artifact.id) is True
    with pytest.raises(SandboxApiError) as excinfo:
        client.get_artifact(artifact.id)
    assert excinfo.value.status_code == 404
    with pytest.raises(SandboxApiError) as excinfo:
        client.download_artifact(target, artifact.id, "/workspace/again.txt")
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.upload_artifact")
def test_artifact_upload_refusals(client, sandbox):
    sid = sandbox.sandbox_id
    with pytest.raises(SandboxApiError) as excinfo:
        client.upload_artifact(sid, UploadArtifactOptions(path="/workspace/not-there.bin"))
    assert excinfo.value.status_code == 404
    client.execute(sid, "mkdir -p /workspace/adir")
    with pytest.raises(SandboxApiError) as excinfo:
        client.upload_artifact(sid, UploadArtifactOptions(path="/workspace/adir"))
    assert excinfo.value.status_code == 400
