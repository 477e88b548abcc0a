"""stateset-sandbox 2.1.0: metrics, the warm pool, the delivery queue, benchmarks, usage by sandbox (group d)."""

from datetime import datetime, timezone

import pytest
from conftest import wait_until
from stateset_sandbox import SandboxApiError


@pytest.mark.covers("StateSetSandbox.get_metrics")
def test_metrics_now(client, sandbox):
    sid = sandbox.sandbox_id
    client.execute(sid, "python3 -c 'sum(range(3_000_000))'")
    metrics = client.get_metrics(sid)
    assert metrics is not None
    assert abs((datetime.now(timezone.utc) - metrics.timestamp).total_seconds()) < 60
    assert metrics.cpu.limit == pytest.approx(float(sandbox.cpus))
    assert metrics.cpu.usage >= 0
    assert 0 <= metrics.cpu.percentage <= 100 * max(1.0, metrics.cpu.limit)
    assert metrics.memory.limit == 512 * 1024 * 1024  # the template's 512Mi
    assert 0 < metrics.memory.usage <= metrics.memory.limit
    assert metrics.memory.percentage == pytest.approx(100 * metrics.memory.usage / metrics.memory.limit, abs=0.01)
    assert metrics.storage is not None and metrics.storage.limit > 0


@pytest.mark.covers("StateSetSandbox.get_metrics", "StateSetSandbox.get_metrics_summary", "StateSetSandbox.get_metrics_history")
def test_metrics_of_a_stopped_sandbox(client, sandboxes):
    sid = sandboxes.create().sandbox_id
    client.stop(sid)
    with pytest.raises(SandboxApiError) as excinfo:
        client.get_metrics(sid)
    assert excinfo.value.status_code == 409
    assert client.get_metrics_history(sid) == []  # never read while it ran
    assert client.get_metrics_summary(sid) is None


@pytest.mark.covers("StateSetSandbox.get_pool_stats")
def test_pool_stats(client):
    stats = client.get_pool_stats()
    assert stats.total == stats.ready + stats.creating
    assert min(stats.total, stats.ready, stats.creating) >= 0


@pytest.mark.covers("StateSetSandbox.get_queue_health")
def test_queue_health(client):
    health = client.get_queue_health()
    assert health["status"] in ("healthy", "backlogged")
    assert health["queue"] == "event-deliveries"
    assert health["depth"] == health["pending"] + health["delivering"]
    assert health["workers"] > 0


@pytest.mark.covers("StateSetSandbox.get_usage_by_sandbox")
def test_usage_by_sandbox(client, sandbox):
    usage = client.get_usage_by_sandbox()
    rows = {row["sandbox_id"]: row for row in usage["sandboxes"]}
    assert sandbox.sandbox_id in rows
    row = rows[sandbox.sandbox_id]
    assert row["template"] == "python-basic"
    assert (row["cpus"], row["memory"]) == (sandbox.cpus, sandbox.memory)
    assert row["cpu_hours"] > 0
    assert usage["total_cost_cents"] == sum(r["estimated_cost_cents"] for r in usage["sandboxes"])

    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    assert sandbox.sandbox_id in {r["sandbox_id"] for r in client.get_usage_by_sandbox(start_date=day)["sandboxes"]}
    assert client.get_usage_by_sandbox(start_date="2001-01-01", end_date="2001-01-02")["sandboxes"] == []
    with pytest.raises(SandboxApiError) as excinfo:
        client.get_usage_by_sandbox(start_date="not a date")
    assert excinfo.value.status_code == 400


@pytest.mark.covers("StateSetSandbox.run_benchmark", "StateSetSandbox.get_benchmark_history",
                    "StateSetSandbox.get_benchmark_summary", "StateSetSandbox.list")
def test_benchmark(client):
    assert client.get_benchmark_history() == []
    before = {s.sandbox_id for s in client.list()}
    run = client.run_benchmark(runs=2)
    assert run["runs"] == 2
    assert len(run["results"]) == 2
    assert all(r["total_ms"] >= r["create_ms"] for r in run["results"])
    history = client.get_benchmark_history(limit=5)
    assert [h["id"] for h in history] == [run["id"]]
    assert client.get_benchmark_history(days=1, region="local") == history
    assert client.get_benchmark_history(offset=1) == []
    summary = client.get_benchmark_summary()
    assert summary["benchmarks"] == 1
    assert summary["runs"] == 2
    assert summary["create_ms"] is not None and summary["total_ms"] is not None
    assert summary["latest"]["id"] == run["id"]
    # It created real sandboxes of the organization: they are stopped and stay listed.
    benchmarked = [s for s in client.list() if s.sandbox_id not in before]
    assert len(benchmarked) == 2
    assert all(s.status.value == "terminated" for s in benchmarked)


@pytest.mark.covers("StateSetSandbox.get_metrics_history", "StateSetSandbox.get_metrics_summary")
def test_metrics_history_and_summary(client, sandbox):
    """The server reads running sandboxes every reconciler.egressSampleSeconds (30 s by default)."""
    sid = sandbox.sandbox_id
    history = wait_until(lambda: client.get_metrics_history(sid, limit=10), timeout=75, interval=2,
                         what="a stored metrics reading")
    assert 1 <= len(history) <= 10
    reading = history[-1]
    assert {"cpu", "memory", "timestamp"} <= set(reading)
    assert reading["memory"]["limit"] == 512 * 1024 * 1024
    summary = client.get_metrics_summary(sid)
    assert summary is not None
    assert summary.duration >= 0
    assert {"cpu", "memory"} <= set(summary.avg)
    assert summary.avg["memory"] > 0
    for key in summary.avg:
        assert summary.min[key] <= summary.avg[key] <= summary.max[key]
