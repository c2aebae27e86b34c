"""The service's Prometheus metrics, and the thin wrappers that count registry work.

``GET /metrics`` answers in the Prometheus text format (0.0.4) from one
:class:`prometheus_client.CollectorRegistry` per application, so two apps in one process (tests)
never mix their numbers. What is counted:

- ``depcheck_http_requests_total{route,method,status}`` and
  ``depcheck_http_request_duration_seconds{route}``: every request, by the route *pattern*
  (``/v1/pypi/{name}/latest``), so an unknown path cannot grow the label set (it counts as
  ``unmatched``); ``depcheck_http_requests_in_flight``;
- ``depcheck_registry_lookups_total{ecosystem}`` and
  ``depcheck_registry_lookup_duration_seconds{ecosystem}``: lookups asked of the registry clients
  (each answered from memory, the cache or upstream);
- ``depcheck_upstream_errors_total{ecosystem,kind}``: lookups that failed (``kind`` is the
  :class:`~depcheck.registries.interface.RegistryError` subclass);
- ``depcheck_cache_hits_total`` / ``depcheck_cache_misses_total{backend}``: reads of the response
  cache that found a fresh answer, or found nothing or a stale one (stale means a revalidation
  request upstream); ``depcheck_cache_errors_total{backend}`` for a shared cache that failed;
- ``depcheck_upstream_requests_total``: HTTP requests that reached a registry, retries included,
  read from the shared HTTP client when scraped.

:class:`CountingIndex`, :class:`CountingImages` and :class:`CountingCache` wrap the real clients
and cache behind the same interfaces, so the clients themselves know nothing about metrics.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from depcheck.registries.cache import CacheEntry, ResponseCache
from depcheck.registries.interface import (
    ImageFacts,
    ImageRegistry,
    PackageIndex,
    ProjectFacts,
    RegistryError,
)

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""The Prometheus text format every scraper understands."""

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
UNMATCHED_ROUTE = "unmatched"


class _UpstreamRequests(Collector):
    """``depcheck_upstream_requests_total`` read from a counter the HTTP client keeps itself."""

    def __init__(self) -> None:
        self.source: Callable[[], int] | None = None

    def collect(self) -> Iterable[Metric]:
        family = CounterMetricFamily(
            "depcheck_upstream_requests",
            "HTTP requests sent to registries (retries included).",
        )
        family.add_metric([], float(self.source() if self.source is not None else 0))
        yield family

    def describe(self) -> Iterable[Metric]:
        return self.collect()


class ServiceMetrics:
    """Every metric of one service instance, registered in its own registry."""

    def __init__(self) -> None:
        # The ``*_created`` series (a timestamp per label set) double the output for nothing a
        # dashboard reads; the switch is process-wide, and this process is the service.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "depcheck_http_requests",
            "HTTP requests answered, by route pattern, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "depcheck_http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern.",
            ["route"],
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "depcheck_http_requests_in_flight", "HTTP requests being answered now.", registry=self.registry
        )
        self.lookups = Counter(
            "depcheck_registry_lookups",
            "Registry lookups asked of the clients, by ecosystem.",
            ["ecosystem"],
            registry=self.registry,
        )
        self.lookup_seconds = Histogram(
            "depcheck_registry_lookup_duration_seconds",
            "Time a registry lookup took (memory, cache or upstream), by ecosystem.",
            ["ecosystem"],
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.upstream_errors = Counter(
            "depcheck_upstream_errors",
            "Registry lookups that failed after retries, by ecosystem and kind of failure.",
            ["ecosystem", "kind"],
            registry=self.registry,
        )
        self.cache_hits = Counter(
            "depcheck_cache_hits",
            "Cache reads that found a fresh answer.",
            ["backend"],
            registry=self.registry,
        )
        self.cache_misses = Counter(
            "depcheck_cache_misses",
            "Cache reads that found nothing or a stale answer.",
            ["backend"],
            registry=self.registry,
        )
        self.cache_errors = Counter(
            "depcheck_cache_errors",
            "Cache reads or writes that failed (the lookup went on without the cache).",
            ["backend"],
            registry=self.registry,
        )
        self._upstream = _UpstreamRequests()
        self.registry.register(self._upstream)

    def count_upstream_requests(self, source: Callable[[], int] | None) -> None:
        """Read ``depcheck_upstream_requests_total`` from ``source`` (the HTTP client's counter)."""
        self._upstream.source = source

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.request_seconds.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class CountingIndex(PackageIndex):
    """A :class:`~depcheck.registries.interface.PackageIndex` that counts and times its lookups."""

    def __init__(self, inner: PackageIndex, metrics: ServiceMetrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        self.metrics.lookups.labels("pypi").inc()
        started = time.perf_counter()
        try:
            return await self.inner.project(name, index_url)
        except RegistryError as exc:
            self.metrics.upstream_errors.labels("pypi", type(exc).__name__).inc()
            raise
        finally:
            self.metrics.lookup_seconds.labels("pypi").observe(time.perf_counter() - started)


class CountingImages(ImageRegistry):
    """An :class:`~depcheck.registries.interface.ImageRegistry` that counts and times its lookups."""

    def __init__(self, inner: ImageRegistry, metrics: ServiceMetrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def fill_digests(self, facts: ImageFacts, tags: Iterable[str]) -> ImageFacts:
        """The wrapped client's ``fill_digests`` when it has one (OCI tag lists carry no digests)."""
        fill = getattr(self.inner, "fill_digests", None)
        if fill is None:
            return facts
        try:
            filled = await fill(facts, tags)
        except RegistryError as exc:
            self.metrics.upstream_errors.labels("docker", type(exc).__name__).inc()
            raise
        assert isinstance(filled, ImageFacts)
        return filled

    async def image(self, registry: str | None, repository: str) -> ImageFacts:
        self.metrics.lookups.labels("docker").inc()
        started = time.perf_counter()
        try:
            return await self.inner.image(registry, repository)
        except RegistryError as exc:
            self.metrics.upstream_errors.labels("docker", type(exc).__name__).inc()
            raise
        finally:
            self.metrics.lookup_seconds.labels("docker").observe(time.perf_counter() - started)

    async def digest(self, registry: str | None, repository: str, tag: str) -> str | None:
        try:
            return await self.inner.digest(registry, repository, tag)
        except RegistryError as exc:
            self.metrics.upstream_errors.labels("docker", type(exc).__name__).inc()
            raise


class CountingCache(ResponseCache):
    """A :class:`~depcheck.registries.cache.ResponseCache` that counts fresh hits and misses.

    Freshness is judged with the wrapped cache's default TTLs (what the registry clients use
    unless they pass their own), so a hit here is an answer given without asking upstream.
    """

    def __init__(self, inner: ResponseCache, metrics: ServiceMetrics, backend: str) -> None:
        super().__init__(inner.ttl, inner.not_found_ttl)
        self.inner = inner
        self.metrics = metrics
        self.backend = backend

    def get(self, key: str) -> CacheEntry | None:
        entry = self.inner.get(key)
        if entry is not None and entry.age() <= self.inner.ttl_for(entry.status):
            self.metrics.cache_hits.labels(self.backend).inc()
        else:
            self.metrics.cache_misses.labels(self.backend).inc()
        return entry

    def set(self, key: str, entry: CacheEntry) -> None:
        self.inner.set(key, entry)

    def close(self) -> None:
        self.inner.close()

    def ttl_for(self, status: int, ttl: float | None = None) -> float:
        return self.inner.ttl_for(status, ttl)


def iter_label_values(metric: Counter) -> Iterator[tuple[dict[str, str], float]]:
    """``(labels, value)`` for every sample of ``metric`` (tests and the benchmark read counters)."""
    for family in metric.collect():
        for sample in family.samples:
            if sample.name.endswith("_total"):
                yield dict(sample.labels), sample.value
