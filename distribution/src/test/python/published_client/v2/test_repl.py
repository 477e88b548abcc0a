"""stateset-sandbox 2.1.0: REPL sessions, through StateSetSandbox and through ReplSession (group f)."""

import threading
import time

import pytest
from stateset_sandbox import SandboxApiError
from stateset_sandbox.repl import ReplSession


@pytest.mark.covers("StateSetSandbox.create_repl_session", "StateSetSandbox.execute_repl",
                    "StateSetSandbox.destroy_repl_session")
def test_repl_through_the_client(client, sandbox):
    sid = sandbox.sandbox_id
    session = client.create_repl_session(sid)
    repl_id = session["session_id"]
    assert session["language"] == "python"

    first = client.execute_repl(sid, repl_id, "import math\nradius = 2\nprint('ready')")
    assert first["output"] == "ready\n"
    assert first["error"] == ""
    assert first["execution_count"] == 1
    assert first["execution_time_ms"] >= 0

    second = client.execute_repl(sid, repl_id, "round(math.pi * radius ** 2, 3)", timeout=10000)
    assert second["execution_count"] == 2
    assert second["error"] == ""
    assert second["result"] == {"text/plain": "12.566"}

    failing = client.execute_repl(sid, repl_id, "undefined_name + 1")
    assert "NameError" in failing["error"]
    assert failing["execution_count"] == 3

    slow = client.execute_repl(sid, repl_id, "import time\ntime.sleep(10)", timeout=1000)
    assert slow["status"] == "timeout"

    assert client.destroy_repl_session(sid, repl_id) is True
    with pytest.raises(SandboxApiError) as excinfo:
        client.execute_repl(sid, repl_id, "radius")
    assert excinfo.value.status_code in (404, 409)


@pytest.mark.covers("ReplSession.create", "ReplSession.execute", "ReplSession.interrupt", "ReplSession.destroy")
def test_repl_session(client, sandbox):
    session = ReplSession.create(client, sandbox.sandbox_id, language="python")
    assert session.session_id and session.language == "python"
    try:
        assert session.execute("x = 21").output == ""
        # State carries from cell to cell; a trailing expression's value is the output.
        doubled = session.execute("x * 2")
        assert (doubled.output, doubled.error) == ("42", "")
        printed = session.execute("print('x is', x)\nx + 1")
        assert printed.output == "x is 21\n"  # stdout wins over the value
        assert printed.execution_count == 3

        error = session.execute("raise ValueError('bad input')")
        assert "ValueError: bad input" in error.error
        assert error.output == ""

        # A long cell, interrupted from another thread, ends at once; the session lives on.
        outcome = {}

        def run_long():
            started = time.monotonic()
            outcome["result"] = session.execute("import time\nwhile True:\n    time.sleep(0.1)", timeout=120000)
            outcome["seconds"] = time.monotonic() - started

        worker = threading.Thread(target=run_long)
        worker.start()
        time.sleep(2)
        assert session.interrupt() is True
        worker.join(timeout=30)
        assert not worker.is_alive(), "the interrupted cell did not end"
        assert "KeyboardInterrupt" in outcome["result"].error
        assert outcome["seconds"] < 20
        assert session.execute("x").output == "21"
    finally:
        session.destroy()
    assert session.destroyed
    session.destroy()  # a no-op the second time
    with pytest.raises(RuntimeError):
        session.execute("x")


@pytest.mark.covers("ReplSession.create", "ReplSession.execute", "ReplSession.destroy")
def test_node_repl_session(client, sandboxes):
    node = sandboxes.create(template="node-basic")
    with ReplSession.create(client, node.sandbox_id, language="node") as session:
        assert session.execute("let total = 40").error == ""
        assert session.execute("total + 2").output == "42"
        logged = session.execute("console.log('sum', total + 2)")
        assert logged.output == "sum 42\n"
        assert "ReferenceError" in session.execute("notDefined").error
    assert session.destroyed
