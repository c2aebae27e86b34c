"""A real depcheck service on loopback, in front of the fake registry on loopback.

``service`` starts the application with aiohttp's ``TestServer`` (a real TCP listener on
``127.0.0.1``, port chosen by the OS) and hands back a ``TestClient`` for it; keyword arguments
replace :class:`~depcheck.server.config.ServerConfig` fields. Every service uses its own cache
folder, and DNS is replaced by :data:`RESOLVED` so that no test resolves a real name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from depcheck.server.app import create_app
from depcheck.server.config import ServerConfig
from depcheck.testing.fake_registry import FakeRegistry

RESOLVED = {
    "ghcr.io": ["140.82.112.33"],
    "quay.io": ["10.1.2.3"],
    "index.example": ["93.184.215.14"],
    "mirror.internal": ["192.168.10.5"],
    "metadata.example": ["169.254.169.254"],
    "localhost": ["127.0.0.1", "::1"],
}
"""Invented DNS answers; a name not listed does not resolve."""


async def fake_resolver(host: str, port: int) -> Sequence[str]:
    if host in RESOLVED:
        return RESOLVED[host]
    if host.replace(".", "").isdigit() or ":" in host:
        return [host]
    raise OSError(-2, "Name or service not known")


Service = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def registry() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as fake:
        yield fake


@pytest.fixture
async def service(registry: FakeRegistry, tmp_path: Path) -> AsyncIterator[Service]:
    clients: list[TestClient[Any, Any]] = []

    async def start(**changes: Any) -> TestClient[Any, Any]:
        settings: dict[str, Any] = {
            "index_url": registry.index_url,
            "docker_hub_url": registry.url,
            "cache": str(tmp_path / f"cache-{len(clients)}"),
            "rate_limit": 0.0,
        }
        settings.update(changes)
        app = create_app(ServerConfig(**settings), resolver=fake_resolver)
        client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()
