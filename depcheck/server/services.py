"""The registry clients one service process shares across all its requests, and the guard around them.

:func:`open_services` creates, once per process (on application start-up), one
:class:`~depcheck.registries.http.HttpClient`, one response cache (a folder through ``diskcache``,
Redis for a fleet, or nothing), and one :class:`~depcheck.registries.docker.DockerRegistry`;
they are closed on clean-up. Two things differ from a CLI run, which lives for one audit:

- **Answers must age.** The HTTP client keeps every answer of a run in memory, and the PyPI
  client its parsed projects. A service would then never see a new release, so
  :meth:`Services.finished` drops the HTTP client's completed answers after each request, and
  decoded answers are kept only for a minute (:mod:`depcheck.server.recent`), after which they
  come from the cache until its TTL runs out, then from the registry. Identical lookups that are
  *in flight* are shared between concurrent requests.
- **A client may name registries** (an ``-i`` or ``--extra-index-url`` line, an image on ``ghcr.io``, an ``index_url``
  option): :class:`GuardedVerifier` asks only those the
  :class:`~depcheck.server.security.RegistryGuard` allows, and reports the others as
  ``unresolved`` with the reason, so the rest of the audit goes on.
- **A registry may point elsewhere** (a redirect, a token realm): the same guard is the HTTP
  client's ``url_guard``, so every URL is vetted before it is asked, each redirect hop included;
  one that leads to a non-public address is a ``registry-error`` for the dependencies that needed
  it. It is also the client's ``connect_guard``: each connection goes to the addresses the guard
  vetted, never to a later DNS answer (no DNS rebinding). The guard's resolved names are
  forgotten after each request, with the HTTP answers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

from depcheck.audit import AuditOptions, Verification, Verifier
from depcheck.commands.common import Settings, open_registries
from depcheck.model import Dependency, Ecosystem, Finding
from depcheck.policy import Policy
from depcheck.registries.cache import DiskCache, NullCache, ResponseCache
from depcheck.registries.docker_auth import normalise_host
from depcheck.registries.find_links import FindLinksReader
from depcheck.registries.http import HttpClient
from depcheck.registries.interface import PackageIndex, ProjectFacts
from depcheck.registries.redis_cache import RedisCache, RedisCacheError, is_redis_url
from depcheck.registries.union import UnionIndex
from depcheck.rules import RULES, check_static
from depcheck.server.config import ServerConfig
from depcheck.server.metrics import CountingCache, CountingImages, CountingIndex, ServiceMetrics
from depcheck.server.recent import Recent, RecentImages, RecentIndex
from depcheck.server.security import RegistryGuard, RegistryNotAllowed, Resolver
from depcheck.verify import RegistryVerifier, needs_lookup

logger = logging.getLogger(__name__)

RECENT_TTL = 60.0
"""Seconds a decoded registry answer is reused across requests (see :mod:`depcheck.server.recent`)."""


class ServiceStartError(Exception):
    """The service cannot start: the shared cache cannot be reached (a missing index is a
    :class:`~depcheck.errors.UsageError` from the registry set-up)."""


class _DefaultIndex(PackageIndex):
    """``inner`` with one request's default index (``index_url`` in the audit options)."""

    def __init__(self, inner: PackageIndex, index_url: str) -> None:
        self.inner = inner
        self.index_url = index_url

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        return await self.inner.project(name, index_url or self.index_url)


@dataclass
class Services:
    """What every request of one process shares. Build with :func:`open_services`."""

    http: HttpClient
    cache: ResponseCache
    projects: RecentIndex
    images: CountingImages
    guard: RegistryGuard
    metrics: ServiceMetrics
    index_url: str
    extra_index_urls: tuple[str, ...] = ()
    """The operator's extra indexes, asked besides the index (a request's or the default) as pip does."""

    def index(self, index_url: str | None = None) -> PackageIndex:
        """The PyPI client for one request: ``index_url`` (already allowed by the guard) or the default."""
        return CountingIndex(_DefaultIndex(self.projects, index_url or self.index_url), self.metrics)

    def lookup_index(self, index_url: str | None = None) -> PackageIndex:
        """:meth:`index` together with the extra indexes, merged as pip sees them (the lookup routes)."""
        if not self.extra_index_urls:
            return self.index(index_url)
        return UnionIndex(self.index(index_url), self.extra_index_urls, index_url=index_url or self.index_url)

    def verifier(self, index_url: str | None = None) -> Verifier:
        """The verifier for one audit: guarded, over the shared clients (it plans its own lookups
        on the extra indexes)."""
        inner = RegistryVerifier(
            self.index(index_url),
            self.images,
            index_url=index_url or self.index_url or None,
            extra_index_urls=self.extra_index_urls,
            # Only pages a file names and the guard allowed (no folder: the server's disk is not read).
            links=FindLinksReader(self.http, self.cache),
        )
        return GuardedVerifier(inner, self.guard)

    def finished(self) -> None:
        """Called after each request: forget completed HTTP answers, so they age through the cache,
        and the names the guard resolved, so that a host's new addresses are seen."""
        self.http.forget()
        self.guard.forget()


def build_cache(config: ServerConfig, metrics: ServiceMetrics) -> ResponseCache:
    """The response cache ``config`` asks for, counted in ``metrics``."""
    if config.no_cache:
        return CountingCache(NullCache(), metrics, "none")
    if config.cache is not None and is_redis_url(config.cache):
        try:
            redis_cache = RedisCache(
                config.cache,
                ttl=config.cache_ttl,
                on_error=lambda: metrics.cache_errors.labels("redis").inc(),
            )
            redis_cache.ping()
        except RedisCacheError as exc:
            raise ServiceStartError(str(exc)) from exc
        return CountingCache(redis_cache, metrics, "redis")
    try:
        disk = DiskCache(config.cache, ttl=config.cache_ttl)
    except OSError as exc:
        raise ServiceStartError(f"cannot use the cache folder {config.cache}: {exc.strerror or exc}") from exc
    return CountingCache(disk, metrics, "disk")


@contextlib.asynccontextmanager
async def open_services(
    config: ServerConfig, metrics: ServiceMetrics, *, resolver: Resolver | None = None
) -> AsyncIterator[Services]:
    """The shared clients for one process, closed when the process stops serving.

    The clients are built by :func:`depcheck.commands.common.open_registries`, as for the CLI
    (the same registry settings, credentials and timeouts), over this service's cache.
    """
    project = dataclasses.replace(
        config.project,
        index_url=config.index_url or config.project.index_url,
        docker_hub_url=config.docker_hub_url or config.project.docker_hub_url,
    )
    settings = Settings(
        config=project,
        options=AuditOptions(),
        args=argparse.Namespace(offline=config.offline, no_cache=config.no_cache, quiet=True),
    )
    guard = RegistryGuard(
        config.allowed_registries, allow_private=config.allow_private_registries, resolver=resolver
    )
    cache = build_cache(config, metrics)
    try:
        async with open_registries(
            settings, cache=cache, url_guard=guard.check_request, connect_guard=guard.connect_addresses
        ) as (
            index,
            images,
        ):
            index_url = index.index_url or ""
            extra_index_urls = settings.extra_index_urls
            # The operator's registries are asked as configured; a client may name the indexes too.
            guard.trust(index_url, *extra_index_urls, index=True)
            guard.trust(images.hub_url, *images.endpoints.values())
            metrics.count_upstream_requests(lambda: index.http.requests_sent)
            # Decoded answers are kept a minute at most, and not at all without a cache.
            memo_ttl = 0.0 if config.no_cache else min(RECENT_TTL, config.cache_ttl)
            yield Services(
                http=index.http,
                cache=cache,
                projects=RecentIndex(index.http, cache, index_url, Recent(memo_ttl, metrics)),
                images=CountingImages(RecentImages(images, Recent(memo_ttl, metrics)), metrics),
                guard=guard,
                metrics=metrics,
                index_url=index_url,
                extra_index_urls=extra_index_urls,
            )
    finally:
        cache.close()


def not_allowed(dependency: Dependency, error: RegistryNotAllowed) -> Finding:
    """The ``unresolved`` finding for a dependency whose registry the service will not ask."""
    return Finding.about(
        dependency,
        "unresolved",
        RULES["unresolved"].severity,
        f"{dependency.name} was not verified: this service does not ask {error.registry}: {error.reason}",
    )


def _client_registries(dependency: Dependency) -> tuple[tuple[str, str], ...]:
    """``("url", index)`` for each index ``dependency`` names (its ``--index-url`` and, since pip
    asks them too, its file's ``--extra-index-url`` and ``--find-links`` lines: a find-links folder
    is refused, as no URL), or ``("image", host)`` for an image on a registry other than Docker
    Hub; empty when it names none."""
    if not needs_lookup(dependency):
        return ()
    if dependency.ecosystem is Ecosystem.PYPI:
        named = (dependency.index_url, *dependency.extra_index_urls, *dependency.find_links)
        return tuple(("url", url) for url in named if url)
    if dependency.registry is None or normalise_host(dependency.registry) == "docker.io":
        return ()
    return (("image", dependency.registry),)


class GuardedVerifier(Verifier):
    """Verifies through ``inner`` only the dependencies whose registries ``guard`` allows."""

    def __init__(self, inner: Verifier, guard: RegistryGuard) -> None:
        self.inner = inner
        self.guard = guard

    async def _check(self, registry: tuple[str, str]) -> RegistryNotAllowed | None:
        kind, target = registry
        try:
            if kind == "url":
                await self.guard.check_url(target)
            else:
                await self.guard.check_image_registry(target)
        except RegistryNotAllowed as exc:
            logger.info("not asking %s: %s", exc.registry, exc.reason)
            return exc
        return None

    async def verify(self, dependencies: Sequence[Dependency], policy: Policy) -> Verification:
        named = {dependency: _client_registries(dependency) for dependency in dependencies}
        distinct = sorted({registry for registries in named.values() for registry in registries})
        verdicts: Mapping[tuple[str, str], RegistryNotAllowed | None] = dict(
            zip(distinct, await asyncio.gather(*(self._check(item) for item in distinct)), strict=True)
        )
        blocked: dict[Dependency, RegistryNotAllowed] = {}
        for dependency, registries in named.items():
            # One index it may not ask is enough: pip would ask them all, and the answer could
            # come from that one.
            verdict = next((v for registry in registries if (v := verdicts[registry]) is not None), None)
            if verdict is not None:
                blocked[dependency] = verdict
        allowed = [dependency for dependency in dependencies if dependency not in blocked]
        verification = await self.inner.verify(allowed, policy)
        if not blocked:
            return verification
        findings = dict(verification.findings)
        for dependency, error in blocked.items():
            findings[dependency] = [*check_static(dependency), not_allowed(dependency, error)]
        return Verification(
            findings=findings,
            resolved=verification.resolved,
            registry_failed=verification.registry_failed,
        )


__all__ = [
    "GuardedVerifier",
    "ServiceStartError",
    "Services",
    "build_cache",
    "not_allowed",
    "open_services",
]
