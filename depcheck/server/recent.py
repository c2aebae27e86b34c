"""Registry answers kept in memory for a short while, shared by every request of one process.

The response cache holds raw pages; turning a large Simple API page back into releases (tens of
thousands of files for some projects) costs far more than serving the request around it. A CLI
run decodes each page once; a service would decode it again for every request. So the service
keeps each decoded answer (:class:`~depcheck.registries.interface.ProjectFacts`,
:class:`~depcheck.registries.interface.ImageFacts`) for ``ttl`` seconds (a minute by default,
never longer than the cache's own TTL), and requests that need the same answer at the same time
share one lookup. Failures are not kept: the next request asks again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Generic, TypeVar

from packaging.utils import canonicalize_name

from depcheck.registries.cache import ResponseCache
from depcheck.registries.http import HttpClient
from depcheck.registries.interface import ImageFacts, ImageRegistry, PackageIndex, ProjectFacts
from depcheck.registries.pypi import SimpleIndex
from depcheck.server.metrics import ServiceMetrics

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ENTRIES = 20_000
"""Answers kept at most; past it, expired ones are dropped, then the oldest."""


class Recent(Generic[T]):
    """Answers by key for ``ttl`` seconds, with concurrent lookups of one key shared."""

    def __init__(
        self, ttl: float, metrics: ServiceMetrics | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.metrics = metrics
        self.clock = clock
        self._answers: dict[Hashable, tuple[float, T]] = {}
        self._pending: dict[Hashable, asyncio.Task[T]] = {}

    def _count(self, hit: bool) -> None:
        if self.metrics is not None:
            counter = self.metrics.cache_hits if hit else self.metrics.cache_misses
            counter.labels("memory").inc()

    async def get(self, key: Hashable, lookup: Callable[[], Awaitable[T]]) -> T:
        now = self.clock()
        kept = self._answers.get(key)
        if kept is not None and kept[0] > now:
            self._count(hit=True)
            return kept[1]
        self._count(hit=False)
        task = self._pending.get(key)
        if task is None:
            task = asyncio.ensure_future(lookup())
            self._pending[key] = task
            task.add_done_callback(lambda done: self._settled(key, done))
        # shield: one request timing out must not cancel a lookup others are waiting for.
        answer = await asyncio.shield(task)
        if self.ttl > 0:
            self._keep(key, answer)
        return answer

    def _settled(self, key: Hashable, task: asyncio.Task[T]) -> None:
        self._pending.pop(key, None)
        # Retrieve the outcome here, so that a lookup whose requests all went away (timed out,
        # disconnected) and then failed is logged once, not reported by asyncio as never retrieved.
        if not task.cancelled() and task.exception() is not None:
            logger.debug("lookup %s failed: %s", key, task.exception())

    def _keep(self, key: Hashable, answer: T) -> None:
        now = self.clock()
        if len(self._answers) >= MAX_ENTRIES:
            self._answers = {k: v for k, v in self._answers.items() if v[0] > now}
            while len(self._answers) >= MAX_ENTRIES:
                del self._answers[next(iter(self._answers))]
        self._answers[key] = (now + self.ttl, answer)


class RecentIndex(PackageIndex):
    """PyPI facts kept for a while; a miss asks a fresh :class:`SimpleIndex` over the shared client."""

    def __init__(
        self, http: HttpClient, cache: ResponseCache, index_url: str, recent: Recent[ProjectFacts]
    ) -> None:
        self.http = http
        self.cache = cache
        self.index_url = index_url
        self.recent = recent

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        index = index_url or self.index_url
        simple = SimpleIndex(self.http, index_url=index, cache=self.cache)
        return await self.recent.get(("pypi", index, canonicalize_name(name)), lambda: simple.project(name))


class RecentImages(ImageRegistry):
    """Image facts kept for a while, over the shared image registry client."""

    def __init__(self, inner: ImageRegistry, recent: Recent[ImageFacts]) -> None:
        self.inner = inner
        self.recent = recent

    async def image(self, registry: str | None, repository: str) -> ImageFacts:
        return await self.recent.get(
            ("image", registry, repository), lambda: self.inner.image(registry, repository)
        )

    async def digest(self, registry: str | None, repository: str, tag: str) -> str | None:
        return await self.inner.digest(registry, repository, tag)

    async def fill_digests(self, facts: ImageFacts, tags: Iterable[str]) -> ImageFacts:
        fill = getattr(self.inner, "fill_digests", None)
        if fill is None:
            return facts
        filled = await fill(facts, tags)
        assert isinstance(filled, ImageFacts)
        return filled
