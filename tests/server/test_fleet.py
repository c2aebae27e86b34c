"""Two service processes sharing a Redis cache: a lookup one made is answered by the other from the
cache, without asking the registry again. Needs a Redis server: ``.ci/redis`` starts one and CI
passes its URL in ``DEPCHECK_TEST_REDIS_URL``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest

from depcheck.testing.fake_registry import FakeRegistry
from tests.server.processes import ServeProcess, start_serve

REDIS_URL = os.environ.get("DEPCHECK_TEST_REDIS_URL")

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="needs a Redis server: set DEPCHECK_TEST_REDIS_URL (bash .ci/redis starts one)"
)


@pytest.fixture
def fake() -> Iterator[FakeRegistry]:
    registry = FakeRegistry()
    _url, stop = registry.run_in_thread()
    yield registry
    stop()


@pytest.fixture
def fleet(fake: FakeRegistry) -> Iterator[tuple[ServeProcess, ServeProcess]]:
    assert REDIS_URL is not None
    arguments = ["--index-url", fake.index_url, "--docker-hub-url", fake.url, "--cache", REDIS_URL]
    # Each test run's registry listens on a new port, so its cache keys are new too; the marker
    # only makes the processes easy to tell apart in a failure's log.
    marker = {"DEPCHECK_TEST_RUN": uuid.uuid4().hex}
    first = start_serve(arguments, marker)
    try:
        second = start_serve(arguments, marker)
    except BaseException:
        first.stop()
        raise
    yield first, second
    assert first.stop() == 0, "\n".join(first.lines)
    assert second.stop() == 0, "\n".join(second.lines)


def test_the_second_replica_answers_from_the_shared_cache(
    fleet: tuple[ServeProcess, ServeProcess], fake: FakeRegistry
) -> None:
    first, second = fleet
    with httpx.Client(timeout=30, trust_env=False) as client:
        one = client.get(f"{first.url}/v1/pypi/httpx/0.28.1")
        assert fake.count("/simple/httpx/") == 1
        two = client.get(f"{second.url}/v1/pypi/httpx/0.28.1")
        audit = client.post(
            f"{second.url}/v1/audit",
            json={
                "files": {"requirements.txt": "httpx==0.28.1\n", "Dockerfile": "FROM python:3.12.7-slim\n"}
            },
        )
        tags_once = fake.count("/v2/namespaces/library/repositories/python/tags")
        again = client.post(
            f"{first.url}/v1/audit",
            json={"files": {"Dockerfile": "FROM python:3.12.7-slim\n"}},
        )
        metrics = client.get(f"{second.url}/metrics").text
    assert (
        one.json()
        == two.json()
        == {
            "name": "httpx",
            "version": "0.28.1",
            "exists": True,
            "yanked": False,
            "yanked_reason": None,
        }
    )
    assert audit.json()["dependencies"][0]["resolved"] == "3.12.7-slim"
    assert again.json()["dependencies"][0]["resolved"] == "3.12.7-slim"
    assert fake.count("/simple/httpx/") == 1
    assert fake.count("/v2/namespaces/library/repositories/python/tags") == tags_once
    # The second replica read httpx from Redis once, then kept it in memory for the audit.
    assert 'depcheck_cache_hits_total{backend="redis"} 1.0' in metrics.splitlines()
