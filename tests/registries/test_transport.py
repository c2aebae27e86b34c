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

from depcheck.registries.http import HttpClient
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
