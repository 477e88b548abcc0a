"""stateset-sandbox 2.1.0: file transfer and file operations in a sandbox (group a)."""

import base64

import pytest
from stateset_sandbox import SandboxApiError


def _paths(entries):
    return {e["path"] for e in entries}


@pytest.mark.covers("StateSetSandbox.write_file", "StateSetSandbox.read_file", "StateSetSandbox.read_file_raw")
def test_write_and_read(client, sandbox):
    sid = sandbox.sandbox_id
    text = "héllo wörld ✓\nsecond line\n"
    client.write_file(sid, "/workspace/notes/hello.txt", text)
    assert client.read_file(sid, "/workspace/notes/hello.txt") == text

    raw = client.read_file_raw(sid, "/workspace/notes/hello.txt")
    assert raw.path == "/workspace/notes/hello.txt"
    assert base64.b64decode(raw.content).decode() == text
    assert raw.size == len(text.encode())

    client.write_file(sid, "relative.txt", "under /workspace")
    assert client.execute(sid, "cat /workspace/relative.txt").stdout == "under /workspace"
    assert client.execute(sid, "stat -c %U /workspace/notes/hello.txt").stdout.strip() == "sandbox"

    with pytest.raises(SandboxApiError) as excinfo:
        client.read_file(sid, "/workspace/missing.txt")
    assert (excinfo.value.status_code, excinfo.value.code) == (404, "FILE_NOT_FOUND")

    with pytest.raises(SandboxApiError) as excinfo:
        client.write_file(sid, "/etc/passwd", "no")
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "files[0].path"


@pytest.mark.covers("StateSetSandbox.write_files", "StateSetSandbox.read_file")
def test_write_files(client, sandbox):
    sid = sandbox.sandbox_id
    client.write_files(sid, [
        {"path": "/workspace/multi/a.py", "content": "print('a')\n"},
        {"path": "/workspace/multi/b.py", "content": "print('b')\n"},
        {"path": "/tmp/c.txt", "content": "c"},
    ])
    assert client.read_file(sid, "/workspace/multi/a.py") == "print('a')\n"
    assert client.read_file(sid, "/workspace/multi/b.py") == "print('b')\n"
    assert client.read_file(sid, "/tmp/c.txt") == "c"
    assert client.execute(sid, "python3 multi/a.py && python3 multi/b.py").stdout == "a\nb\n"


@pytest.mark.covers("StateSetSandbox.list_files", "StateSetSandbox.mkdir")
def test_list_files_and_mkdir(client, sandbox):
    sid = sandbox.sandbox_id
    made = client.mkdir(sid, "/workspace/tree/x/y")
    assert made["success"] is True
    assert made["path"] == "/workspace/tree/x/y"
    client.write_files(sid, [
        {"path": "/workspace/tree/top.txt", "content": "12345"},
        {"path": "/workspace/tree/x/y/deep.txt", "content": "d"},
    ])

    flat = client.list_files(sid, "/workspace/tree")
    assert _paths(flat) == {"/workspace/tree/top.txt", "/workspace/tree/x"}
    by_path = {e["path"]: e for e in flat}
    assert by_path["/workspace/tree/top.txt"]["type"] == "file"
    assert by_path["/workspace/tree/top.txt"]["size"] == 5
    assert by_path["/workspace/tree/top.txt"]["name"] == "top.txt"
    assert by_path["/workspace/tree/x"]["type"] == "directory"

    deep = client.list_files(sid, "/workspace/tree", recursive=True)
    assert _paths(deep) == {"/workspace/tree/top.txt", "/workspace/tree/x", "/workspace/tree/x/y",
                            "/workspace/tree/x/y/deep.txt"}

    assert "/workspace/tree" in _paths(client.list_files(sid))  # default: /workspace

    # Without recursive, the parent must exist and the directory must not.
    with pytest.raises(SandboxApiError) as excinfo:
        client.mkdir(sid, "/workspace/tree/x/y", recursive=False)
    assert excinfo.value.status_code == 409
    with pytest.raises(SandboxApiError) as excinfo:
        client.mkdir(sid, "/workspace/nowhere/z", recursive=False)
    assert excinfo.value.status_code == 404
    assert client.mkdir(sid, "/workspace/tree/x/y")["success"] is True  # recursive: existing is fine


@pytest.mark.covers("StateSetSandbox.glob")
def test_glob(client, sandbox):
    sid = sandbox.sandbox_id
    client.write_files(sid, [
        {"path": "/workspace/g/app.py", "content": ""},
        {"path": "/workspace/g/pkg/mod.py", "content": ""},
        {"path": "/workspace/g/pkg/data.json", "content": "{}"},
        {"path": "/workspace/g/web/index.ts", "content": ""},
    ])
    assert _paths(client.glob(sid, "g/**/*.py")) == {"/workspace/g/app.py", "/workspace/g/pkg/mod.py"}
    assert _paths(client.glob(sid, "/workspace/g/*/*.{json,ts}")) == {"/workspace/g/pkg/data.json",
                                                                      "/workspace/g/web/index.ts"}
    assert client.glob(sid, "g/**/*.rs") == []
    with pytest.raises(SandboxApiError) as excinfo:
        client.glob(sid, "/workspace/absent/**/*.py")
    assert excinfo.value.status_code == 404


@pytest.mark.covers("StateSetSandbox.move_file", "StateSetSandbox.copy_file", "StateSetSandbox.delete_file")
def test_move_copy_delete(client, sandbox):
    sid = sandbox.sandbox_id
    client.write_file(sid, "/workspace/ops/original.txt", "payload")

    copied = client.copy_file(sid, "/workspace/ops/original.txt", "/workspace/ops/copies/copy.txt")
    assert copied["success"] is True
    assert copied["destination"] == "/workspace/ops/copies/copy.txt"
    assert client.read_file(sid, "/workspace/ops/copies/copy.txt") == "payload"
    assert client.read_file(sid, "/workspace/ops/original.txt") == "payload"

    moved = client.move_file(sid, "/workspace/ops/original.txt", "/workspace/ops/renamed.txt")
    assert (moved["success"], moved["source"], moved["destination"]) == (
        True, "/workspace/ops/original.txt", "/workspace/ops/renamed.txt")
    assert client.read_file(sid, "/workspace/ops/renamed.txt") == "payload"
    with pytest.raises(SandboxApiError) as excinfo:
        client.read_file(sid, "/workspace/ops/original.txt")
    assert excinfo.value.status_code == 404

    with pytest.raises(SandboxApiError) as excinfo:  # the destination exists
        client.copy_file(sid, "/workspace/ops/renamed.txt", "/workspace/ops/copies/copy.txt")
    assert excinfo.value.status_code == 409

    deleted = client.delete_file(sid, "/workspace/ops/renamed.txt")
    assert deleted["success"] is True
    with pytest.raises(SandboxApiError) as excinfo:  # a directory that is not empty needs recursive
        client.delete_file(sid, "/workspace/ops")
    assert excinfo.value.status_code == 400
    assert excinfo.value.details.get("field") == "recursive"
    assert client.delete_file(sid, "/workspace/ops", recursive=True)["success"] is True
    assert "/workspace/ops" not in _paths(client.list_files(sid))
    with pytest.raises(SandboxApiError) as excinfo:
        client.delete_file(sid, "/workspace/ops")
    assert (excinfo.value.status_code, excinfo.value.code) == (404, "FILE_NOT_FOUND")
