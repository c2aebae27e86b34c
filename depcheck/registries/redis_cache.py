"""The registry response cache in Redis, so a fleet of ``depcheck serve`` replicas shares one cache.

``--cache redis://host:port/db`` (also ``rediss://`` and ``unix://``) selects it. Every replica
reads and writes the same entries, so a lookup one replica made is answered from the cache by the
others until its TTL runs out: each upstream lookup once per TTL for the whole fleet (two replicas
that miss at the same instant may both ask; nothing worse).

Entries are the same :class:`~depcheck.registries.cache.CacheEntry` records as on disk, stored as
JSON (the body base64-encoded) under ``depcheck:cache:v1:<key>``: never pickled, because whoever
can write to the Redis must not be able to run code in the service. Redis keeps an entry for
``retention`` seconds (default a day, and never less than the TTLs): freshness is still judged
by the HTTP layer against the TTL, and a stale entry kept past it lets the layer revalidate with
its ``ETag`` instead of downloading the page again.

The interface is synchronous (:class:`~depcheck.registries.cache.ResponseCache`), as the disk
cache's is; a Redis round trip on the local network is well under a millisecond, and
``socket_timeout`` bounds the rare slow one. When Redis fails, the lookup goes on without the
cache: the error is logged (once per ``retry_pause`` window, during which Redis is not asked, so
a dead Redis does not slow every lookup) and counted in :attr:`RedisCache.errors`.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from depcheck.registries.cache import (
    DEFAULT_NOT_FOUND_TTL,
    DEFAULT_TTL,
    CacheEntry,
    ResponseCache,
    strip_credentials,
)

logger = logging.getLogger(__name__)

PREFIX = "depcheck:cache:v1:"
DEFAULT_RETENTION = 86_400.0
"""Seconds Redis keeps an entry (for revalidation after its TTL); at least the longest TTL."""

SCHEMES = ("redis", "rediss", "unix")


class RedisCacheError(Exception):
    """The Redis URL is not usable, or Redis cannot be reached at start-up."""


def is_redis_url(text: str) -> bool:
    """Whether ``--cache`` names a Redis server rather than a folder."""
    return text.split("://", 1)[0].lower() in SCHEMES and "://" in text


def encode_entry(entry: CacheEntry) -> bytes:
    """``entry`` as JSON (body base64-encoded): what is stored in Redis."""
    data = entry.to_dict()
    data["body"] = base64.b64encode(entry.body).decode("ascii")
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def decode_entry(raw: bytes) -> CacheEntry | None:
    """The entry ``raw`` holds, or ``None`` when it was written in another layout (a miss)."""
    try:
        data: Any = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("body"), str):
            return None
        data["body"] = base64.b64decode(data["body"], validate=True)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
    return CacheEntry.from_dict(data)


class RedisCache(ResponseCache):
    """Entries in Redis at ``url``; ``client`` replaces the connection (tests)."""

    def __init__(
        self,
        url: str,
        ttl: float = DEFAULT_TTL,
        not_found_ttl: float = DEFAULT_NOT_FOUND_TTL,
        *,
        retention: float = DEFAULT_RETENTION,
        socket_timeout: float = 1.0,
        retry_pause: float = 5.0,
        prefix: str = PREFIX,
        client: redis.Redis | None = None,
        on_error: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(ttl, not_found_ttl)
        if not is_redis_url(url):
            raise RedisCacheError(f"{url!r} is not a redis://, rediss:// or unix:// URL")
        self.url = strip_credentials(url)
        self.retention = max(retention, ttl, not_found_ttl)
        self.retry_pause = retry_pause
        self.prefix = prefix
        self.on_error = on_error
        self.errors = 0
        if client is None:
            try:
                client = redis.Redis.from_url(
                    url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
                )
            except ValueError as exc:  # a malformed URL: bad port, unknown scheme option
                raise RedisCacheError(f"{self.url}: {exc}") from exc
        self._client = client
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def ping(self) -> None:
        """Raise :class:`RedisCacheError` unless Redis answers (checked once at start-up)."""
        try:
            self._client.ping()
        except redis.RedisError as exc:
            raise RedisCacheError(f"cannot reach the Redis cache at {self.url}: {exc}") from exc

    def _available(self) -> bool:
        with self._lock:
            return time.monotonic() >= self._paused_until

    def _failed(self, action: str, key: str, exc: redis.RedisError) -> None:
        with self._lock:
            self.errors += 1
            self._paused_until = time.monotonic() + self.retry_pause
        if self.on_error is not None:
            self.on_error()
        logger.warning(
            "Redis cache at %s failed to %s %s (%s); going on without the cache for %.0f s",
            self.url,
            action,
            key,
            exc,
            self.retry_pause,
        )

    def get(self, key: str) -> CacheEntry | None:
        if not self._available():
            return None
        try:
            raw = self._client.get(self.prefix + key)
        except redis.RedisError as exc:
            self._failed("read", key, exc)
            return None
        if raw is None:
            return None
        entry = decode_entry(raw) if isinstance(raw, bytes) else None
        if entry is None:
            logger.debug("Redis entry for %s was written in another layout; ignoring it", key)
        return entry

    def set(self, key: str, entry: CacheEntry) -> None:
        if not self._available():
            return
        try:
            self._client.set(self.prefix + key, encode_entry(entry), ex=int(self.retention))
        except redis.RedisError as exc:
            self._failed("write", key, exc)

    def close(self) -> None:
        self._client.close()
