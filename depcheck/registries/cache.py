"""The persistent cache of registry answers, so a second run (or a parallel hook) asks nothing twice.

Entries are keyed by ``(method, url, accept)`` with any credentials taken out of the URL, and hold
what is needed to answer again or to revalidate: status, body, the few headers callers read,
``ETag``/``Last-Modified`` and the time of the fetch. Freshness is judged by the reader
(:mod:`depcheck.registries.http`) against a TTL, so one stored answer can serve a short-lived
lookup and ``--offline`` alike. Backends implement :class:`ResponseCache` (``get``/``set``):
:class:`DiskCache` on ``diskcache`` (SQLite, safe when several processes share the directory,
as pre-commit hooks running in parallel do), :class:`MemoryCache` for one process, and
:class:`NullCache` for ``--no-cache``. A Redis backend would be one more subclass.

Entries are stored as plain dicts with a schema number rather than pickled classes, so that a
cache written by another depcheck version is read as a miss instead of failing to unpickle. An
entry's ``form`` says what its body is: ``None`` for the registry's own bytes, else the name of
the reading the caller kept instead (a PyPI page reduced to its releases is a tenth of the raw
JSON and needs no parsing when read back; see :class:`~depcheck.registries.http.Keeper`).
"""

from __future__ import annotations

import abc
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import diskcache

logger = logging.getLogger(__name__)

DEFAULT_TTL = 600.0
"""Seconds a stored answer is used without asking again (PyPI's Simple pages say ``max-age=600``)."""

DEFAULT_NOT_FOUND_TTL = 120.0
"""Seconds a stored 404 is trusted: shorter, since a project may be published any minute."""

SCHEMA = 2
"""The layout of a stored entry; bump it when :meth:`CacheEntry.to_dict` changes."""

CACHED_STATUSES = frozenset({200, 404})
"""Answers worth keeping: the facts themselves and "no such name" (so an invented name is asked once)."""


@dataclass(frozen=True)
class CacheEntry:
    """One stored answer: status, body, the headers worth keeping and when it was fetched (Unix time).

    ``form`` is ``None`` when ``body`` is the registry's own bytes, else the name (with its layout
    version) of the reading kept in their place.
    """

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    fetched_at: float = 0.0
    form: str | None = None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    def age(self, now: float | None = None) -> float:
        """Seconds since the answer was fetched (or last revalidated)."""
        return (time.time() if now is None else now) - self.fetched_at

    def refreshed(self, headers: Mapping[str, str], now: float | None = None) -> CacheEntry:
        """The entry after a ``304 Not Modified``: same body, new fetch time, updated validators."""
        merged = dict(self.headers)
        for name in ("etag", "last-modified"):
            if name in headers:
                merged[name] = headers[name]
        return replace(self, headers=merged, fetched_at=time.time() if now is None else now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "status": self.status,
            "body": self.body,
            "headers": dict(self.headers),
            "fetched_at": self.fetched_at,
            "form": self.form,
        }

    @classmethod
    def from_dict(cls, data: object) -> CacheEntry | None:
        """The entry stored as ``data``, or ``None`` when it was written in another layout."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            return None
        status, body, headers, fetched_at, form = (
            data.get("status"),
            data.get("body"),
            data.get("headers"),
            data.get("fetched_at"),
            data.get("form"),
        )
        if not (
            isinstance(status, int)
            and isinstance(body, bytes)
            and isinstance(headers, dict)
            and isinstance(fetched_at, int | float)
            and (form is None or isinstance(form, str))
        ):
            return None
        return cls(status=status, body=body, headers=dict(headers), fetched_at=float(fetched_at), form=form)


def strip_credentials(url: str) -> str:
    """``url`` without ``user:password@`` (the key and every message must not hold secrets)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=host))


def cache_key(method: str, url: str, accept: str | None, form: str | None = None) -> str:
    """The key one request is stored under: method, credential-free URL and ``Accept``, and the
    ``form`` of a kept reading (two readings of one answer are kept side by side)."""
    key = f"{method.upper()} {strip_credentials(url)} {accept or ''}"
    return f"{key} kept-as {form}" if form is not None else key


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$DEPCHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/depcheck``, else ``~/.cache/depcheck``."""
    env = os.environ if environ is None else environ
    explicit = env.get("DEPCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "depcheck"
    return Path.home() / ".cache" / "depcheck"


class ResponseCache(abc.ABC):
    """Where answers are kept between lookups. ``ttl``/``not_found_ttl`` are the default freshness."""

    def __init__(self, ttl: float = DEFAULT_TTL, not_found_ttl: float = DEFAULT_NOT_FOUND_TTL) -> None:
        self.ttl = ttl
        self.not_found_ttl = not_found_ttl

    @abc.abstractmethod
    def get(self, key: str) -> CacheEntry | None:
        """The entry stored under ``key`` whatever its age, or ``None``."""

    @abc.abstractmethod
    def set(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` under ``key``, replacing what was there."""

    def close(self) -> None:
        """Release files or connections (a no-op for in-memory backends)."""
        return

    def ttl_for(self, status: int, ttl: float | None = None) -> float:
        """How long an answer with ``status`` stays fresh; ``ttl`` overrides the default for 2xx."""
        if status == 404:
            return self.not_found_ttl if ttl is None else min(ttl, self.not_found_ttl)
        return self.ttl if ttl is None else ttl


class NullCache(ResponseCache):
    """``--no-cache``: remembers nothing, so every lookup goes to the registry (once per run)."""

    def get(self, key: str) -> CacheEntry | None:
        return None

    def set(self, key: str, entry: CacheEntry) -> None:
        return


class MemoryCache(ResponseCache):
    """A dict in this process: for tests and for a long-running service without a cache directory."""

    def __init__(self, ttl: float = DEFAULT_TTL, not_found_ttl: float = DEFAULT_NOT_FOUND_TTL) -> None:
        super().__init__(ttl, not_found_ttl)
        self._entries: dict[str, CacheEntry] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CacheEntry | None:
        with self._lock:
            return self._entries.get(key)

    def set(self, key: str, entry: CacheEntry) -> None:
        with self._lock:
            self._entries[key] = entry

    def __len__(self) -> int:
        return len(self._entries)


class DiskCache(ResponseCache):
    """A ``diskcache.Cache`` in ``directory`` (default :func:`default_cache_dir`).

    ``diskcache`` keeps small values in SQLite and large bodies in files beside it, and takes
    SQLite's locks, so several depcheck processes can read and write the same directory at once.
    """

    def __init__(
        self,
        directory: Path | str | None = None,
        ttl: float = DEFAULT_TTL,
        not_found_ttl: float = DEFAULT_NOT_FOUND_TTL,
    ) -> None:
        super().__init__(ttl, not_found_ttl)
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._cache = diskcache.Cache(str(self.directory))

    def get(self, key: str) -> CacheEntry | None:
        data = self._cache.get(key)
        if data is None:
            return None
        entry = CacheEntry.from_dict(data)
        if entry is None:
            logger.debug("cache entry for %s was written in another layout; ignoring it", key)
        return entry

    def set(self, key: str, entry: CacheEntry) -> None:
        self._cache.set(key, entry.to_dict())

    def close(self) -> None:
        self._cache.close()
