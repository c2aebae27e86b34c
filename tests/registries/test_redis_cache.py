"""The Redis response cache: what is stored, how a failing Redis is survived, and a real server
when ``DEPCHECK_TEST_REDIS_URL`` names one."""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

import pytest
import redis

from depcheck.registries.cache import CacheEntry
from depcheck.registries.redis_cache import (
    RedisCache,
    RedisCacheError,
    decode_entry,
    encode_entry,
    is_redis_url,
)

ENTRY = CacheEntry(
    status=200,
    body=b'{"name": "httpx"}\x00\xff',
    headers={"etag": '"abc"', "content-type": "application/vnd.pypi.simple.v1+json"},
    fetched_at=1_700_000_000.5,
)


class StubRedis:
    """The two calls the cache makes, on a dict; ``fail`` makes every call raise."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.expiry: dict[str, int] = {}
        self.fail = False
        self.calls = 0

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.fail:
            raise redis.ConnectionError("Connection refused")

    def get(self, key: str) -> bytes | None:
        self._maybe_fail()
        return self.data.get(key)

    def set(self, key: str, value: bytes, ex: int) -> None:
        self._maybe_fail()
        self.data[key] = value
        self.expiry[key] = ex

    def ping(self) -> bool:
        self._maybe_fail()
        return True

    def close(self) -> None:
        return


def stub_cache(**kwargs: Any) -> tuple[RedisCache, StubRedis]:
    stub = StubRedis()
    cache = RedisCache("redis://cache.internal:6379/0", client=stub, **kwargs)  # type: ignore[arg-type]
    return cache, stub


def test_redis_urls_are_told_from_folders() -> None:
    assert is_redis_url("redis://host:6379/0")
    assert is_redis_url("rediss://host/1")
    assert is_redis_url("unix:///run/redis.sock")
    assert not is_redis_url("/var/cache/depcheck")
    assert not is_redis_url("redis")


def test_entries_are_stored_as_json_not_pickles() -> None:
    raw = encode_entry(ENTRY)
    stored = json.loads(raw)
    assert stored["schema"] == 2
    assert stored["body"] == "eyJuYW1lIjogImh0dHB4In0A/w=="
    assert stored["form"] is None
    assert decode_entry(raw) == ENTRY


def test_a_kept_reading_keeps_its_form_through_redis() -> None:
    kept = CacheEntry(status=200, body=b'{"status":null}', headers={}, fetched_at=5.0, form="pypi-summary:5")
    stored = json.loads(encode_entry(kept))
    assert stored["form"] == "pypi-summary:5"
    assert decode_entry(encode_entry(kept)) == kept


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        b'{"schema": 1, "body": "!!"}',
        b'{"schema": 99, "body": ""}',
        b"\x80\x04pickle",
        b'{"schema": 1, "status": 200, "body": "", "headers": {}, "fetched_at": 0}',
    ],
)
def test_foreign_entries_are_misses(raw: bytes) -> None:
    assert decode_entry(raw) is None


def test_set_then_get_with_prefix_and_retention() -> None:
    cache, stub = stub_cache(ttl=600, retention=86_400)
    cache.set("GET http://index.example/simple/httpx/ application/json", ENTRY)
    assert list(stub.data) == ["depcheck:cache:v1:GET http://index.example/simple/httpx/ application/json"]
    assert list(stub.expiry.values()) == [86_400]
    assert cache.get("GET http://index.example/simple/httpx/ application/json") == ENTRY
    assert cache.get("GET http://index.example/simple/other/ application/json") is None


def test_retention_is_never_shorter_than_the_ttl() -> None:
    cache, _ = stub_cache(ttl=7200, retention=60)
    assert cache.retention == 7200


def test_a_failing_redis_is_a_miss_logged_and_paused(caplog: pytest.LogCaptureFixture) -> None:
    errors: list[int] = []
    cache, stub = stub_cache(retry_pause=60, on_error=lambda: errors.append(1))
    stub.fail = True
    assert cache.get("key") is None
    cache.set("key", ENTRY)  # paused: Redis is not asked again for a while
    assert cache.get("key") is None
    assert (stub.calls, cache.errors, len(errors)) == (1, 1, 1)
    assert (
        "Redis cache at redis://cache.internal:6379/0 failed to read key (Connection refused)" in caplog.text
    )


def test_ping_reports_an_unreachable_redis() -> None:
    cache, stub = stub_cache()
    stub.fail = True
    with pytest.raises(
        RedisCacheError, match=r"cannot reach the Redis cache at redis://cache\.internal:6379/0"
    ):
        cache.ping()


def test_credentials_stay_out_of_messages() -> None:
    stub = StubRedis()
    cache = RedisCache("redis://user:secret@cache.internal:6379/0", client=stub)  # type: ignore[arg-type]
    assert cache.url == "redis://cache.internal:6379/0"


def test_a_url_that_is_not_redis_is_refused() -> None:
    with pytest.raises(RedisCacheError, match="is not a redis://, rediss:// or unix:// URL"):
        RedisCache("/var/cache/depcheck")


REDIS_URL = os.environ.get("DEPCHECK_TEST_REDIS_URL")


@pytest.mark.skipif(
    not REDIS_URL, reason="needs a Redis server: set DEPCHECK_TEST_REDIS_URL (bash .ci/redis starts one)"
)
def test_a_real_redis_shares_entries_between_two_caches() -> None:
    assert REDIS_URL is not None
    prefix = f"depcheck:test:{uuid.uuid4().hex}:"
    writer = RedisCache(REDIS_URL, prefix=prefix)
    reader = RedisCache(REDIS_URL, prefix=prefix)
    try:
        writer.ping()
        fresh = CacheEntry(200, b"body", {"etag": '"1"'}, time.time())
        writer.set("GET http://index.example/simple/httpx/ json", fresh)
        assert reader.get("GET http://index.example/simple/httpx/ json") == fresh
        client = redis.Redis.from_url(REDIS_URL)
        ttl = client.ttl(f"{prefix}GET http://index.example/simple/httpx/ json")
        client.delete(f"{prefix}GET http://index.example/simple/httpx/ json")
        client.close()
        assert 86_000 < ttl <= 86_400
    finally:
        writer.close()
        reader.close()


def test_an_unreachable_real_redis_fails_at_start_up() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0", socket_timeout=0.5)
    with pytest.raises(RedisCacheError, match=r"cannot reach the Redis cache at redis://127.0.0.1:1/0: "):
        cache.ping()
