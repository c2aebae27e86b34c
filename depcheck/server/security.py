"""What keeps the service safe to expose: tokens, limits, rate limiting, names and registry checks.

- **Bearer tokens** (:class:`TokenChecker`): from ``DEPCHECK_TOKENS`` (separated by commas or
  white space) and/or a file (``DEPCHECK_TOKENS_FILE``: one per line, ``#`` comments). Each
  presented token is hashed and compared with every configured one through
  :func:`hmac.compare_digest`, without stopping at the first match, so timing says nothing about
  which token or how much of it matched. A refusal is a bare 401 whatever went wrong (no header,
  another scheme, a wrong token): the answer gives an attacker nothing to iterate on.
- **Limits**: the body size is aiohttp's ``client_max_size``; :func:`check_limits` caps the number
  of files and of lines per request (413).
- **Rate limiting** (:class:`RateLimiter`): one token bucket per client (the bearer token when
  there is one, else the peer address, or the address a trusted proxy appended to
  ``X-Forwarded-For``); an empty bucket is a 429 with ``Retry-After`` in whole seconds.
- **File names** (:func:`check_file_name`): a request names files, it never points at the
  server's disk; ``..``, ``.``, absolute paths, backslashes, empty segments and control characters
  (NUL included) are refused.
- **Registries a client names** (:class:`RegistryGuard`): an index URL in the options or in a
  requirements file (``-i``), or an image registry host in a Dockerfile, is asked only when it is
  on the configured allow-list; and, unless private registries are allowed explicitly, only when
  every address its host resolves to is a global one (not loopback, private, link-local,
  carrier-grade NAT, multicast, reserved or unspecified; IPv4-mapped IPv6 unwrapped first). This is
  the server-side request forgery guard: a request must not make the service fetch
  ``http://169.254.169.254/`` or an admin port on its own host. Registries the operator configured
  (``--index-url``, ``--docker-hub-url``, endpoints in the project configuration) are trusted as
  given.
- **Every URL the service asks** (:meth:`RegistryGuard.check_request`, the shared HTTP client's
  ``url_guard``): a registry, even a trusted one, answers with URLs of its own (a redirect's
  ``Location``, a token realm in ``WWW-Authenticate``). Each one is vetted before it is asked,
  each redirect hop included: the origins of the operator's registries are asked as configured,
  anything else only when every address its host resolves to is global (unless private
  registries are allowed). A refusal is a
  :class:`~depcheck.registries.http.RequestRefused`, a registry error like any other.

Names are resolved through the event loop's resolver, and each answer is kept until the request
that asked for it ends (:meth:`RegistryGuard.forget`), so the many lookups of one audit resolve a
host once. The HTTP client connects to exactly the addresses the check vetted
(:meth:`RegistryGuard.connect_addresses`, its connect guard), never to a second answer for the
same name: a host whose DNS answer changes between the check and the connection (DNS rebinding)
cannot reach an internal address. A connection kept alive for later requests stays with the
address it was made to. (Through an egress proxy from the environment, the proxy connects.)
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import ipaddress
import logging
import math
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from depcheck.registries.http import UrlRefused
from depcheck.server.errors import ApiError

logger = logging.getLogger(__name__)

# --- bearer tokens ------------------------------------------------------------------------------

UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="depcheck"'}

MIN_TOKEN_LENGTH = 16
"""Shorter tokens are accepted but logged as weak at start-up."""


class TokenConfigError(Exception):
    """The token file cannot be read, or a configured token cannot be used."""


def parse_tokens(text: str) -> list[str]:
    """Tokens from ``DEPCHECK_TOKENS``: separated by commas and/or white space."""
    return [token for token in text.replace(",", " ").split() if token]


def read_tokens_file(path: Path) -> list[str]:
    """Tokens from a file: one per line; blank lines and lines starting with ``#`` are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TokenConfigError(f"{path}: cannot read the tokens file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise TokenConfigError(f"{path}: the tokens file is not UTF-8 text") from exc
    tokens = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(stripped.split()) != 1:
            raise TokenConfigError(f"{path}:{number}: a token must be one word, without spaces")
        tokens.append(stripped)
    return tokens


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


class TokenChecker:
    """Accepts ``Authorization: Bearer <token>`` for the configured tokens; none configured: anyone."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self._digests = [_digest(token) for token in dict.fromkeys(tokens)]
        for token in tokens:
            if len(token) < MIN_TOKEN_LENGTH:
                logger.warning(
                    "a configured token is %d characters long; use at least %d random characters",
                    len(token),
                    MIN_TOKEN_LENGTH,
                )

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def client(self, authorization: str | None) -> str | None:
        """The client's identity (a token fingerprint) for a valid header; ``None`` if auth is off.

        Raises a 401 :class:`~depcheck.server.errors.ApiError` that says nothing more for a
        missing header, another scheme or a wrong token alike.
        """
        if not self._digests:
            return None
        scheme, _, token = (authorization or "").strip().partition(" ")
        token = token.strip()
        presented = _digest(token)
        matched = False
        for known in self._digests:
            # Every configured token is compared, match or not, so the time taken does not
            # depend on which one (if any) matched.
            matched |= hmac.compare_digest(presented, known)
        if scheme.lower() != "bearer" or not token or not matched:
            raise unauthorized()
        return "token:" + presented.hex()[:16]


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "authentication required", headers=UNAUTHORIZED_HEADERS)


# --- limits on a request ------------------------------------------------------------------------


def check_limits(files: Mapping[str, str], *, max_files: int, max_lines: int) -> None:
    """Refuse (413) a request with more than ``max_files`` files or ``max_lines`` lines in all."""
    if len(files) > max_files:
        raise ApiError(
            413,
            "too_many_files",
            f"files: {len(files)} files sent; this service takes at most {max_files} per request",
            field="files",
        )
    lines = sum(
        content.count("\n") + (0 if content.endswith("\n") or not content else 1)
        for content in files.values()
    )
    if lines > max_lines:
        raise ApiError(
            413,
            "too_many_lines",
            f"files: {lines} lines sent; this service takes at most {max_lines} per request",
            field="files",
        )


def _field_for(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    printable = "".join(char if char.isprintable() else repr(char)[1:-1] for char in escaped)
    return f'files["{printable}"]'


MAX_NAME_LENGTH = 1024


def check_file_name(name: str) -> None:
    """Refuse (400) a file name that is not a plain relative path (see the module docstring)."""
    field = _field_for(name)

    def refuse(reason: str) -> ApiError:
        return ApiError(400, "invalid_path", f"{field}: {reason}", field=field)

    if not name:
        raise refuse("a file name cannot be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise refuse(f"a file name may be at most {MAX_NAME_LENGTH} characters long")
    if "\x00" in name:
        raise refuse("a file name cannot contain a NUL character")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in name):
        raise refuse("a file name cannot contain control characters")
    if "\\" in name:
        raise refuse("use / between folders; a backslash is not allowed in a file name")
    if name.startswith("/"):
        raise refuse("an absolute path is not allowed; name files relative to the project")
    segments = name.split("/")
    if ".." in segments:
        raise refuse("a path cannot climb out with '..'")
    if "." in segments or "" in segments:
        raise refuse("a path cannot have empty or '.' segments")


# --- rate limiting ------------------------------------------------------------------------------


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """One token bucket per client: ``burst`` requests at once, refilled at ``rate`` per second.

    ``rate <= 0`` turns limiting off. At most ``max_clients`` buckets are kept: the least recently
    seen client's bucket is dropped first (it would be full again by the time it returns, unless
    it returns very soon, which a client cycling addresses cannot exploit for more than a burst).
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: collections.OrderedDict[str, _Bucket] = collections.OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, client: str) -> float | None:
        """Spend one request for ``client``: ``None`` when allowed, else the seconds until it would be."""
        if not self.enabled:
            return None
        now = self.clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = self._buckets[client] = _Bucket(float(self.burst), now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(client)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / self.rate

    def refuse(self, wait: float) -> ApiError:
        """The 429 for a client that must wait ``wait`` seconds (``Retry-After`` rounded up, at least 1)."""
        seconds = max(1, math.ceil(wait))
        return ApiError(
            429,
            "rate_limited",
            f"too many requests; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


def client_address(peer: str | None, forwarded_for: str | None, *, trust_forwarded: bool) -> str:
    """Who a request came from: the peer, or the last hop a trusted proxy added to ``X-Forwarded-For``."""
    if trust_forwarded and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer or "unknown"


# --- registries a client names ------------------------------------------------------------------

DEFAULT_IMAGE_REGISTRIES = (
    "ghcr.io",
    "quay.io",
    "gcr.io",
    "*.gcr.io",
    "*.pkg.dev",
    "registry.k8s.io",
    "public.ecr.aws",
    "mcr.microsoft.com",
    "registry.gitlab.com",
)
"""Public image registries a Dockerfile may name without configuration (Docker Hub always may).

Setting ``DEPCHECK_ALLOWED_REGISTRIES`` replaces this list, so an operator can narrow it too."""

_DEFAULT_PORTS = {"http": 80, "https": 443}

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""Resolves ``(host, port)`` to the IP addresses a connection could reach, as text."""


class RegistryNotAllowed(Exception):
    """A registry named by a client that the service will not ask; ``reason`` says why, in words."""

    def __init__(self, registry: str, reason: str) -> None:
        super().__init__(f"{registry}: {reason}")
        self.registry = registry
        self.reason = reason


@dataclass(frozen=True)
class AllowedEntry:
    """One allow-list entry: a URL prefix (``https://index.example/simple``) or a host (``ghcr.io``,
    ``*.pkg.dev``, ``registry.example:5000``)."""

    text: str
    host: str
    port: int | None
    scheme: str | None = None
    path: str = ""

    @classmethod
    def parse(cls, text: str) -> AllowedEntry:
        entry = text.strip()
        if "://" in entry:
            parts = urlsplit(entry)
            if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
                raise ValueError(f"{text!r}: an allowed registry URL must be http(s)://host[/path]")
            return cls(
                text=entry,
                host=parts.hostname.lower(),
                port=parts.port or _DEFAULT_PORTS[parts.scheme],
                scheme=parts.scheme,
                path=parts.path.rstrip("/"),
            )
        parts = urlsplit(f"//{entry}")
        if not parts.hostname or parts.path:
            raise ValueError(f"{text!r}: an allowed registry host must be host, host:port or *.domain")
        return cls(text=entry, host=parts.hostname.lower(), port=parts.port)

    def _host_matches(self, host: str) -> bool:
        if self.host.startswith("*."):
            return host.endswith(self.host[1:]) and host != self.host[2:]
        return host == self.host

    def allows_url(self, scheme: str, host: str, port: int, path: str) -> bool:
        if not self._host_matches(host):
            return False
        if self.scheme is None:
            return port == (self.port or _DEFAULT_PORTS[scheme])
        if scheme != self.scheme or port != self.port:
            return False
        trimmed = path.rstrip("/")
        return trimmed == self.path or trimmed.startswith(self.path + "/")

    def allows_host(self, host: str, port: int | None) -> bool:
        if not self._host_matches(host):
            return False
        if self.scheme is None:
            return port == self.port
        # An image registry is spoken to over HTTPS on the port it names.
        return (port or _DEFAULT_PORTS["https"]) == self.port


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``getaddrinfo`` gives for ``host`` (what the HTTP client would connect to)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def address_problem(text: str) -> str | None:
    """Why a connection to address ``text`` must not be made, or ``None`` for a global address."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "an address that is not publicly routable"
    return None


class RegistryGuard:
    """Decides whether the service may ask a registry that a client named, and vets every URL the
    service's HTTP client is about to ask (see the module docstring).

    ``trusted`` are index URLs the operator configured: a client may name them exactly, and their
    origins are asked without the address check, as are those of URLs given to :meth:`trust`.
    """

    def __init__(
        self,
        allowed: Iterable[str] = (),
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        trusted: Iterable[str] = (),
    ) -> None:
        self.entries = tuple(AllowedEntry.parse(text) for text in allowed)
        self.allow_private = allow_private
        self.resolver: Resolver = resolver or system_resolver
        self.trusted: set[str] = set()
        self._trusted_origins: set[tuple[str, str, int]] = set()
        self._resolved: dict[tuple[str, int], asyncio.Task[list[str]]] = {}
        self.trust(*trusted, index=True)

    def trust(self, *urls: str, index: bool = False) -> None:
        """Trust registries the operator configured at ``urls``: requests to their origins skip the
        address check. With ``index``, a client may also name exactly these URLs as its index."""
        for url in urls:
            if not url:
                continue
            if index:
                self.trusted.add(url.rstrip("/"))
            origin = _origin(url)
            if origin is not None:
                self._trusted_origins.add(origin)

    def forget(self) -> None:
        """Drop the names resolved so far (the service calls this after each request)."""
        self._resolved = {key: task for key, task in self._resolved.items() if not task.done()}

    async def check_url(self, url: str) -> None:
        """Raise :class:`RegistryNotAllowed` unless ``url`` (an index URL) may be asked.

        A URL the operator configured (``trusted``: the service's own index) is always allowed,
        so a requirements file that names the index the service uses anyway is verified.
        """
        if url.rstrip("/") in self.trusted:
            return
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:  # an unbalanced [ ] host, a port that is not a number
            raise RegistryNotAllowed(url, f"not a valid URL: {exc}") from exc
        if parts.scheme not in _DEFAULT_PORTS:
            raise RegistryNotAllowed(url, "only http and https registry URLs are accepted")
        if not parts.hostname:
            raise RegistryNotAllowed(url, "the URL names no host")
        if parts.username is not None or parts.password is not None:
            # The shared cache keys answers by URL without credentials: one client's private
            # answers must not be served to another.
            raise RegistryNotAllowed(url, "credentials in a registry URL are not accepted by the service")
        host = parts.hostname.lower()
        port = port or _DEFAULT_PORTS[parts.scheme]
        shown = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if not any(entry.allows_url(parts.scheme, host, port, parts.path) for entry in self.entries):
            raise RegistryNotAllowed(shown, "not on this service's list of allowed registries")
        await self._check_addresses(shown, host, port)

    async def check_image_registry(self, registry: str) -> None:
        """Raise :class:`RegistryNotAllowed` unless image registry ``registry`` (``host[:port]``) may be asked."""
        try:
            parts = urlsplit(f"//{registry.strip()}")
            port = parts.port
        except ValueError as exc:
            raise RegistryNotAllowed(registry, f"not a valid registry host: {exc}") from exc
        if not parts.hostname or parts.path or parts.username is not None:
            raise RegistryNotAllowed(registry, "not a registry host")
        host = parts.hostname.lower()
        if not any(entry.allows_host(host, port) for entry in self.entries):
            raise RegistryNotAllowed(registry, "not on this service's list of allowed registries")
        await self._check_addresses(registry, host, port or _DEFAULT_PORTS["https"])

    async def check_request(self, url: str) -> None:
        """Raise :class:`~depcheck.registries.http.UrlRefused` unless the service may ask ``url``.

        The HTTP client's ``url_guard`` in the service: called for every request, each redirect
        hop and token realm included. A URL on the origin of a registry the operator configured
        is asked; any other only when every address its host resolves to is global, unless
        private registries are allowed. Not the allow-list: a registry on it may redirect to a
        public host that is not (a mirror sending clients to its CDN).
        """
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise UrlRefused(url, f"not a valid URL ({exc})") from exc
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise UrlRefused(url, "not an http or https URL")
        if not parts.hostname:
            raise UrlRefused(url, "a URL without a host")
        host = parts.hostname.lower()
        port = port or _DEFAULT_PORTS[scheme]
        if (scheme, host, port) in self._trusted_origins or self.allow_private:
            return
        problem = await self._address_problem(host, port)
        if problem is not None:
            raise UrlRefused(url, f"not a public address ({problem})")

    async def connect_addresses(self, host: str, port: int) -> list[str] | None:
        """Where the service's HTTP client may connect for ``(host, port)``: the addresses this
        guard resolved and vetted for it (the connect guard of
        :mod:`depcheck.registries.transport`), or ``None`` (connect as usual) for the origin of a
        registry the operator configured, or when private registries are allowed.

        The addresses are the ones :meth:`check_request` vetted for the same request (names are
        resolved once until :meth:`forget`), so the connection goes exactly where the check looked,
        whatever the name resolves to by then. Raises :class:`~depcheck.registries.http.UrlRefused`
        when one of them is not global.
        """
        host = host.lower()
        if self.allow_private or any(
            (trusted_host, trusted_port) == (host, port)
            for _, trusted_host, trusted_port in self._trusted_origins
        ):
            return None
        problem = await self._address_problem(host, port)
        if problem is not None:
            raise UrlRefused(f"{host}:{port}", f"not a public address ({problem})")
        return await self._resolve(host, port)

    async def _check_addresses(self, shown: str, host: str, port: int) -> None:
        if self.allow_private:
            return
        problem = await self._address_problem(host, port)
        if problem is not None:
            raise RegistryNotAllowed(shown, problem)

    async def _address_problem(self, host: str, port: int) -> str | None:
        """Why ``host`` must not be asked (it does not resolve, or one of its addresses is not
        global), or ``None``."""
        try:
            addresses = await self._resolve(host, port)
        except OSError as exc:
            return f"cannot resolve {host}: {exc.strerror or exc}"
        if not addresses:
            return f"{host} resolves to no address"
        for address in addresses:
            problem = address_problem(address)
            if problem is None:
                continue
            if _is_address(host):
                return f"{address} is {problem}"
            return f"{host} resolves to {address}, {problem}"
        return None

    async def _resolve(self, host: str, port: int) -> list[str]:
        """``host``'s addresses, resolved once until :meth:`forget` (concurrent callers share one lookup)."""
        key = (host, port)
        task = self._resolved.get(key)
        if task is None:
            task = self._resolved[key] = asyncio.ensure_future(self._lookup(host, port))
        # shield: one caller's timeout must not cancel the lookup the others are awaiting.
        return await asyncio.shield(task)

    async def _lookup(self, host: str, port: int) -> list[str]:
        return list(await self.resolver(host, port))


def _origin(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an http(s) URL, or ``None`` for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        # Not a URL a request can go to, so there is no origin to trust (an operator's URL that
        # does not parse is refused where it is configured).
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True
