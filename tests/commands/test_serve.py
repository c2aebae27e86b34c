"""``depcheck serve`` as a process: start-up, JSON logs, and a graceful stop on SIGTERM that lets
the requests in flight finish."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from depcheck.testing.fake_registry import FakeRegistry
from tests.server.processes import start_serve


@pytest.fixture
def fake() -> Iterator[FakeRegistry]:
    registry = FakeRegistry()
    _url, stop = registry.run_in_thread()
    yield registry
    stop()


def test_sigterm_finishes_the_request_in_flight_then_exits_0(fake: FakeRegistry, tmp_path: object) -> None:
    served = start_serve(
        ["--index-url", fake.index_url, "--no-cache", "--json-logs"],
        {"DEPCHECK_SHUTDOWN_TIMEOUT": "20"},
    )
    fake.latency = 1.5
    with (
        httpx.Client(timeout=30, trust_env=False) as client,
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        in_flight = pool.submit(client.get, f"{served.url}/v1/pypi/httpx/latest")
        deadline = time.monotonic() + 10
        while fake.count("/simple/httpx/") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        served.process.send_signal(signal.SIGTERM)
        response = in_flight.result(timeout=30)
        code = served.process.wait(timeout=30)
    assert response.status_code == 200
    assert response.json()["version"] == "0.28.1"
    assert code == 0
    messages = [line["message"] for line in served.json_lines()]
    assert "stopping: no new connections; finishing requests in flight (up to 20 s)" in messages
    assert messages[-1] == "stopped"
    access = [line for line in served.json_lines() if line["logger"] == "depcheck.server.access"]
    assert [(line["method"], line["route"], line["status"]) for line in access] == [
        ("GET", "/v1/pypi/{name}/latest", 200)
    ]
    assert set(access[0]) >= {"time", "level", "request_id", "path", "duration_ms", "client"}


def test_a_start_up_error_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "depcheck", "serve", "--port", "0", "--cache", "redis://127.0.0.1:1/0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "depcheck: error: cannot reach the Redis cache at redis://127.0.0.1:1/0" in result.stderr


def test_a_bad_setting_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "depcheck", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "DEPCHECK_MAX_BODY": "lots"},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "depcheck: error: DEPCHECK_MAX_BODY: expected a number, got 'lots'"
