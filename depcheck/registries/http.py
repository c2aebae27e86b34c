"""The one HTTP layer every registry client goes through.

:class:`HttpClient` wraps one shared ``httpx.AsyncClient`` (HTTP/2 where the server offers it)
and adds what registry lookups need and httpx leaves to callers:

- a ``User-Agent`` naming depcheck and its version;
- bounded concurrency per host (one ``asyncio.Semaphore`` each), so a big audit does not open
  hundreds of connections to one registry;
- every identical request made once per run: concurrent callers of the same
  ``(method, url, accept, headers)`` await one task, and its result (or its failure) is kept for
  the rest of the run;
- retries with exponential backoff and full jitter on timeouts, connection errors, 5xx, 429 and
  bodies the caller's ``decode`` hook rejects (truncated JSON), honouring ``Retry-After``
  (seconds or an HTTP date, capped); after the last attempt, or past the total timeout,
  :class:`~depcheck.registries.interface.RegistryUnavailable` (or
  :class:`~depcheck.registries.interface.RegistryProtocolError` for bad bodies) names the host and
  says what went wrong in words;
- an optional :class:`~depcheck.registries.cache.ResponseCache`: fresh answers are served without
  a request, stale ones with an ``ETag`` are revalidated with ``If-None-Match``, and ``offline``
  mode answers from the cache alone or raises :class:`~depcheck.registries.interface.OfflineMiss`;
- credentials: ``https://user:pass@host/simple`` is sent as Basic auth and the URL is used without
  them everywhere else (logs, cache keys, errors); a ``.netrc`` entry for the host (``$NETRC``,
  else ``~/.netrc``, as pip does) is used when the URL carries none. httpx's ``trust_env`` no
  longer reads ``.netrc`` (since 0.24), hence the lookup here;
- redirects followed here, one hop at a time (at most :data:`MAX_REDIRECTS`), so that an optional
  ``url_guard`` vets every URL before it is asked, each hop included: ``depcheck serve`` installs
  one so that a registry cannot send the service to an internal address
  (:class:`RequestRefused`); the CLI installs none, and a developer's index on localhost works.

Callers get an :class:`HttpResponse`: status, lower-cased headers, body, whether it came from the
cache, and whatever their ``decode`` hook made of the body. Statuses other than 5xx and 429 are
returned, not raised: a 404 is an answer ("no such project"), a 401 starts a token flow.

Tests inject a transport or a client and point the layer at the fake registry on loopback.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import orjson

from depcheck import __version__, eventloop
from depcheck.eventloop import NeedsLoop
from depcheck.registries.cache import (
    CACHED_STATUSES,
    CacheEntry,
    ResponseCache,
    cache_key,
    strip_credentials,
)
from depcheck.registries.interface import (
    OfflineMiss,
    RegistryError,
    RegistryProtocolError,
    RegistryUnavailable,
)

if TYPE_CHECKING:
    import asyncio
    import netrc

    import httpx

    from depcheck.registries.transport import ConnectGuard

logger = logging.getLogger(__name__)

USER_AGENT = f"depcheck/{__version__}"

DEFAULT_CONCURRENCY = 16
DEFAULT_ATTEMPTS = 4
DEFAULT_TIMEOUT = 10.0
"""Seconds one attempt may take (connect, read, write, pool wait each)."""
DEFAULT_TOTAL_TIMEOUT = 60.0
"""Seconds one lookup may take over all its attempts and waits."""
MAX_RETRY_AFTER = 30.0
"""The longest ``Retry-After`` honoured; a registry asking for more is treated as unavailable for this run."""
BACKOFF_BASE = 0.25
BACKOFF_CAP = 8.0
MAX_REDIRECTS = 20

KEPT_HEADERS = frozenset(
    {
        "content-type",
        "etag",
        "last-modified",
        "location",
        "link",
        "www-authenticate",
        "docker-content-digest",
        "x-pypi-last-serial",
        "ratelimit-limit",
        "ratelimit-remaining",
        "retry-after",
    }
)
"""The response headers stored in the cache; a fresh answer carries every header."""

Decoder = Callable[["HttpResponse"], object]
"""Turns a 2xx body into what the caller wants, raising :class:`InvalidBody` to have it fetched again."""


@dataclass(frozen=True)
class Keeper:
    """How the cache keeps a caller's reading of an answer in place of the registry's bytes.

    A large Simple API page is megabytes of JSON that a warm run would read, hash and parse again
    only to get back the same few facts; with a keeper the cache holds ``dump(decoded)`` instead,
    and a later lookup gets ``load(kept)`` as its ``decoded`` without the raw body. ``form`` names
    the reading and its layout version: an entry kept in another form (another depcheck version)
    is not read. ``load`` raises ``ValueError``, ``TypeError``, ``KeyError`` or ``IndexError`` on
    a damaged entry, which is then fetched again.
    """

    form: str
    dump: Callable[[Any], bytes]
    load: Callable[[bytes], object]


UrlGuard = Callable[[str], Awaitable[None]]
"""Vets one URL (without credentials) the client is about to ask: returns when it may be asked,
raises :class:`UrlRefused` when it may not. Awaited before every request is sent, each redirect
hop included."""


class UrlRefused(Exception):
    """Raised by a :data:`UrlGuard`: ``url`` must not be asked; ``reason`` says what it points at,
    in words that follow the URL ("a non-public address (10.0.0.7 is a private address)")."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class RequestRefused(RegistryError):
    """A registry pointed depcheck at a URL the client's guard refuses: a redirect, or a token realm
    (see :mod:`depcheck.registries.docker`), to a non-public address. Not retried: asking again
    would be sent to the same place."""


class InvalidBody(Exception):
    """A 2xx body that is not what the API documents; raised by a ``decode`` hook and retried."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class HttpResponse:
    """One answer: final ``url`` (no credentials), ``status``, lower-cased ``headers`` and ``body``.

    ``from_cache`` is true when the body came from the cache (fresh, offline, or revalidated by a
    304, in which case ``revalidated`` is true too). ``decoded`` is what the caller's ``decode``
    hook returned for a 2xx body, else ``None``.
    """

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    from_cache: bool = False
    revalidated: bool = False
    decoded: object = field(default=None, compare=False, repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (``""`` when absent)."""
        return (self.headers.get("content-type") or "").split(";", 1)[0].strip().lower()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without ``user:password@``, and those credentials (percent-decoded) if present."""
    netloc = urlsplit(url).netloc
    if "@" not in netloc:
        return url, None
    user, _, password = netloc.rsplit("@", 1)[0].partition(":")
    return strip_credentials(url), (unquote(user), unquote(password))


def host_of(url: str) -> str:
    """``host`` or ``host:port`` of ``url``, without credentials: how errors name a registry."""
    netloc = urlsplit(url).netloc
    return netloc.rsplit("@", 1)[-1]


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # an HTTP date is rare (and email.utils costs a few ms at start-up)

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            logger.debug("ignoring unparsable Retry-After %r", value)
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    delay = parse_retry_after(headers.get("retry-after"))
    if delay is not None:
        return delay
    # Docker Hub sends X-Retry-After as a Unix time rather than the standard header.
    stamp = headers.get("x-retry-after")
    if stamp is not None:
        try:
            return max(0.0, float(stamp) - time.time())
        except ValueError:
            logger.debug("ignoring unparsable X-Retry-After %r", stamp)
    return None


def _headers(response: httpx.Response) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def _in_words(what: str, exc: Exception) -> str:
    """``what``, followed by the library's detail when it has one (httpx often has none)."""
    detail = str(exc).strip()
    return f"{what}: {detail}" if detail else what


class _Netrc:
    """Credentials per host from a ``.netrc`` file, read once and only when a request needs them."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._loaded = False
        self._info: netrc.netrc | None = None

    def lookup(self, host: str) -> tuple[str, str] | None:
        if self.path is None:
            return None
        if not self._loaded:
            self._loaded = True
            if Path(self.path).is_file():
                import netrc

                try:
                    self._info = netrc.netrc(self.path)
                except (netrc.NetrcParseError, OSError) as exc:
                    # pip goes on without the file too; say why credentials are missing.
                    logger.warning("cannot read %s (%s); continuing without it", self.path, exc)
        if self._info is None:
            return None
        found = self._info.authenticators(host)
        if found is None:
            return None
        login, _account, password = found
        return login or "", password or ""


def default_netrc_path(environ: Mapping[str, str] | None = None) -> str | None:
    """``$NETRC``, else ``~/.netrc`` (the lookup pip's HTTP stack makes)."""
    env = os.environ if environ is None else environ
    if env.get("NETRC"):
        return env["NETRC"]
    try:
        return str(Path.home() / ".netrc")
    except RuntimeError:  # no home directory (a bare container user)
        return None


class _Failure(Exception):
    """One failed attempt, in words; ``retry_after`` when the server said how long to wait."""

    def __init__(self, reason: str, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.status = status


@dataclass(frozen=True)
class _Call:
    """One request as the retry loop sees it: ``url`` without credentials, which travel apart."""

    method: str
    url: str
    credentials: tuple[str, str] | None
    accept: str | None
    headers: Mapping[str, str]
    decode: Decoder | None
    registry: str
    keep: Keeper | None = None


_MemoKey = tuple[str, str, str | None, tuple[tuple[str, str], ...], object, object, int]


class HttpClient:
    """One shared async HTTP client for a run. Use as ``async with HttpClient() as http: ...``.

    ``client`` or ``transport`` replace the network (tests); otherwise an ``httpx.AsyncClient`` with
    HTTP/2 is created and closed with this object. ``offline`` answers from the caches alone.
    ``sleep`` and ``rng`` are injectable so backoff can be tested without waiting. ``url_guard``
    vets every URL before it is asked, each redirect hop included (see :data:`UrlGuard`);
    ``connect_guard`` says where each connection may go, at the moment it is made (see
    :mod:`depcheck.registries.transport`; not applied to a ``client`` or ``transport`` given).
    """

    def __init__(
        self,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency_per_host: int = DEFAULT_CONCURRENCY,
        attempts: int = DEFAULT_ATTEMPTS,
        timeout: float = DEFAULT_TIMEOUT,
        total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
        max_retry_after: float = MAX_RETRY_AFTER,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        offline: bool = False,
        netrc_file: str | None = None,
        user_agent: str = USER_AGENT,
        rng: random.Random | None = None,
        url_guard: UrlGuard | None = None,
        connect_guard: ConnectGuard | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self._owns_client = client is None
        # Made on the first request that reaches the network (importing httpx costs a tenth of a
        # second, which a warm run answered from the cache would otherwise pay for nothing), and
        # its TLS context on the first https:// request (depcheck.registries.transport).
        self._client = client
        self._transport = transport
        self.concurrency_per_host = concurrency_per_host
        self.attempts = attempts
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.max_retry_after = max_retry_after
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.offline = offline
        self.user_agent = user_agent
        self._netrc = _Netrc(netrc_file if netrc_file is not None else default_netrc_path())
        self._rng = rng or random.Random()
        self.url_guard = url_guard
        self.connect_guard = connect_guard
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._memo: dict[_MemoKey, asyncio.Task[HttpResponse]] = {}
        self._answers: dict[_MemoKey, HttpResponse] = {}
        """Answers the cache gave with no event loop running (see :mod:`depcheck.eventloop`)."""
        self.requests_sent = 0
        """Requests that reached the transport (retries included): what benchmarks and tests count."""

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying client if this object created it."""
        if self._owns_client and self._client is not None:
            await self._client.aclose()

    def _network(self) -> httpx.AsyncClient:
        """The ``httpx`` client, made on first use unless one was given."""
        if self._client is None:
            # httpx (and h2, anyio, ssl) is imported here, by the first request that reaches the
            # network: a warm run answered from the cache never pays for it.
            from depcheck.registries._httpx import httpx
            from depcheck.registries.transport import TlsOnDemand

            limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
            self._client = httpx.AsyncClient(
                # TLS is set up by the first https:// request (TlsOnDemand), HTTP/2 offered there.
                transport=self._transport
                or TlsOnDemand(limits=limits, http2=True, trust_env=True, connect_guard=self.connect_guard),
                timeout=httpx.Timeout(self.timeout),
                # Redirects are followed by _send, which vets each hop first.
                follow_redirects=False,
                limits=limits,
                # Proxies and CA bundles come from the environment as pip takes them; .netrc is ours.
                trust_env=True,
            )
        return self._client

    async def get(
        self,
        url: str,
        *,
        accept: str | None = None,
        headers: Mapping[str, str] | None = None,
        cache: ResponseCache | None = None,
        ttl: float | None = None,
        decode: Decoder | None = None,
        keep: Keeper | None = None,
        registry: str | None = None,
    ) -> HttpResponse:
        """``GET url``; see :meth:`request`."""
        return await self.request(
            "GET",
            url,
            accept=accept,
            headers=headers,
            cache=cache,
            ttl=ttl,
            decode=decode,
            keep=keep,
            registry=registry,
        )

    async def head(
        self,
        url: str,
        *,
        accept: str | None = None,
        headers: Mapping[str, str] | None = None,
        cache: ResponseCache | None = None,
        ttl: float | None = None,
        registry: str | None = None,
    ) -> HttpResponse:
        """``HEAD url``; see :meth:`request`."""
        return await self.request(
            "HEAD", url, accept=accept, headers=headers, cache=cache, ttl=ttl, registry=registry
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        accept: str | None = None,
        headers: Mapping[str, str] | None = None,
        cache: ResponseCache | None = None,
        ttl: float | None = None,
        decode: Decoder | None = None,
        keep: Keeper | None = None,
        registry: str | None = None,
    ) -> HttpResponse:
        """Make the request once per run, through ``cache`` when given, retrying what can be retried.

        ``accept`` is the ``Accept`` header (and part of the cache key); ``headers`` are extra
        request headers (part of the per-run de-duplication key, never of the cache key, so do not
        pass a cache for requests whose answer depends on, say, a bearer token unless that is
        what you want). ``decode`` runs on 2xx bodies inside the retry loop; with ``keep`` as well,
        the cache stores the decoded reading instead of the body, and an answer restored from it
        has ``decoded`` set and an empty ``body`` (see :class:`Keeper`). ``registry`` names
        the registry in errors (default: the URL's host). Raises
        :class:`~depcheck.registries.interface.RegistryUnavailable`,
        :class:`~depcheck.registries.interface.RegistryProtocolError` or
        :class:`~depcheck.registries.interface.OfflineMiss`.
        """
        extra = tuple(sorted((name.lower(), value) for name, value in (headers or {}).items()))
        if keep is not None and decode is None:
            raise ValueError("a keeper stores a decoded reading: pass the decode hook too")
        key: _MemoKey = (
            method.upper(),
            url,
            accept,
            extra,
            decode,
            keep,
            id(cache) if cache is not None else 0,
        )
        known = self._answers.get(key)
        if known is not None:
            return known
        task = self._memo.get(key)
        if task is None:
            clean_url, credentials = split_credentials(url)
            call = _Call(
                method=method.upper(),
                url=clean_url,
                credentials=credentials,
                accept=accept,
                headers=dict(extra),
                decode=decode,
                registry=registry or host_of(clean_url),
                keep=keep,
            )
            if not eventloop.running():
                # No event loop (a warm CLI run, see depcheck.eventloop): the cache answers, or
                # NeedsLoop says the request must be sent from one.
                answer, _, _ = self._from_cache(call, cache, ttl, quiet=True)
                if answer is None:
                    raise NeedsLoop(f"{call.method} {call.url} is not answered by the cache")
                self._answers[key] = answer
                return answer
            import asyncio

            task = asyncio.ensure_future(self._lookup(call, cache, ttl))
            self._memo[key] = task
        import asyncio

        # shield: one caller being cancelled must not cancel the lookup the others are awaiting.
        return await asyncio.shield(task)

    async def check_url(self, url: str) -> None:
        """Raise :class:`UrlRefused` when this client's ``url_guard`` refuses ``url`` (no guard: never).

        For callers that are about to hand the client a URL a registry gave them (a token realm)
        and want to say so when it is refused; :meth:`request` vets every URL by itself anyway.
        """
        if self.url_guard is not None:
            await self.url_guard(strip_credentials(url))

    def forget(self) -> None:
        """Drop this run's memoised answers (a long-running service calls this between runs)."""
        self._memo = {task_key: task for task_key, task in self._memo.items() if not task.done()}
        self._answers = {}

    # --- one lookup ---------------------------------------------------------------------------

    def _from_cache(
        self, call: _Call, cache: ResponseCache | None, ttl: float | None, *, quiet: bool = False
    ) -> tuple[HttpResponse | None, CacheEntry | None, str | None]:
        """``(answer, None, key)`` when the cache answers ``call`` (fresh, or any age offline), else
        ``(None, entry, key)`` with the stale entry to revalidate, if any. Offline, a miss is
        :class:`~depcheck.registries.interface.OfflineMiss`. A damaged entry is logged and
        passed over, unless ``quiet`` (a first, loop-less attempt: the loop's attempt logs it)."""
        form = call.keep.form if call.keep is not None else None
        key = cache_key(call.method, call.url, call.accept, form) if cache is not None else None
        entry = cache.get(key) if cache is not None and key is not None else None
        if (
            entry is not None
            and entry.form is not None
            and (call.keep is None or entry.form != call.keep.form)
        ):
            logger.debug(
                "cached answer for %s is kept as %s, not read here; asking again", call.url, entry.form
            )
            entry = None

        if entry is not None and cache is not None:
            fresh = entry.age() <= cache.ttl_for(entry.status, ttl)
            if fresh or self.offline:
                try:
                    return self._from_entry(entry, call), None, key
                except InvalidBody as exc:
                    if self.offline:
                        raise RegistryProtocolError(
                            call.registry, f"cached answer unusable: {exc.reason}"
                        ) from exc
                    if not quiet:
                        logger.warning(
                            "cached answer for %s is unusable (%s); asking again", call.url, exc.reason
                        )
                    entry = None
        if self.offline:
            raise OfflineMiss(call.registry, f"offline and no cached answer for {call.url}")
        return None, entry, key

    async def _lookup(self, call: _Call, cache: ResponseCache | None, ttl: float | None) -> HttpResponse:
        answer, entry, key = self._from_cache(call, cache, ttl)
        if answer is not None:
            return answer

        conditional = dict(call.headers)
        if entry is not None and entry.status == 200:
            if entry.etag:
                conditional["if-none-match"] = entry.etag
            elif entry.last_modified:
                conditional["if-modified-since"] = entry.last_modified

        response = await self._with_retries(replace(call, headers=conditional))

        if response.status == 304 and entry is not None and cache is not None and key is not None:
            refreshed = entry.refreshed(response.headers)
            try:
                answer = self._from_entry(refreshed, call)
            except InvalidBody as exc:
                logger.warning(
                    "revalidated answer for %s is unusable (%s); asking again", call.url, exc.reason
                )
                response = await self._with_retries(call)
            else:
                cache.set(key, refreshed)
                logger.debug("%s not modified; cached answer refreshed", call.url)
                return replace(answer, revalidated=True)

        if cache is not None and key is not None and response.status in CACHED_STATUSES:
            kept = {header: value for header, value in response.headers.items() if header in KEPT_HEADERS}
            if call.keep is not None and response.ok:
                stored = CacheEntry(
                    response.status, call.keep.dump(response.decoded), kept, time.time(), call.keep.form
                )
            else:
                stored = CacheEntry(response.status, response.body, kept, time.time())
            cache.set(key, stored)
        return response

    @staticmethod
    def _from_entry(entry: CacheEntry, call: _Call) -> HttpResponse:
        if entry.form is not None and call.keep is not None:
            try:
                decoded = call.keep.load(entry.body)
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise InvalidBody(f"the kept reading ({entry.form}) is damaged: {exc}") from exc
            return HttpResponse(
                url=call.url,
                status=entry.status,
                headers=entry.headers,
                body=b"",
                from_cache=True,
                decoded=decoded,
            )
        answer = HttpResponse(
            url=call.url, status=entry.status, headers=entry.headers, body=entry.body, from_cache=True
        )
        if call.decode is not None and answer.ok:
            answer = replace(answer, decoded=call.decode(answer))
        return answer

    async def _with_retries(self, call: _Call) -> HttpResponse:
        import asyncio  # the network path runs in an event loop; see depcheck.eventloop

        # The total timeout runs from the moment this lookup first gets a connection slot, not
        # from when it was queued: an audit of hundreds of projects queues most lookups behind the
        # per-host limit, and waiting in line is not the registry failing to answer.
        deadline = math.inf
        last: _Failure | None = None
        bad_body: InvalidBody | None = None
        attempt = 0
        while attempt < self.attempts:
            attempt += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                async with self._semaphore(call.url):
                    if deadline == math.inf:
                        deadline = time.monotonic() + self.total_timeout
                        remaining = self.total_timeout
                    async with asyncio.timeout(remaining):
                        response = await self._send(call)
                if call.decode is not None and response.ok:
                    response = replace(response, decoded=call.decode(response))
                return response
            except _Failure as failure:
                last, bad_body = failure, None
            except InvalidBody as exc:
                bad_body, last = exc, _Failure(exc.reason)
            except TimeoutError:
                last = _Failure(f"no answer within the total timeout of {self.total_timeout} s")
                bad_body = None
                break
            if attempt >= self.attempts:
                break
            delay = self._backoff(attempt, last.retry_after)
            if time.monotonic() + delay > deadline:
                break
            logger.info(
                "%s: %s (attempt %d of %d); retrying in %.2f s",
                call.registry,
                last.reason,
                attempt,
                self.attempts,
                delay,
            )
            await asyncio.sleep(delay)
        if last is None:  # total_timeout <= 0: not one attempt fitted
            last = _Failure(f"no answer within the total timeout of {self.total_timeout} s")
        plural = "attempt" if attempt == 1 else "attempts"
        if bad_body is not None:
            raise RegistryProtocolError(call.registry, f"{bad_body.reason} after {attempt} {plural}")
        if last.status is not None:
            raise RegistryUnavailable(call.registry, f"{last.reason} after {attempt} {plural}")
        raise RegistryUnavailable(call.registry, f"{last.reason} ({attempt} {plural})")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        # Full jitter (AWS architecture blog): spreads retries of many clients evenly.
        return self._rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))

    def _semaphore(self, url: str) -> asyncio.Semaphore:
        import asyncio

        host = host_of(url)
        semaphore = self._semaphores.get(host)
        if semaphore is None:
            semaphore = self._semaphores[host] = asyncio.Semaphore(self.concurrency_per_host)
        return semaphore

    async def _vet(self, call: _Call, url: str, hops: int) -> None:
        """Run the url guard on the request about to go to ``url`` (hop ``hops`` of ``call``)."""
        if self.url_guard is None:
            return
        shown = strip_credentials(url)
        try:
            await self.url_guard(shown)
        except UrlRefused as exc:
            if hops == 0:
                raise RequestRefused(call.registry, f"not asking {shown}, {exc.reason}") from exc
            raise RequestRefused(call.registry, f"redirected to {shown}, {exc.reason}; not followed") from exc

    async def _send(self, call: _Call) -> HttpResponse:
        from depcheck.registries._httpx import httpx  # loaded by _network() below at the latest

        request_headers = {"user-agent": self.user_agent, **call.headers}
        if call.accept is not None:
            request_headers["accept"] = call.accept
        credentials = call.credentials
        if credentials is None:
            credentials = self._netrc.lookup(urlsplit(call.url).hostname or "")
        auth = httpx.BasicAuth(*credentials) if credentials is not None else None
        network = self._network()
        request = network.build_request(call.method, call.url, headers=request_headers)
        hops = 0
        while True:
            # Each hop is vetted before it is sent; httpx built it as it would have when following
            # redirects itself (the method a 303 asks for, no Authorization on another origin).
            await self._vet(call, str(request.url), hops)
            # The caller holds this host's connection slot (see _with_retries).
            self.requests_sent += 1
            logger.debug("%s %s", request.method, request.url)
            try:
                # Credentials go with the first request only; httpx keeps the header on a hop to
                # the same origin and drops it on a hop elsewhere.
                response = await network.send(
                    request, auth=auth if hops == 0 else None, follow_redirects=False
                )
            except UrlRefused as exc:  # from the connect guard, at the moment of connecting
                raise RequestRefused(call.registry, f"not connecting to {exc.url}, {exc.reason}") from exc
            except httpx.TimeoutException as exc:
                raise _Failure(f"timed out after {self.timeout} s") from exc
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # The server closed or reset the connection without a (complete) answer; also a
                # redirect whose Location is not a URL.
                raise _Failure(_in_words("connection reset", exc)) from exc
            except httpx.ConnectError as exc:
                raise _Failure(_in_words("cannot connect", exc)) from exc
            except httpx.TransportError as exc:  # write errors, proxy errors, protocol errors
                raise _Failure(f"{type(exc).__name__}: {exc}") from exc
            if response.next_request is None:
                break
            hops += 1
            if hops > MAX_REDIRECTS:
                raise RegistryProtocolError(
                    call.registry, f"more than {MAX_REDIRECTS} redirects from {call.url}"
                )
            request = response.next_request
        final_url, _ = split_credentials(str(response.url))
        answer = HttpResponse(
            url=final_url, status=response.status_code, headers=_headers(response), body=response.content
        )
        if answer.status >= 500 or answer.status == 429:
            raise _Failure(f"HTTP {answer.status}", _retry_after(answer.headers), answer.status)
        return answer


def json_body(response: HttpResponse) -> Any:
    """The body parsed as JSON, or :class:`InvalidBody` (a truncated or garbled answer) to retry."""
    try:
        return orjson.loads(response.body)
    except orjson.JSONDecodeError as exc:
        raise InvalidBody(f"invalid JSON from {response.url}: {exc}") from exc
