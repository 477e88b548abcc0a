"""stateset-sandbox 2.1.0: the events stream (group e), live, resumed, and resumed across a restart.

The restart tests run in two pytest runs between which the harness restarts the server on the same
data directory: `-m before_restart` consumes some events, records the last id in SANDBOX_STATE_FILE
and makes more events happen without listening (ending with a sandbox stopped); `-m after_restart`
resumes from that id and must get exactly the missed events, none repeated and none lost.
"""

import pytest
from conftest import SANDBOX_TIMEOUT_SECONDS, EventReader, stop_quietly
from stateset_sandbox import SandboxApiError, StateSetSandbox
from stateset_sandbox.types import CreateCheckpointOptions, CreateSandboxOptions, SandboxStatus


def _of(sandbox_id, event_type):
    return lambda e: e.event == event_type and e.data.get("sandboxId") == sandbox_id


def _check_ids(events, after=None):
    """SSE ids are the server's event numbers: unique and increasing; each body has its own evt_ id."""
    numbers = [int(e.id) for e in events]
    assert numbers == sorted(set(numbers)), numbers
    if after is not None and numbers:
        assert numbers[0] > int(after)
    body_ids = [e.data.get("id") for e in events]
    assert all(i and i.startswith("evt_") for i in body_ids), body_ids
    assert len(set(body_ids)) == len(body_ids)
    for e in events:
        assert e.data.get("event") == e.event


@pytest.mark.covers("StateSetSandbox.stream_events")
def test_stream_live_then_resume(client, org, sandboxes):
    live = EventReader(client.stream_events())
    try:
        sandbox = sandboxes.create()
        sid = sandbox.sandbox_id
        first = live.until(_of(sid, "sandbox.ready"))
        assert [e.event for e in first] == ["sandbox.created", "sandbox.ready"]
        client.execute(sid, "echo hi")
        client.execute(sid, "exit 2")
        client.write_file(sid, "/workspace/x.txt", "x")
        more = live.until(_of(sid, "file.written"))
        assert [e.event for e in more] == ["command.started", "command.completed", "command.started",
                                           "command.failed", "file.written"]
    finally:
        live.close()
    seen = first + more
    _check_ids(seen)
    assert all(e.data["orgId"] == org.org_id and e.data["sandboxId"] == sid for e in seen)
    assert seen[1].data["data"]["startupMs"] >= 0
    assert seen[3].data["data"]["exitCode"] == 0
    assert seen[5].data["data"]["exitCode"] == 2
    assert seen[6].data["data"]["paths"] == ["/workspace/x.txt"]

    # Resuming after the first event replays the rest, with the same ids, and then goes on live.
    resumed = EventReader(client.stream_events(last_event_id=seen[0].id))
    try:
        replay = resumed.until(_of(sid, "file.written"))
        assert [(e.id, e.event, e.data["id"]) for e in replay] == [(e.id, e.event, e.data["id"]) for e in seen[1:]]
        assert resumed.quiet_for(1.0) == []
        client.stop(sid)
        stopped = resumed.next()
        assert (stopped.event, stopped.data["sandboxId"]) == ("sandbox.stopped", sid)
        assert int(stopped.id) > int(seen[-1].id)
    finally:
        resumed.close()


@pytest.mark.covers("StateSetSandbox.stream_events")
def test_stream_needs_a_credential_of_the_org(base_url, client, register_org):
    with StateSetSandbox(base_url, auth_token="sk-sandbox-not-a-real-key", org_id="org_nobody", max_retries=0) as stranger:
        with pytest.raises(SandboxApiError) as excinfo:
            stranger.stream_events()
        assert excinfo.value.status_code == 401
    other = register_org("another org")
    mine = EventReader(client.stream_events())
    try:
        other_sandbox = other.client.create(CreateSandboxOptions(template="python-basic", timeout_seconds=300))
        stop_quietly(other.client, other_sandbox.sandbox_id)
        assert mine.quiet_for(2.0) == [], "another organization's events must not be streamed"
    finally:
        mine.close()


# The two phases around a restart ----------------------------------------------------------------

MISSED = ["file.written", "command.started", "command.completed", "command.started", "command.failed",
          "checkpoint.created", "sandbox.stopped"]


@pytest.mark.before_restart
@pytest.mark.covers("StateSetSandbox.stream_events", "StateSetSandbox.stop")
def test_events_before_restart(register_org, state_file):
    org = register_org("events across a restart")
    client = org.client
    reader = EventReader(client.stream_events())
    try:
        sandbox = client.create(CreateSandboxOptions(template="python-basic", timeout_seconds=SANDBOX_TIMEOUT_SECONDS))
        sid = sandbox.sandbox_id
        consumed = reader.until(_of(sid, "sandbox.ready"))
    finally:
        reader.close()
    assert [e.event for e in consumed] == ["sandbox.created", "sandbox.ready"]
    _check_ids(consumed)

    # Nobody listens from here on.
    client.write_file(sid, "/workspace/during.txt", "written while nobody listened")
    assert client.execute(sid, "true").exit_code == 0
    assert client.execute(sid, "exit 3").exit_code == 3
    checkpoint = client.create_checkpoint(sid, CreateCheckpointOptions(name="before-restart"))
    assert client.stop(sid) is True

    state_file.save({"events": {
        "key": org.key,
        "org_id": org.org_id,
        "sandbox_id": sid,
        "checkpoint_id": checkpoint.id,
        "consumed": [[e.id, e.event, e.data["id"]] for e in consumed],
        "last_event_id": consumed[-1].id,
        "missed": MISSED,
    }})


@pytest.mark.after_restart
@pytest.mark.covers("StateSetSandbox.stream_events", "StateSetSandbox.get", "StateSetSandbox.create")
def test_events_after_restart(base_url, state_file, known_orgs):
    state = state_file.load()["events"]
    known_orgs.append((state["key"], state["org_id"]))
    sid = state["sandbox_id"]
    client = StateSetSandbox(base_url, auth_token=state["key"], org_id=state["org_id"])
    new_sandbox = None
    reader = EventReader(client.stream_events(last_event_id=state["last_event_id"]))
    try:
        missed = [reader.next(timeout=30) for _ in state["missed"]]
        assert [e.event for e in missed] == state["missed"]
        _check_ids(missed, after=state["last_event_id"])
        assert all(e.data["sandboxId"] == sid and e.data["orgId"] == state["org_id"] for e in missed)
        assert missed[5].data["data"]["checkpointId"] == state["checkpoint_id"]
        assert missed[4].data["data"]["exitCode"] == 3
        # Nothing more was missed, nothing comes twice: the next event is the one made now.
        assert reader.quiet_for(2.0) == []
        new_sandbox = client.create(CreateSandboxOptions(template="python-basic", timeout_seconds=300))
        following = reader.next(timeout=30)
        assert (following.event, following.data["sandboxId"]) == ("sandbox.created", new_sandbox.sandbox_id)
        assert int(following.id) > int(missed[-1].id)
    finally:
        reader.close()
        if new_sandbox is not None:
            stop_quietly(client, new_sandbox.sandbox_id)

    # The ids consumed before the restart are the same after it: resuming from the first one
    # replays the second and then the missed ones, unchanged.
    consumed = state["consumed"]
    replay_reader = EventReader(client.stream_events(last_event_id=consumed[0][0]))
    try:
        replay = [replay_reader.next(timeout=30) for _ in range(len(consumed) - 1 + len(missed))]
    finally:
        replay_reader.close()
    assert [[e.id, e.event, e.data["id"]] for e in replay] == (
        consumed[1:] + [[e.id, e.event, e.data["id"]] for e in missed])

    assert client.get(sid).status == SandboxStatus.TERMINATED
    client.close()
