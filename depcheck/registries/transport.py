"""The network transport: TLS set up on the first ``https://`` request, not before.

httpx builds its TLS context when the client is made, and building it loads the whole CA
bundle: 50 ms on a busy machine, a tenth of a cold audit's own work. A run that asks only
``http://`` hosts (an index on the local network or on loopback, a mirror behind a TLS proxy) or
``file:`` indexes never needs it. :class:`TlsOnDemand` is the client's transport: ``http://``
requests go to a transport that speaks HTTP/1.1 only in the clear, and the first ``https://``
request builds the verifying transport, exactly as httpx would have built it at the start
(certificate checks on, ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` honoured, HTTP/2 offered).

Import this module only where the network is reached: it imports httpx.
"""

from __future__ import annotations

from depcheck.registries._httpx import httpx


class TlsOnDemand(httpx.AsyncBaseTransport):
    """Send ``http://`` requests in the clear and ``https://`` ones through a TLS transport made on
    first use; any other scheme is refused (httpx would refuse it too)."""

    def __init__(self, *, limits: httpx.Limits, http2: bool = True, trust_env: bool = True) -> None:
        self._limits = limits
        self._http2 = http2
        self._trust_env = trust_env
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
                self._tls = httpx.AsyncHTTPTransport(
                    verify=True, http2=self._http2, limits=self._limits, trust_env=self._trust_env
                )
            return await self._tls.handle_async_request(request)
        if scheme == "http":
            if self._clear is None:
                # This transport carries only http:// requests (checked above), which have no
                # TLS to verify; verify=False only spares httpx from loading the CA bundle into a
                # context this transport never uses.
                self._clear = httpx.AsyncHTTPTransport(
                    verify=False, limits=self._limits, trust_env=self._trust_env
                )
            return await self._clear.handle_async_request(request)
        raise httpx.UnsupportedProtocol(
            f"Request URL has an unsupported protocol '{scheme}://'.", request=request
        )

    async def aclose(self) -> None:
        for transport in (self._clear, self._tls):
            if transport is not None:
                await transport.aclose()
