"""``/openapi.json`` against the service itself: schemathesis generates requests from the document
(a bounded number per route) and checks that the answers keep to it and that nothing is a 5xx."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings

from depcheck.server.app import create_app
from depcheck.server.config import ServerConfig
from depcheck.testing.fake_registry import FakeRegistry
from tests.server.conftest import fake_resolver

MAX_EXAMPLES = 25
"""Per route; the whole run stays well under a minute."""


def serve_in_thread(app: web.Application) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on loopback from a thread with its own event loop (schemathesis calls are blocking)."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    ready = threading.Event()
    address: list[str] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        server = site._server
        assert isinstance(server, asyncio.base_events.Server)
        address.append(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, name="depcheck-serve", daemon=True)
    thread.start()
    assert ready.wait(30), "the service did not start"

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)

    return address[0], stop


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    registry = FakeRegistry()
    _registry_url, stop_registry = registry.run_in_thread()
    cache: Path = tmp_path_factory.mktemp("cache")
    config = ServerConfig(
        index_url=registry.index_url,
        docker_hub_url=registry.url,
        cache=str(cache),
        rate_limit=0,
        request_timeout=20,
    )
    url, stop = serve_in_thread(create_app(config, resolver=fake_resolver))
    yield url
    stop()
    stop_registry()


@pytest.fixture(scope="module")
def api_schema(service_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{service_url}/openapi.json")


def operations(api_schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    found = []
    for result in api_schema.get_all_operations():
        found.append(result.ok())
    return found


def test_the_document_lists_every_operation(api_schema: schemathesis.BaseSchema) -> None:
    # schemathesis leaves out the route that serves the document it was loaded from.
    assert sorted(f"{operation.method.upper()} {operation.path}" for operation in operations(api_schema)) == [
        "GET /healthz",
        "GET /metrics",
        "GET /v1/docker/{image}/latest",
        "GET /v1/pypi/{name}/latest",
        "GET /v1/pypi/{name}/{version}",
        "POST /v1/audit",
    ]


def test_the_service_keeps_to_its_openapi_document(api_schema: schemathesis.BaseSchema) -> None:
    # Driven through hypothesis directly rather than schemathesis's pytest plugin, which does
    # not run under this project's pytest version.
    for operation in operations(api_schema):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()

        check()
