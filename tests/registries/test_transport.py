"""The network transport: plain ``http://`` needs no TLS context; ``https://`` builds one on first
use, with certificate checks on and the CA bundle taken from the environment as httpx would."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import trustme
from aiohttp import web

from depcheck.registries.http import HttpClient, RequestRefused, UrlRefused
from depcheck.registries.interface import RegistryUnavailable
from depcheck.registries.transport import TlsOnDemand
from depcheck.testing import FakeRegistry

JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def tls_server(authority: trustme.CA) -> AsyncIterator[str]:
    """An HTTPS server on loopback whose certificate (for 127.0.0.1) ``authority`` signed."""

    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="hello over TLS")

    app = web.Application()
    app.router.add_get("/hello", hello)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def transport() -> TlsOnDemand:
    return TlsOnDemand(limits=httpx.Limits(max_connections=8))


async def test_plain_http_is_answered_without_building_a_tls_context() -> None:
    async with FakeRegistry() as registry:
        tls = transport()
        async with httpx.AsyncClient(transport=tls) as client:
            response = await client.get(f"{registry.index_url}/httpx/", headers={"Accept": JSON})
        assert response.status_code == 200
        assert response.json()["name"] == "httpx"
        assert tls.tls_ready is False


async def test_https_verifies_the_certificate_against_the_bundle_named_by_ssl_cert_file(
    tls_server: str, authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    tls = transport()
    async with httpx.AsyncClient(transport=tls) as client:
        response = await client.get(f"{tls_server}/hello")
    assert (response.status_code, response.text) == (200, "hello over TLS")
    assert tls.tls_ready is True


async def test_https_refuses_a_certificate_no_trusted_authority_signed(
    tls_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    async with httpx.AsyncClient(transport=transport()) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"{tls_server}/hello")


async def test_https_to_a_server_speaking_plain_http_fails_the_handshake() -> None:
    async with FakeRegistry() as registry:
        url = registry.index_url.replace("http://", "https://", 1)
        async with httpx.AsyncClient(transport=transport()) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get(f"{url}/httpx/")


async def test_other_schemes_are_refused() -> None:
    async with httpx.AsyncClient(transport=transport()) as client:
        with pytest.raises(httpx.UnsupportedProtocol, match="ftp://"):
            await client.get("ftp://127.0.0.1/simple/")


async def test_the_http_layer_reports_an_untrusted_certificate_as_a_registry_failure(
    tls_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    async with HttpClient(attempts=1, timeout=5.0) as http:
        with pytest.raises(RegistryUnavailable) as raised:
            await http.get(f"{tls_server}/hello")
    assert raised.value.registry == tls_server.removeprefix("https://")
    assert raised.value.reason.startswith(
        "cannot connect: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
    )


class Pinning:
    """A connect guard that sends ``name`` to ``addresses``, refuses ``refused``, and records calls."""

    def __init__(self, name: str, addresses: list[str], refused: str = "") -> None:
        self.name = name
        self.addresses = addresses
        self.refused = refused
        self.asked: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[str] | None:
        self.asked.append((host, port))
        if host == self.refused:
            raise UrlRefused(f"{host}:{port}", "not a public address (10.0.0.7 is a private address)")
        return self.addresses if host == self.name else None


async def test_connections_go_to_the_addresses_the_connect_guard_gives() -> None:
    """``registry.test`` is no name any resolver knows: the answer can only come through the
    address the guard gave (the fake registry's, on loopback)."""
    async with FakeRegistry() as registry:
        port = int(registry.url.rsplit(":", 1)[1])
        guard = Pinning("registry.test", ["127.0.0.1"])
        async with HttpClient(attempts=1, connect_guard=guard) as http:
            response = await http.get(f"http://registry.test:{port}/simple/httpx/", accept=JSON)
            again = await http.get(f"http://registry.test:{port}/simple/attrs/", accept=JSON)
        assert (response.status, again.status) == (200, 200)
        # One connection, kept alive for the second request: the guard was asked once.
        assert guard.asked == [("registry.test", port)]
        # The request still names the host it was for.
        assert registry.requests[-1].headers["host"] == f"registry.test:{port}"


async def test_the_next_address_is_tried_when_one_refuses_the_connection() -> None:
    async with FakeRegistry() as registry:
        port = int(registry.url.rsplit(":", 1)[1])
        # The fake listens on 127.0.0.1 only: a connection to 127.0.0.3 (loopback) is refused.
        guard = Pinning("registry.test", ["127.0.0.3", "127.0.0.1"])
        async with HttpClient(attempts=1, timeout=5.0, connect_guard=guard) as http:
            response = await http.get(f"http://registry.test:{port}/simple/httpx/", accept=JSON)
        assert response.status == 200


async def test_a_connection_the_guard_refuses_is_a_registry_error_and_is_not_retried() -> None:
    async with FakeRegistry() as registry:
        port = int(registry.url.rsplit(":", 1)[1])
        guard = Pinning("", [], refused="rebinding.test")
        async with HttpClient(attempts=4, connect_guard=guard) as http:
            with pytest.raises(RequestRefused) as raised:
                await http.get(f"http://rebinding.test:{port}/simple/httpx/", accept=JSON)
        assert str(raised.value) == (
            f"rebinding.test:{port}: not connecting to rebinding.test:{port}, "
            "not a public address (10.0.0.7 is a private address)"
        )
        assert guard.asked == [("rebinding.test", port)]
        assert registry.count() == 0
