"""The persistent cache: keys, backends, freshness, ETag revalidation and --offline."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import diskcache
import pytest

from depcheck.registries.cache import (
    CacheEntry,
    DiskCache,
    MemoryCache,
    NullCache,
    cache_key,
    default_cache_dir,
)
from depcheck.registries.http import HttpClient, HttpResponse, Keeper, json_body
from depcheck.registries.interface import OfflineMiss
from depcheck.testing import FakeRegistry

JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
async def registry() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as running:
        yield running


def test_the_key_has_no_credentials() -> None:
    assert cache_key("get", "https://alice:s3cret@index.example/simple/x/", JSON) == (
        f"GET https://index.example/simple/x/ {JSON}"
    )
    assert cache_key("HEAD", "https://index.example/v2/", None) == "HEAD https://index.example/v2/ "


def test_the_default_directory_follows_the_environment(tmp_path: Path) -> None:
    assert default_cache_dir({"DEPCHECK_CACHE_DIR": "/srv/cache", "XDG_CACHE_HOME": "/x"}) == Path(
        "/srv/cache"
    )
    assert default_cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/depcheck")
    assert default_cache_dir({}) == Path.home() / ".cache" / "depcheck"


def test_a_disk_cache_is_shared_by_every_instance_on_the_directory(tmp_path: Path) -> None:
    writer = DiskCache(tmp_path)
    reader = DiskCache(tmp_path)
    entry = CacheEntry(200, b"{}", {"etag": '"abc"', "content-type": JSON}, 1_700_000_000.0)
    writer.set("GET https://index.example/simple/x/ ", entry)
    assert reader.get("GET https://index.example/simple/x/ ") == entry
    assert reader.get("GET https://index.example/simple/y/ ") is None
    writer.close()
    reader.close()


def test_an_entry_written_in_another_layout_is_a_miss(tmp_path: Path) -> None:
    with diskcache.Cache(str(tmp_path)) as raw:
        raw.set("old", {"schema": 0, "status": 200})
        raw.set("odd", "a string")
    cache = DiskCache(tmp_path)
    assert cache.get("old") is None
    assert cache.get("odd") is None


def test_no_cache_remembers_nothing() -> None:
    cache = NullCache()
    cache.set("k", CacheEntry(200, b"x"))
    assert cache.get("k") is None


def test_404s_stay_fresh_for_a_shorter_time() -> None:
    cache = MemoryCache(ttl=600, not_found_ttl=120)
    assert cache.ttl_for(200) == 600
    assert cache.ttl_for(404) == 120
    assert cache.ttl_for(200, ttl=30) == 30
    assert cache.ttl_for(404, ttl=30) == 30


async def test_a_fresh_entry_is_served_without_a_request(registry: FakeRegistry) -> None:
    cache = MemoryCache()
    async with HttpClient() as first_run:
        first = await first_run.get(f"{registry.index_url}/httpx/", accept=JSON, cache=cache)
    async with HttpClient() as second_run:
        second = await second_run.get(f"{registry.index_url}/httpx/", accept=JSON, cache=cache)
    assert registry.count("/simple/httpx/") == 1
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.body == first.body
    assert second.content_type == JSON


async def test_a_stale_entry_with_an_etag_is_revalidated(registry: FakeRegistry) -> None:
    cache = MemoryCache(ttl=0)
    url = f"{registry.index_url}/httpx/"
    async with HttpClient() as first_run:
        first = await first_run.get(url, accept=JSON, cache=cache)
    stored = cache.get(cache_key("GET", url, JSON))
    assert stored is not None
    time.sleep(0.01)
    async with HttpClient() as second_run:
        second = await second_run.get(url, accept=JSON, cache=cache)
    refreshed = cache.get(cache_key("GET", url, JSON))
    assert registry.requests[1].headers["if-none-match"] == first.headers["etag"]
    assert (second.status, second.from_cache, second.revalidated) == (200, True, True)
    assert second.body == first.body
    assert refreshed is not None
    assert refreshed.fetched_at > stored.fetched_at


async def test_a_stale_entry_without_validators_is_fetched_again(registry: FakeRegistry) -> None:
    cache = MemoryCache(ttl=0)
    url = f"{registry.index_url}/synthetic-mirror/"
    for _ in range(2):
        async with HttpClient() as run:
            response = await run.get(url, accept=JSON, cache=cache)
        assert (response.status, response.from_cache) == (200, False)
    assert "etag" not in response.headers
    assert "if-none-match" not in registry.requests[1].headers
    assert registry.count("/simple/synthetic-mirror/") == 2


async def test_a_404_is_cached_so_an_invented_name_is_asked_once(registry: FakeRegistry) -> None:
    cache = MemoryCache()
    for _ in range(2):
        async with HttpClient() as run:
            response = await run.get(f"{registry.index_url}/no-such-project/", cache=cache)
        assert response.status == 404
    assert registry.count("/simple/no-such-project/") == 1


async def test_a_stale_404_is_asked_again(registry: FakeRegistry) -> None:
    cache = MemoryCache(not_found_ttl=0)
    for _ in range(2):
        async with HttpClient() as run:
            await run.get(f"{registry.index_url}/no-such-project/", cache=cache)
    assert registry.count("/simple/no-such-project/") == 2


async def test_only_answers_and_404s_are_cached(registry: FakeRegistry) -> None:
    cache = MemoryCache()
    async with HttpClient() as run:
        await run.get(f"{registry.index_url}/missing/", cache=cache)
    registry.fail("/simple/httpx/", status=403, times=1)
    async with HttpClient() as run:
        forbidden = await run.get(f"{registry.index_url}/httpx/", cache=cache)
    async with HttpClient() as run:
        allowed = await run.get(f"{registry.index_url}/httpx/", cache=cache)
    assert (forbidden.status, allowed.status) == (403, 200)
    assert len(cache) == 2


async def test_offline_answers_from_the_cache_whatever_its_age(registry: FakeRegistry) -> None:
    cache = MemoryCache(ttl=0)
    url = f"{registry.index_url}/httpx/"
    async with HttpClient() as online:
        await online.get(url, accept=JSON, cache=cache)
    async with HttpClient(offline=True) as offline:
        response = await offline.get(url, accept=JSON, cache=cache)
    assert (response.status, response.from_cache) == (200, True)
    assert registry.count() == 1


async def test_offline_miss_names_the_lookup(registry: FakeRegistry) -> None:
    async with HttpClient(offline=True) as offline:
        with pytest.raises(OfflineMiss) as raised:
            await offline.get(f"{registry.index_url}/flask/", accept=JSON, cache=MemoryCache())
    assert raised.value.registry == registry.url.removeprefix("http://")
    assert raised.value.reason == f"offline and no cached answer for {registry.index_url}/flask/"
    assert registry.count() == 0


async def test_offline_without_a_cache_misses(registry: FakeRegistry) -> None:
    async with HttpClient(offline=True) as offline:
        with pytest.raises(OfflineMiss):
            await offline.get(f"{registry.index_url}/flask/")


async def test_a_disk_cache_carries_answers_between_processes(registry: FakeRegistry, tmp_path: Path) -> None:
    async with HttpClient() as first_run:
        await first_run.get(f"{registry.index_url}/django/", accept=JSON, cache=DiskCache(tmp_path))
    # A new DiskCache on the same directory is what a second process (a parallel hook) opens.
    async with HttpClient() as second_run:
        response = await second_run.get(
            f"{registry.index_url}/django/", accept=JSON, cache=DiskCache(tmp_path)
        )
    assert response.from_cache
    assert registry.count() == 1


async def test_an_unusable_cached_body_is_fetched_again(registry: FakeRegistry) -> None:
    cache = MemoryCache()
    url = f"{registry.index_url}/httpx/"
    cache.set(cache_key("GET", url, JSON), CacheEntry(200, b'{"trunc', {"content-type": JSON}, time.time()))
    async with HttpClient() as run:
        response = await run.get(url, accept=JSON, cache=cache, decode=json_body)
    assert response.from_cache is False
    assert isinstance(response.decoded, dict)
    assert registry.count() == 1


async def test_the_no_cache_option_asks_every_run(registry: FakeRegistry) -> None:
    cache = NullCache()
    for _ in range(2):
        async with HttpClient() as run:
            await run.get(f"{registry.index_url}/httpx/", cache=cache)
    assert registry.count() == 2


def _names(response: HttpResponse) -> list[str]:
    """A reading of a Simple API page: the file names, in page order."""
    return [item["filename"] for item in json_body(response)["files"]]


NAMES = Keeper(
    form="names:1", dump=lambda names: "\n".join(names).encode(), load=lambda kept: kept.decode().split("\n")
)


async def test_a_keeper_stores_the_reading_instead_of_the_body(registry: FakeRegistry) -> None:
    cache = MemoryCache()
    url = f"{registry.index_url}/attrs/"
    async with HttpClient() as first_run:
        first = await first_run.get(url, accept=JSON, cache=cache, decode=_names, keep=NAMES)
    stored = cache.get(cache_key("GET", url, JSON, "names:1"))
    async with HttpClient() as second_run:
        second = await second_run.get(url, accept=JSON, cache=cache, decode=_names, keep=NAMES)
    assert stored is not None
    assert stored.form == "names:1"
    assert stored.body.split(b"\n")[0] == b"attrs-15.0.0-py2-none-any.whl"
    assert len(stored.body) < len(first.body) / 10
    assert (second.from_cache, second.body, second.decoded) == (True, b"", first.decoded)
    assert registry.count("/simple/attrs/") == 1


async def test_an_entry_kept_in_another_form_is_fetched_again(registry: FakeRegistry) -> None:
    cache = MemoryCache()
    url = f"{registry.index_url}/attrs/"
    cache.set(
        cache_key("GET", url, JSON, "names:0"),
        CacheEntry(200, b"old layout", {}, time.time(), form="names:0"),
    )
    async with HttpClient() as run:
        response = await run.get(url, accept=JSON, cache=cache, decode=_names, keep=NAMES)
    stored = cache.get(cache_key("GET", url, JSON, "names:1"))
    assert (response.from_cache, registry.count("/simple/attrs/")) == (False, 1)
    assert stored is not None
    assert stored.form == "names:1"


async def test_a_kept_reading_is_never_served_to_a_caller_wanting_the_body(registry: FakeRegistry) -> None:
    cache = MemoryCache()
    url = f"{registry.index_url}/attrs/"
    async with HttpClient() as first_run:
        await first_run.get(url, accept=JSON, cache=cache, decode=_names, keep=NAMES)
    async with HttpClient() as second_run:
        plain = await second_run.get(url, accept=JSON, cache=cache, decode=json_body)
    assert plain.from_cache is False
    assert plain.decoded["name"] == "attrs"  # type: ignore[index]
    assert registry.count("/simple/attrs/") == 2


async def test_a_damaged_kept_reading_is_fetched_again(
    registry: FakeRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(kept: bytes) -> list[str]:
        raise ValueError("cut short")

    damaged = Keeper(form="names:1", dump=NAMES.dump, load=refuse)
    cache = MemoryCache()
    url = f"{registry.index_url}/attrs/"
    cache.set(cache_key("GET", url, JSON, "names:1"), CacheEntry(200, b"x", {}, time.time(), form="names:1"))
    async with HttpClient() as run:
        response = await run.get(url, accept=JSON, cache=cache, decode=_names, keep=damaged)
    assert (response.from_cache, registry.count("/simple/attrs/")) == (False, 1)
    assert "is unusable (the kept reading (names:1) is damaged: cut short); asking again" in caplog.text


async def test_a_stale_kept_reading_is_revalidated_and_served_again(registry: FakeRegistry) -> None:
    cache = MemoryCache(ttl=0)
    url = f"{registry.index_url}/attrs/"
    async with HttpClient() as first_run:
        first = await first_run.get(url, accept=JSON, cache=cache, decode=_names, keep=NAMES)
    time.sleep(0.01)
    async with HttpClient() as second_run:
        second = await second_run.get(url, accept=JSON, cache=cache, decode=_names, keep=NAMES)
    assert registry.requests[1].headers["if-none-match"] == first.headers["etag"]
    assert (second.status, second.revalidated, second.decoded) == (200, True, first.decoded)


async def test_a_keeper_needs_a_decode_hook() -> None:
    async with HttpClient() as run:
        with pytest.raises(ValueError, match="pass the decode hook too"):
            await run.get("http://index.example/simple/attrs/", keep=NAMES)


def test_an_entry_keeps_its_form_on_disk(tmp_path: Path) -> None:
    DiskCache(tmp_path).set("k", CacheEntry(200, b"r", {}, 1.0, form="pypi-page:4"))
    entry = DiskCache(tmp_path).get("k")
    assert entry is not None
    assert (entry.body, entry.form) == (b"r", "pypi-page:4")
