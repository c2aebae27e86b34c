"""The network transport: TLS set up on the first ``https://`` request, not before; and, for
``depcheck serve``, connections made only to addresses its guard vetted.

httpx builds its TLS context when the client is made, and building it loads the whole CA
bundle: 50 ms on a busy machine, a tenth of a cold audit's own work. A run that asks only
``http://`` hosts (an index on the local network or on loopback, a mirror behind a TLS proxy) or
``file:`` indexes never needs it. :class:`TlsOnDemand` is the client's transport: ``http://``
requests go to a transport that speaks HTTP/1.1 only in the clear, and the first ``https://``
request builds the verifying transport, exactly as httpx would have built it at the start
(certificate checks on, ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` honoured, HTTP/2 offered).

With a ``connect_guard`` (:data:`ConnectGuard`), every connection the transport opens asks the
guard first, with the host and port it is about to connect to, and connects to the addresses the
guard returns, not to whatever the host resolves to a moment later. ``depcheck serve`` passes
:meth:`depcheck.server.security.RegistryGuard.connect_addresses`, which answers with the very
addresses it vetted when it checked the URL: a host whose DNS answer changes between the check
and the connection (DNS rebinding) cannot send the service to an internal address. TLS still
checks the certificate against the host name of the URL, not the address.

Import this module only where the network is reached: it imports httpx and httpcore.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import httpcore

from depcheck.registries._httpx import httpx

ConnectGuard = Callable[[str, int], Awaitable[Sequence[str] | None]]
"""Asked before each connection to ``(host, port)``: the addresses to connect to instead of
resolving ``host`` (tried in order), or ``None`` to connect as usual. Raises
:class:`~depcheck.registries.http.UrlRefused` when no connection may be made."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only where ``guard`` says (see the module docstring)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, guard: ConnectGuard) -> None:
        self.inner = inner
        self.guard = guard

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.guard(host, port)
        if addresses is None:
            return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address to connect to")
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("this client connects to registries over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class TlsOnDemand(httpx.AsyncBaseTransport):
    """Send ``http://`` requests in the clear and ``https://`` ones through a TLS transport made on
    first use; any other scheme is refused (httpx would refuse it too)."""

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        http2: bool = True,
        trust_env: bool = True,
        connect_guard: ConnectGuard | None = None,
    ) -> None:
        self._limits = limits
        self._http2 = http2
        self._trust_env = trust_env
        self._connect_guard = connect_guard
        self._clear: httpx.AsyncHTTPTransport | None = None
        self._tls: httpx.AsyncHTTPTransport | None = None

    @property
    def tls_ready(self) -> bool:
        """Whether the TLS transport (and its context) has been built."""
        return self._tls is not None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scheme = request.url.scheme
        if scheme == "https":
            if self._tls is None:
                self._tls = self._guarded(
                    httpx.AsyncHTTPTransport(
                        verify=True, http2=self._http2, limits=self._limits, trust_env=self._trust_env
                    )
                )
            return await self._tls.handle_async_request(request)
        if scheme == "http":
            if self._clear is None:
                # This transport carries only http:// requests (checked above), which have no
                # TLS to verify; verify=False only spares httpx from loading the CA bundle into a
                # context this transport never uses.
                self._clear = self._guarded(
                    httpx.AsyncHTTPTransport(verify=False, limits=self._limits, trust_env=self._trust_env)
                )
            return await self._clear.handle_async_request(request)
        raise httpx.UnsupportedProtocol(
            f"Request URL has an unsupported protocol '{scheme}://'.", request=request
        )

    def _guarded(self, transport: httpx.AsyncHTTPTransport) -> httpx.AsyncHTTPTransport:
        if self._connect_guard is not None:
            # httpx (0.28) takes no network backend; its connection pool (httpcore's, public API)
            # does, and is the transport's only pool. tests/registries/test_transport.py fails if
            # a later httpx stops connecting through it.
            pool: httpcore.AsyncConnectionPool = transport._pool
            pool._network_backend = GuardedBackend(pool._network_backend, self._connect_guard)
        return transport

    async def aclose(self) -> None:
        for transport in (self._clear, self._tls):
            if transport is not None:
                await transport.aclose()
