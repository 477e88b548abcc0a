"""Shared fixtures of the published-client suite.

The tests drive the stateset-sandbox client from PyPI (2.1.0 under v2/, 1.0.4 under v1/, each
from its own venv) against a running server. The environment says where and how:

* SANDBOX_URL: the server, e.g. http://127.0.0.1:8080 (required).
* SANDBOX_JWT_SECRET: the server's auth.jwtSecret, to mint HS256 tokens (the tests that need one).
* SANDBOX_STATE_FILE: a JSON file the before_restart phase leaves for the after_restart phase.
* SANDBOX_CALLS_REPORT: where to write, at the end, which client calls passing and failing tests
  exercised (see CallsReport).

Every organization is registered through the client's own register(); every sandbox a test
creates is stopped by a finalizer, and at the end every sandbox still running in an organization
the suite registered is stopped as well.
"""

import base64
import hashlib
import hmac
import http.server
import json
import os
import queue
import threading
import time
import uuid
from importlib import metadata
from types import SimpleNamespace

import pytest
from stateset_sandbox import SandboxApiError, StateSetSandbox, register
from stateset_sandbox.types import CreateSandboxOptions, RegistrationRequest

CLIENT_VERSION = metadata.version("stateset-sandbox")
# Sandboxes the suite creates end by themselves after this long, should a finalizer never run.
SANDBOX_TIMEOUT_SECONDS = 900


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


def _required_env(name, why):
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.fail(f"{name} is not set: {why}", pytrace=False)
    return value


@pytest.fixture(scope="session")
def base_url():
    return _required_env("SANDBOX_URL", "the server's address, e.g. http://127.0.0.1:8080").rstrip("/")


@pytest.fixture(scope="session")
def jwt_secret():
    return _required_env("SANDBOX_JWT_SECRET", "the server's auth.jwtSecret, to mint bearer tokens")


def mint_jwt(secret, org_id, sub="published-client-suite", ttl_seconds=3600, **claims):
    """An HS256 token as the server accepts it: org_id, sub and exp, signed with auth.jwtSecret."""

    def b64(raw):
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = {"org_id": org_id, "sub": sub, "exp": int(time.time()) + ttl_seconds, **claims}
    payload = b64(json.dumps(body, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


@pytest.fixture(scope="session")
def state_file():
    """The JSON state passed from the before_restart run to the after_restart run."""
    path = _required_env("SANDBOX_STATE_FILE", "the file the two restart phases share")

    class State:
        def load(self):
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)

        def save(self, data):
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
            os.replace(tmp, path)

    return State()


# --------------------------------------------------------------------------------------------
# Organizations, clients and sandboxes
# --------------------------------------------------------------------------------------------


def unique_email(prefix="client-suite"):
    return f"{prefix}-{uuid.uuid4().hex[:16]}@example.com"


def stop_quietly(client, sandbox_id):
    try:
        client.stop(sandbox_id)
    except Exception:  # already stopped or deleted: nothing left to free
        pass


@pytest.fixture(scope="session")
def known_orgs(base_url):
    """(key, org_id) of every organization the suite uses; at the end their running sandboxes are stopped."""
    orgs = []
    yield orgs
    for key, org_id in orgs:
        try:
            with StateSetSandbox(base_url, auth_token=key, org_id=org_id, max_retries=0) as client:
                for sandbox in client.list():
                    if sandbox.status.value in ("creating", "running"):
                        stop_quietly(client, sandbox.sandbox_id)
        except Exception:  # pragma: no cover - best effort
            pass


@pytest.fixture(scope="session")
def register_org(base_url, known_orgs):
    """Registers a fresh organization with the client's register(); returns key, org_id, client."""
    clients = []

    def make(name="Published client suite"):
        registration = register(
            base_url,
            RegistrationRequest(
                email=unique_email(),
                organization_name=name,
                first_name="Client",
                last_name="Suite",
                use_case="integration tests of the published Python client",
            ),
        )
        key, org_id = registration.api_key.key, registration.organization.id
        known_orgs.append((key, org_id))
        client = StateSetSandbox(base_url, auth_token=key, org_id=org_id)
        clients.append(client)
        return SimpleNamespace(registration=registration, key=key, org_id=org_id, client=client)

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="module")
def org(request, register_org):
    """A fresh organization for the module."""
    return register_org(f"suite {request.module.__name__}")


@pytest.fixture(scope="module")
def client(org):
    return org.client


class Sandboxes:
    """Creates sandboxes for a module and stops every one it created or was told about."""

    def __init__(self, client):
        self.client = client
        self.ids = []

    def create(self, template="python-basic", **options):
        options.setdefault("timeout_seconds", SANDBOX_TIMEOUT_SECONDS)
        sandbox = self.client.create(CreateSandboxOptions(template=template, **options))
        self.track(sandbox.sandbox_id)
        return sandbox

    def track(self, sandbox_id):
        if sandbox_id and sandbox_id not in self.ids:
            self.ids.append(sandbox_id)
        return sandbox_id

    def stop_all(self):
        for sandbox_id in self.ids:
            stop_quietly(self.client, sandbox_id)


@pytest.fixture(scope="module")
def sandboxes(client):
    made = Sandboxes(client)
    yield made
    made.stop_all()


@pytest.fixture(scope="module")
def sandbox(sandboxes):
    """One python-basic sandbox shared by a module's tests."""
    return sandboxes.create()


# --------------------------------------------------------------------------------------------
# Waiting, events, webhooks
# --------------------------------------------------------------------------------------------


def wait_until(check, timeout=30.0, interval=0.5, what="the condition"):
    """Calls check() until it returns something truthy, and returns that."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class EventReader:
    """Reads a stream_events() iterator on a daemon thread, so that tests can wait with a timeout."""

    def __init__(self, stream):
        self.stream = stream
        self.events = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="sse-reader", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for event in self.stream:
                self.events.put(event)
        except Exception as e:  # the stream was closed under the reader, or failed
            self.events.put(e)
        self.events.put(StopIteration())

    def next(self, timeout=20.0):
        """The next event; AssertionError when none comes within timeout or the stream ends."""
        try:
            item = self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no event within {timeout}s") from None
        if isinstance(item, BaseException):
            raise AssertionError(f"the event stream ended: {item!r}")
        return item

    def until(self, predicate, timeout=30.0):
        """Events up to and including the first one predicate() accepts."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; events seen: {[(e.id, e.event) for e in seen]}")
            event = self.next(remaining)
            seen.append(event)
            if predicate(event):
                return seen

    def quiet_for(self, seconds):
        """The events that arrive within seconds (expected to be none)."""
        got = []
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                item = self.events.get(timeout=remaining)
            except queue.Empty:
                break
            if not isinstance(item, BaseException):
                got.append(item)
        return got

    def close(self):
        self.stream.close()


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that records every request and answers 200."""

    def __init__(self):
        self.requests = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.changed:
                    receiver.requests.append(
                        SimpleNamespace(path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, body=body)
                    )
                    receiver.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def wait_for(self, predicate, timeout=30.0):
        """The first recorded request predicate() accepts, waiting for it up to timeout."""
        with self.changed:
            found = self.changed.wait_for(lambda: next((r for r in self.requests if predicate(r)), None), timeout)
        if not found:
            raise AssertionError(f"no matching webhook request within {timeout}s; got {len(self.requests)}")
        return found

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def webhook_receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


def api_error(excinfo):
    """(status_code, code) of a SandboxApiError, for terse assertions."""
    assert isinstance(excinfo.value, SandboxApiError), excinfo.value
    return excinfo.value.status_code, excinfo.value.code


# --------------------------------------------------------------------------------------------
# The calls report
# --------------------------------------------------------------------------------------------


class CallsReport:
    """Records, per test, the client calls of its covers marker and whether it passed.

    A test passed when its call phase passed and no phase (setup, call, teardown) failed; a
    skipped test counts on neither side. At the end the report is written to SANDBOX_CALLS_REPORT
    (when set) as {"client_version", "passed": [calls], "failed": [calls], "tests": {passed, failed}}.
    """

    def __init__(self, path):
        self.path = path
        self.tests = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        state = self.tests.setdefault(
            item.nodeid,
            {"calls": [c for m in item.iter_markers("covers") for c in m.args], "failed": False, "passed": False},
        )
        if report.failed:
            state["failed"] = True
        elif report.when == "call" and report.passed:
            state["passed"] = True

    def pytest_sessionfinish(self, session):
        if not self.path:
            return
        passed, failed, counts = set(), set(), {"passed": 0, "failed": 0}
        for state in self.tests.values():
            if state["failed"]:
                counts["failed"] += 1
                failed.update(state["calls"])
            elif state["passed"]:
                counts["passed"] += 1
                passed.update(state["calls"])
        report = {"client_version": CLIENT_VERSION, "passed": sorted(passed), "failed": sorted(failed), "tests": counts}
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)
            fh.write("\n")


def pytest_configure(config):
    config.pluginmanager.register(CallsReport(os.environ.get("SANDBOX_CALLS_REPORT", "").strip()), "calls-report")


def pytest_report_header(config):
    return f"stateset-sandbox {CLIENT_VERSION} against {os.environ.get('SANDBOX_URL', '(SANDBOX_URL not set)')}"
