"""Image tags from Docker Hub and from OCI distribution registries (ghcr.io, quay.io, gcr.io, ``host:port``).

Docker Hub (``registry=None``) is asked through its tags API,
``{hub}/v2/namespaces/{ns}/repositories/{repo}/tags?page_size=100``, following ``next`` while it
stays on the same origin: that API gives each tag's index digest, update time and status, which
is what lets a floating tag be matched to the exact tag it points at. Every other registry is
asked through the OCI distribution API: ``/v2/<repo>/tags/list`` (following ``Link: <...>;
rel="next"``) and ``HEAD /v2/<repo>/manifests/<tag>`` for a digest, with the anonymous
bearer-token flow (registry-apis.md C.1): a 401's ``WWW-Authenticate`` names a token realm, the
token is fetched (with stored credentials when there are any, see
:mod:`depcheck.registries.docker_auth`) and kept per ``(host, scope)`` until it expires. The realm
is checked by the HTTP client's URL guard first (``depcheck serve`` installs one): a realm on a
non-public address is a :class:`~depcheck.registries.http.RequestRefused` that says so.

An OCI registry answers 401 both for a private repository and for one that does not exist, so a
401 that survives the token flow is the answer "not found or private"
(``ImageFacts(found=False, private=True)``), not an error. Every request goes through the shared
:class:`~depcheck.registries.http.HttpClient`, which retries, de-duplicates and caches, and
raises :class:`~depcheck.registries.interface.RegistryUnavailable` naming the registry.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

import orjson

from depcheck import eventloop
from depcheck.registries.cache import ResponseCache, strip_credentials
from depcheck.registries.config import docker_hub_url
from depcheck.registries.docker_auth import Credentials, DockerCredentials, normalise_host
from depcheck.registries.http import (
    HttpClient,
    HttpResponse,
    InvalidBody,
    Keeper,
    RequestRefused,
    UrlRefused,
    json_body,
)
from depcheck.registries.interface import (
    ImageFacts,
    ImageRegistry,
    RegistryProtocolError,
    TagInfo,
)

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger(__name__)

HUB = "Docker Hub"
"""How errors and reports name Docker Hub."""

HUB_PAGE_SIZE = 100
"""The largest page the Hub tags API documents."""

OCI_PAGE_SIZE = 1000
MAX_PAGES = 500
"""Pages followed per repository before giving up on the rest (with a warning)."""

DEFAULT_TOKEN_TTL = 60.0
"""Seconds a token lives when the token server gives no ``expires_in`` (distribution token spec)."""

MANIFEST_ACCEPT = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
    )
)
"""Every manifest type: without the index types an OCI-index image answers 404 (registry-apis.md B.4)."""

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


# --- WWW-Authenticate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Challenge:
    """One ``WWW-Authenticate`` challenge: the scheme (lower-cased) and its parameters."""

    scheme: str
    params: Mapping[str, str] = field(default_factory=dict)


def parse_challenges(header: str) -> list[Challenge]:
    """Every challenge in a ``WWW-Authenticate`` value (several headers joined by ``, `` included).

    A challenge is a scheme (case-insensitive) followed by ``key=value`` or ``key="quoted, value"``
    parameters separated by commas; a bare token starts the next challenge.
    """
    challenges: list[Challenge] = []
    params: dict[str, str] = {}
    position, length = 0, len(header)
    while position < length:
        while position < length and header[position] in " \t,":
            position += 1
        start = position
        while position < length and header[position] not in " \t,=":
            position += 1
        token = header[start:position]
        if not token:
            position += 1
            continue
        look = position
        while look < length and header[look] in " \t":
            look += 1
        if look < length and header[look] == "=" and challenges:
            position = look + 1
            while position < length and header[position] in " \t":
                position += 1
            value, position = _param_value(header, position)
            params[token.lower()] = value
            continue
        params = {}
        challenges.append(Challenge(token.lower(), params))
    return challenges


def _param_value(header: str, position: int) -> tuple[str, int]:
    if position < len(header) and header[position] == '"':
        position += 1
        characters: list[str] = []
        while position < len(header) and header[position] != '"':
            if header[position] == "\\" and position + 1 < len(header):
                position += 1
            characters.append(header[position])
            position += 1
        return "".join(characters), position + 1
    end = header.find(",", position)
    end = len(header) if end == -1 else end
    return header[position:end].strip(), end


def preferred_challenge(header: str | None) -> Challenge | None:
    """The challenge to answer: Bearer first, then Basic (as go-containerregistry chooses)."""
    challenges = parse_challenges(header or "")
    for scheme in ("bearer", "basic"):
        for challenge in challenges:
            if challenge.scheme == scheme:
                return challenge
    return None


def next_link(header: str | None, base: str) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header, resolved against ``base`` (the request URL)."""
    for part in (header or "").split(","):
        target, _, rest = part.partition(">")
        target = target.strip()
        if not target.startswith("<"):
            continue
        relations = [
            value.strip().strip('"').lower()
            for key, _, value in (item.partition("=") for item in rest.split(";"))
            if key.strip().lower() == "rel"
        ]
        if any("next" in relation.split() for relation in relations):
            return urljoin(base, target[1:])
    return None


def _same_origin(url: str, other: str) -> bool:
    first, second = urlsplit(url), urlsplit(other)
    return (first.scheme, first.netloc.lower()) == (second.scheme, second.netloc.lower())


def _timestamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        logger.debug("ignoring unparsable timestamp %r", value)
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# --- body decoders (run inside the HTTP layer's retry loop) ------------------------------------


def _hub_page(response: HttpResponse) -> dict[str, Any]:
    data = json_body(response)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise InvalidBody(f"Docker Hub tags page without a results list from {response.url}")
    if not all(isinstance(item, dict) and isinstance(item.get("name"), str) for item in data["results"]):
        raise InvalidBody(f"Docker Hub tags page with a tag lacking a name from {response.url}")
    return data


_HUB_FIELDS = ("name", "digest", "last_updated", "tag_status")
"""What :meth:`DockerRegistry._hub_image` reads of a tag; a page is cached with these alone."""


def _keep_hub_page(page: dict[str, Any]) -> bytes:
    results = [{key: item[key] for key in _HUB_FIELDS if key in item} for item in page["results"]]
    return orjson.dumps({"next": page.get("next"), "results": results})


def _load_hub_page(kept: bytes) -> dict[str, Any]:
    page = orjson.loads(kept)
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise ValueError("no results list")
    if not all(isinstance(item, dict) and isinstance(item.get("name"), str) for item in page["results"]):
        raise ValueError("a tag without a name")
    return page


HUB_PAGE_KEEPER = Keeper(form="hub-tags:1", dump=_keep_hub_page, load=_load_hub_page)
"""A Docker Hub tags page is cached as the four fields read of each tag (each tag of a real page
carries a list of platform images the audit never reads: nine tenths of the bytes)."""


def _hub_tag(response: HttpResponse) -> dict[str, Any]:
    data = json_body(response)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise InvalidBody(f"Docker Hub tag answer without a name from {response.url}")
    return data


def _tags_list(response: HttpResponse) -> dict[str, Any]:
    data = json_body(response)
    tags = data.get("tags") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not (tags is None or isinstance(tags, list)):
        raise InvalidBody(f"tags/list answer without a tags list from {response.url}")
    if not all(isinstance(tag, str) for tag in tags or []):
        raise InvalidBody(f"tags/list answer with a tag that is not a string from {response.url}")
    return data


def _token_answer(response: HttpResponse) -> dict[str, Any]:
    data = json_body(response)
    if not isinstance(data, dict):
        raise InvalidBody(f"token answer that is not a JSON object from {response.url}")
    return data


@dataclass
class _Token:
    value: str
    expires_at: float


class DockerRegistry(ImageRegistry):
    """Docker Hub and OCI registries over one :class:`~depcheck.registries.http.HttpClient`.

    ``hub_url`` is the Hub API base (``--docker-hub-url``; default from
    :func:`depcheck.registries.config.docker_hub_url`, which reads ``DEPCHECK_DOCKER_HUB_URL``).
    ``endpoints`` maps a registry host to the base URL to use instead of ``https://<host>`` (tests
    send ``ghcr.io`` to the loopback fake). ``insecure_registries`` are hosts spoken to over plain
    HTTP, besides ``localhost``, ``127.0.0.1`` and ``[::1]`` (any port). ``credentials`` reads the
    Docker config (default: the user's). ``cache`` stores tag lists and digests between runs.
    """

    def __init__(
        self,
        http: HttpClient,
        *,
        hub_url: str | None = None,
        endpoints: Mapping[str, str] | None = None,
        insecure_registries: Iterable[str] = (),
        credentials: DockerCredentials | None = None,
        cache: ResponseCache | None = None,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.http = http
        self.hub_url = docker_hub_url(hub_url)
        self.endpoints = {normalise_host(host): url.rstrip("/") for host, url in (endpoints or {}).items()}
        self.insecure = frozenset(normalise_host(host) for host in insecure_registries)
        self.credentials = credentials if credentials is not None else DockerCredentials()
        self.cache = cache
        self.max_pages = max_pages
        self._tokens: dict[tuple[str, str], _Token] = {}
        self._token_locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._token_generation: dict[tuple[str, str], int] = {}

    # --- the interface ----------------------------------------------------------------------

    async def image(self, registry: str | None, repository: str) -> ImageFacts:
        if _is_hub(registry):
            return await self._hub_image(_hub_repository(repository))
        assert registry is not None
        return await self._oci_image(normalise_host(registry), repository)

    async def digest(self, registry: str | None, repository: str, tag: str) -> str | None:
        if _is_hub(registry):
            return await self._hub_digest(_hub_repository(repository), tag)
        assert registry is not None
        return await self._oci_digest(normalise_host(registry), repository, tag)

    async def fill_digests(self, facts: ImageFacts, tags: Iterable[str]) -> ImageFacts:
        """``facts`` with the digests of ``tags`` filled in where the tag list gave none.

        OCI ``tags/list`` names tags only; a caller that needs to match a floating tag to its
        exact tag (``3.12-slim`` -> ``3.12.7-slim``) asks for the few digests that decide it.
        """
        wanted = [tag for tag in dict.fromkeys(tags) if tag in facts.tags and facts.tags[tag].digest is None]
        if not wanted or not facts.found:
            return facts
        registry = None if facts.registry == HUB else facts.registry
        digests = await eventloop.gather(*(self.digest(registry, facts.repository, tag) for tag in wanted))
        filled = dict(facts.tags)
        for tag, digest in zip(wanted, digests, strict=True):
            if digest is not None:
                filled[tag] = replace(filled[tag], digest=digest)
        return replace(facts, tags=filled)

    # --- Docker Hub -------------------------------------------------------------------------

    def _hub_tags_url(self, repository: str) -> str:
        namespace, _, name = repository.partition("/")
        return f"{self.hub_url}/v2/namespaces/{namespace}/repositories/{name}/tags"

    async def _hub_image(self, repository: str) -> ImageFacts:
        url: str | None = f"{self._hub_tags_url(repository)}?page_size={HUB_PAGE_SIZE}"
        tags: dict[str, TagInfo] = {}
        pages = 0
        while url is not None:
            if pages >= self.max_pages:
                logger.warning(
                    "%s: %s has more than %d pages of tags; the rest were not read",
                    HUB,
                    repository,
                    self.max_pages,
                )
                break
            response = await self.http.get(
                url,
                accept="application/json",
                cache=self.cache,
                decode=_hub_page,
                keep=HUB_PAGE_KEEPER,
                registry=HUB,
            )
            pages += 1
            if response.status == 404 and pages == 1:
                return ImageFacts(registry=HUB, repository=repository, found=False)
            if response.status in (401, 403) and pages == 1:
                # The Hub API hides private repositories behind 404 for anonymous callers; a
                # refusal means the same thing to us.
                return ImageFacts(registry=HUB, repository=repository, found=False, private=True)
            if not response.ok:
                raise RegistryProtocolError(HUB, f"HTTP {response.status} for the tags of {repository}")
            page: dict[str, Any] = response.decoded  # type: ignore[assignment]
            for item in page["results"]:
                name = item["name"]
                if name in tags:  # a tag pushed while paging can appear twice: keep the first
                    continue
                digest = item.get("digest")
                tags[name] = TagInfo(
                    name=name,
                    digest=digest if isinstance(digest, str) and digest else None,
                    last_updated=_timestamp(item.get("last_updated")),
                    active=item.get("tag_status") != "inactive",
                )
            url = self._hub_next(page.get("next"), response.url)
        logger.debug("%s: %s has %d tags", HUB, repository, len(tags))
        return ImageFacts(registry=HUB, repository=repository, found=True, tags=tags)

    def _hub_next(self, value: object, current: str) -> str | None:
        if not isinstance(value, str) or not value:
            return None
        target = urljoin(current, value)
        if not _same_origin(target, self.hub_url):
            # Following a link elsewhere would send our requests (and any cache key) to a host
            # nobody configured; the Hub never does this.
            logger.warning("%s: not following a next page on another origin: %s", HUB, target)
            return None
        return target

    async def _hub_digest(self, repository: str, tag: str) -> str | None:
        response = await self.http.get(
            f"{self._hub_tags_url(repository)}/{tag}",
            accept="application/json",
            cache=self.cache,
            decode=_hub_tag,
            registry=HUB,
        )
        if response.status in (401, 403, 404):
            return None
        if not response.ok:
            raise RegistryProtocolError(HUB, f"HTTP {response.status} for {repository}:{tag}")
        digest = response.decoded.get("digest") if isinstance(response.decoded, dict) else None
        return digest if isinstance(digest, str) and digest else None

    # --- OCI distribution -------------------------------------------------------------------

    def base_url(self, host: str) -> str:
        """Where ``host``'s API lives: the endpoint override, else HTTPS (plain HTTP for loopback and insecure hosts)."""
        if host in self.endpoints:
            return self.endpoints[host]
        hostname = (urlsplit(f"//{host}").hostname or host).lower()
        scheme = (
            "http" if hostname in _LOOPBACK or host in self.insecure or hostname in self.insecure else "https"
        )
        return f"{scheme}://{host}"

    async def _oci_image(self, host: str, repository: str) -> ImageFacts:
        url: str | None = f"{self.base_url(host)}/v2/{repository}/tags/list?n={OCI_PAGE_SIZE}"
        tags: dict[str, TagInfo] = {}
        pages = 0
        while url is not None:
            if pages >= self.max_pages:
                logger.warning(
                    "%s: %s has more than %d pages of tags; the rest were not read",
                    host,
                    repository,
                    self.max_pages,
                )
                break
            response = await self._authorized(host, repository, "GET", url, decode=_tags_list)
            pages += 1
            if pages == 1 and response.status in (401, 403):
                return ImageFacts(registry=host, repository=repository, found=False, private=True)
            if pages == 1 and response.status == 404:
                return ImageFacts(registry=host, repository=repository, found=False)
            if not response.ok:
                raise RegistryProtocolError(host, f"HTTP {response.status} for the tags of {repository}")
            body: dict[str, Any] = response.decoded  # type: ignore[assignment]
            manifests = _gcr_manifests(body)
            for name in body.get("tags") or []:
                if name not in tags:
                    digest, uploaded = manifests.get(name, (None, None))
                    tags[name] = TagInfo(name=name, digest=digest, last_updated=uploaded)
            following = next_link(response.header("link"), response.url)
            if following is not None and not _same_origin(following, url):
                logger.warning("%s: not following a next page on another origin: %s", host, following)
                following = None
            url = following
        logger.debug("%s: %s has %d tags", host, repository, len(tags))
        return ImageFacts(registry=host, repository=repository, found=True, tags=tags)

    async def _oci_digest(self, host: str, repository: str, tag: str) -> str | None:
        url = f"{self.base_url(host)}/v2/{repository}/manifests/{tag}"
        response = await self._authorized(host, repository, "HEAD", url, accept=MANIFEST_ACCEPT)
        if response.status in (401, 403, 404):
            logger.debug("%s: no manifest for %s:%s (HTTP %d)", host, repository, tag, response.status)
            return None
        if not response.ok:
            raise RegistryProtocolError(
                host, f"HTTP {response.status} for the manifest of {repository}:{tag}"
            )
        digest = response.header("docker-content-digest")
        if digest:
            return digest
        # Docker-Content-Digest is optional in the OCI spec: the digest is the body's sha256.
        body = await self._authorized(host, repository, "GET", url, accept=MANIFEST_ACCEPT)
        if not body.ok:
            raise RegistryProtocolError(host, f"HTTP {body.status} for the manifest of {repository}:{tag}")
        import hashlib  # here: only a registry that leaves the header out needs it

        return "sha256:" + hashlib.sha256(body.body).hexdigest()

    async def _authorized(
        self,
        host: str,
        repository: str,
        method: str,
        url: str,
        *,
        accept: str | None = None,
        decode: Any = None,
    ) -> HttpResponse:
        """``method url``, answering a 401 challenge with a bearer token or Basic credentials."""
        scope = f"repository:{repository}:pull"
        token = self._tokens.get((host, scope))
        headers: dict[str, str] = {}
        if token is not None and token.expires_at > time.monotonic():
            headers["authorization"] = f"Bearer {token.value}"
        response = await self.http.request(
            method, url, accept=accept, headers=headers, cache=self.cache, decode=decode, registry=host
        )
        if response.status != 401:
            return response
        challenge = preferred_challenge(response.header("www-authenticate"))
        if challenge is None:
            logger.debug("%s: 401 without a usable challenge for %s", host, url)
            return response
        if challenge.params.get("error") == "insufficient_scope" and headers:
            return response  # our token was refused for this repository: private or missing
        if challenge.scheme == "bearer":
            value = await self._token(host, scope, challenge, stale=token)
            if value is None:
                return response
            authorization = f"Bearer {value}"
        else:
            credentials = await self._credentials(host)
            if credentials is None:
                return response
            authorization = _basic(credentials)
        return await self.http.request(
            method,
            url,
            accept=accept,
            headers={"authorization": authorization},
            cache=self.cache,
            decode=decode,
            registry=host,
        )

    async def _credentials(self, host: str) -> Credentials | None:
        # The lookup may run a helper program; keep it off the event loop.
        import asyncio  # a credential helper runs in a thread, from the event loop

        return await asyncio.to_thread(self.credentials.lookup, host)

    async def _token(self, host: str, scope: str, challenge: Challenge, stale: _Token | None) -> str | None:
        """A bearer token for ``scope`` on ``host``, from the cache or the challenge's realm."""
        key = (host, scope)
        import asyncio  # a token is asked for over the network, from the event loop

        lock = self._token_locks.setdefault(key, asyncio.Lock())
        async with lock:
            current = self._tokens.get(key)
            if current is not None and current is not stale and current.expires_at > time.monotonic():
                return current.value
            realm = challenge.params.get("realm")
            if not realm:
                logger.debug("%s: bearer challenge without a realm", host)
                return None
            query = {"scope": challenge.params.get("scope") or scope}
            if challenge.params.get("service"):
                query = {"service": challenge.params["service"], **query}
            token_url = f"{realm}{'&' if '?' in realm else '?'}{urlencode(query)}"
            try:
                await self.http.check_url(token_url)
            except UrlRefused as exc:
                # The realm is whatever the registry wrote in its challenge: a registry that names
                # an internal address there must not get the service to ask it.
                raise RequestRefused(
                    host,
                    f"its token realm points to {strip_credentials(realm)}, {exc.reason}; "
                    "no token was asked for",
                ) from exc
            headers: dict[str, str] = {}
            credentials = await self._credentials(host)
            if credentials is not None:
                headers["authorization"] = _basic(credentials)
            generation = self._token_generation.get(key, 0)
            if generation:
                # The HTTP layer keeps one answer per identical request for the whole run; a
                # renewed token must be a different request.
                headers["x-depcheck-token-renewal"] = str(generation)
            self._token_generation[key] = generation + 1
            response = await self.http.get(token_url, headers=headers, decode=_token_answer, registry=host)
            if not response.ok:
                logger.debug("%s: token server answered HTTP %d for %s", host, response.status, scope)
                return None
            data: dict[str, Any] = response.decoded  # type: ignore[assignment]
            value = data.get("token") or data.get("access_token")
            if not isinstance(value, str) or not value:
                raise RegistryProtocolError(host, f"token answer from {realm} holds no token")
            lifetime = data.get("expires_in")
            seconds = (
                float(lifetime) if isinstance(lifetime, int | float) and lifetime > 0 else DEFAULT_TOKEN_TTL
            )
            self._tokens[key] = _Token(value, time.monotonic() + seconds)
            return value


def _basic(credentials: Credentials) -> str:
    pair = f"{credentials.username}:{credentials.secret}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _is_hub(registry: str | None) -> bool:
    return registry is None or normalise_host(registry) == "docker.io"


def _hub_repository(repository: str) -> str:
    """``library/python`` for ``python``: official images live in the ``library`` namespace."""
    return repository if "/" in repository else f"library/{repository}"


def _gcr_manifests(body: Mapping[str, Any]) -> dict[str, tuple[str | None, dt.datetime | None]]:
    """Digest and upload time per tag from gcr.io's ``manifest`` extension to tags/list, if present."""
    found: dict[str, tuple[str | None, dt.datetime | None]] = {}
    manifests = body.get("manifest")
    if not isinstance(manifests, dict):
        return found
    for digest, info in manifests.items():
        if not isinstance(info, dict):
            continue
        uploaded: dt.datetime | None = None
        milliseconds = info.get("timeUploadedMs")
        if isinstance(milliseconds, str) and milliseconds.isdigit():
            uploaded = dt.datetime.fromtimestamp(int(milliseconds) / 1000, dt.UTC)
        for tag in info.get("tag") or []:
            if isinstance(tag, str):
                found[tag] = (digest if isinstance(digest, str) else None, uploaded)
    return found
