"""Tokens, names, limits, the rate limiter and the registry guard, without a server."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from depcheck.registries.http import UrlRefused
from depcheck.server.errors import ApiError
from depcheck.server.schemas import FILE_NAME_PATTERN
from depcheck.server.security import (
    RateLimiter,
    RegistryGuard,
    RegistryNotAllowed,
    TokenChecker,
    TokenConfigError,
    address_problem,
    check_file_name,
    check_limits,
    client_address,
    parse_tokens,
    read_tokens_file,
)


def test_tokens_from_the_environment_and_a_file(tmp_path: Path) -> None:
    assert parse_tokens(" one,two  three\n") == ["one", "two", "three"]
    path = tmp_path / "tokens"
    path.write_text("# team A\nalpha-token\n\n  beta-token  \n", encoding="utf-8")
    assert read_tokens_file(path) == ["alpha-token", "beta-token"]


def test_a_bad_tokens_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text("two words\n", encoding="utf-8")
    with pytest.raises(TokenConfigError, match=r"tokens:1: a token must be one word, without spaces"):
        read_tokens_file(path)
    with pytest.raises(TokenConfigError, match="cannot read the tokens file"):
        read_tokens_file(tmp_path / "missing")


def test_token_checker_accepts_only_configured_bearer_tokens() -> None:
    checker = TokenChecker(["first-token-0123456789", "second-token-0123456789"])
    assert checker.client("Bearer second-token-0123456789") == checker.client(
        "bearer second-token-0123456789"
    )
    assert checker.client("Bearer first-token-0123456789") != checker.client("Bearer second-token-0123456789")
    for header in (None, "", "Bearer", "Bearer first-token", "Token first-token-0123456789"):
        with pytest.raises(ApiError) as raised:
            checker.client(header)
        assert (raised.value.status, raised.value.body()) == (
            401,
            {"error": "unauthorized", "message": "authentication required"},
        )


def test_no_tokens_means_no_authentication() -> None:
    checker = TokenChecker([])
    assert not checker.enabled
    assert checker.client(None) is None


@pytest.mark.parametrize(
    "name",
    [
        "requirements.txt",
        "sub/Dockerfile",
        "a/b/c/pyproject.toml",
        "..hidden",
        "x..y/z",
        "C:requirements.txt",
    ],
)
def test_plain_names_are_accepted(name: str) -> None:
    check_file_name(name)
    assert re.search(FILE_NAME_PATTERN, name) is not None


@pytest.mark.parametrize(
    "name", ["..", "../x", "a/../b", "/abs", "a\\b", "a\x00b", "a/./b", ".", "a//b", "a/", "tab\there", ""]
)
def test_names_that_are_not_plain_are_refused(name: str) -> None:
    with pytest.raises(ApiError) as raised:
        check_file_name(name)
    assert raised.value.status == 400
    assert raised.value.code == "invalid_path"
    assert re.search(FILE_NAME_PATTERN, name) is None


def test_limits_count_files_and_lines() -> None:
    check_limits({"a": "1\n2\n", "b": "3"}, max_files=2, max_lines=3)
    with pytest.raises(ApiError, match="3 files sent; this service takes at most 2"):
        check_limits({"a": "", "b": "", "c": ""}, max_files=2, max_lines=10)
    with pytest.raises(ApiError, match="4 lines sent; this service takes at most 3"):
        check_limits({"a": "1\n2\n", "b": "3\n4"}, max_files=2, max_lines=3)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_refills_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [None, None, None]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") is None  # another client has its own bucket
    clock.now += 0.5
    assert limiter.take("a") is None
    assert limiter.take("a") == pytest.approx(0.5)
    clock.now += 10
    assert [limiter.take("a") for _ in range(4)][:3] == [None, None, None]  # never more than the burst


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    limiter = RateLimiter(rate=1.0, burst=1)
    assert limiter.refuse(0.2).headers == {"Retry-After": "1"}
    assert limiter.refuse(2.01).headers == {"Retry-After": "3"}


def test_the_limiter_keeps_a_bounded_number_of_clients() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, max_clients=2, clock=Clock())
    for client in ("a", "b", "c"):
        limiter.take(client)
    assert limiter.take("a") is None  # "a" was dropped first, so it starts with a full bucket
    assert limiter.take("c") is not None


def test_rate_zero_turns_limiting_off() -> None:
    limiter = RateLimiter(rate=0, burst=1)
    assert [limiter.take("a") for _ in range(100)] == [None] * 100


def test_client_address_trusts_the_last_proxy_hop_only_when_told() -> None:
    assert client_address("10.0.0.1", "1.2.3.4, 5.6.7.8", trust_forwarded=False) == "10.0.0.1"
    assert client_address("10.0.0.1", "1.2.3.4, 5.6.7.8", trust_forwarded=True) == "5.6.7.8"
    assert client_address(None, None, trust_forwarded=True) == "unknown"


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.0.0.8", "a private address"),
        ("172.16.3.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd00::1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("100.64.0.1", "an address that is not publicly routable"),
        ("140.82.112.33", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_problems(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


def resolver_for(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    asked: list[str] = []

    async def resolve(host: str, port: int) -> Sequence[str]:
        asked.append(f"{host}:{port}")
        if host not in answers:
            raise OSError(-2, "Name or service not known")
        return answers[host]

    return resolve, asked


async def test_guard_allows_url_prefixes_on_segment_boundaries() -> None:
    resolve, asked = resolver_for({"index.example": ["140.82.112.33"]})
    guard = RegistryGuard(["https://index.example/simple"], resolver=resolve)
    await guard.check_url("https://index.example/simple")
    await guard.check_url("https://INDEX.example:443/simple/")
    for url in (
        "https://index.example/simple-evil",
        "http://index.example/simple",
        "https://index.example:8443/simple",
        "https://index.example.evil/simple",
    ):
        with pytest.raises(RegistryNotAllowed, match="not on this service's list of allowed registries"):
            await guard.check_url(url)
    # One resolution per request: the answer is kept until the request ends (forget).
    assert asked == ["index.example:443"]
    guard.forget()
    await guard.check_url("https://index.example/simple")
    assert asked == ["index.example:443", "index.example:443"]


async def test_guard_checks_every_address_a_name_resolves_to() -> None:
    resolve, _ = resolver_for({"index.example": ["140.82.112.33", "10.0.0.7"]})
    guard = RegistryGuard(["index.example"], resolver=resolve)
    with pytest.raises(RegistryNotAllowed) as raised:
        await guard.check_url("https://index.example/simple")
    assert raised.value.reason == "index.example resolves to 10.0.0.7, a private address"


async def test_guard_allows_private_addresses_only_when_told() -> None:
    resolve, asked = resolver_for({})
    guard = RegistryGuard(["http://127.0.0.1:3141"], allow_private=True, resolver=resolve)
    await guard.check_url("http://127.0.0.1:3141/root/pypi/+simple")
    assert asked == []


async def test_guard_trusts_the_services_own_index() -> None:
    resolve, asked = resolver_for({})
    guard = RegistryGuard([], resolver=resolve, trusted=["http://127.0.0.1:3141/simple/"])
    await guard.check_url("http://127.0.0.1:3141/simple")
    assert asked == []


async def test_guard_image_registries_by_host_and_wildcard() -> None:
    resolve, _ = resolver_for({"ghcr.io": ["140.82.112.33"], "us-docker.pkg.dev": ["142.250.1.1"]})
    guard = RegistryGuard(["ghcr.io", "*.pkg.dev", "registry.example:5000"], resolver=resolve)
    await guard.check_image_registry("ghcr.io")
    await guard.check_image_registry("us-docker.pkg.dev")
    for registry, reason in (
        ("pkg.dev", "not on this service's list of allowed registries"),
        ("ghcr.io:5000", "not on this service's list of allowed registries"),
        ("registry.example:5000", "cannot resolve registry.example: Name or service not known"),
    ):
        with pytest.raises(RegistryNotAllowed) as raised:
            await guard.check_image_registry(registry)
        assert raised.value.reason == reason


def test_allow_list_entries_must_be_hosts_or_http_urls() -> None:
    with pytest.raises(ValueError, match="an allowed registry URL must be"):
        RegistryGuard(["ftp://index.example"])
    with pytest.raises(ValueError, match="an allowed registry host must be"):
        RegistryGuard(["index.example/simple"])


async def test_guard_refuses_malformed_urls() -> None:
    guard = RegistryGuard(["https://index.example"])
    for url, reason in (
        ("http://[::1/simple", "not a valid URL: Invalid IPv6 URL"),
        (
            "http://index.example:http/simple",
            "not a valid URL: Port could not be cast to integer value as 'http'",
        ),
    ):
        with pytest.raises(RegistryNotAllowed) as raised:
            await guard.check_url(url)
        assert raised.value.reason == reason


# --- every URL the service asks (the HTTP client's url_guard) -----------------------------------


async def test_requests_to_public_addresses_are_allowed_whatever_the_allow_list() -> None:
    resolve, asked = resolver_for({"files.example": ["140.82.112.33", "2606:4700::1111"]})
    guard = RegistryGuard(["https://index.example/simple"], resolver=resolve)
    await guard.check_request("https://files.example/packages/a/b/httpx-0.28.1.tar.gz")
    await guard.check_request("https://files.example/other")
    assert asked == ["files.example:443"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "not a public address (169.254.169.254 is a link-local address)",
        ),
        ("http://127.0.0.1:6379/", "not a public address (127.0.0.1 is a loopback address)"),
        ("http://[::1]:8080/simple/", "not a public address (::1 is a loopback address)"),
        (
            "https://mirror.internal/simple/httpx/",
            "not a public address (mirror.internal resolves to 192.168.10.5, a private address)",
        ),
        (
            "https://split.example/simple/httpx/",
            "not a public address (split.example resolves to 10.0.0.7, a private address)",
        ),
        (
            "https://nowhere.example/",
            "not a public address (cannot resolve nowhere.example: Name or service not known)",
        ),
        ("file:///etc/passwd", "not an http or https URL"),
        ("gopher://index.example:70/", "not an http or https URL"),
        ("http://index.example:http/", "not a valid URL (Port could not be cast to integer value as 'http')"),
    ],
)
async def test_requests_to_non_public_addresses_are_refused(url: str, reason: str) -> None:
    resolve, _ = resolver_for(
        {
            "mirror.internal": ["192.168.10.5"],
            "split.example": ["140.82.112.33", "10.0.0.7"],
            "169.254.169.254": ["169.254.169.254"],
            "127.0.0.1": ["127.0.0.1"],
            "::1": ["::1"],
        }
    )
    guard = RegistryGuard(["https://mirror.internal/simple"], resolver=resolve)
    with pytest.raises(UrlRefused) as raised:
        await guard.check_request(url)
    assert (raised.value.url, raised.value.reason) == (url, reason)


async def test_the_operators_registries_are_asked_as_configured_but_not_their_neighbours() -> None:
    resolve, asked = resolver_for({"127.0.0.1": ["127.0.0.1"]})
    guard = RegistryGuard([], resolver=resolve, trusted=["http://127.0.0.1:3141/root/pypi/+simple/"])
    guard.trust("http://127.0.0.1:5000", "")
    await guard.check_request("http://127.0.0.1:3141/root/pypi/+simple/httpx/")
    await guard.check_request("http://127.0.0.1:3141/elsewhere/on/the/same/server")
    await guard.check_request("http://127.0.0.1:5000/v2/team/app/tags/list")
    assert asked == []
    # A redirect from the operator's index to another port of the same host is not the index.
    with pytest.raises(UrlRefused, match=r"^http://127.0.0.1:6379/: not a public address \(127.0.0.1 is a"):
        await guard.check_request("http://127.0.0.1:6379/")
    with pytest.raises(UrlRefused):
        await guard.check_request("https://127.0.0.1:3141/root/pypi/+simple/httpx/")
    # trust() without index=True does not let a client name the URL as its index.
    with pytest.raises(RegistryNotAllowed, match="not on this service's list of allowed registries"):
        await guard.check_url("http://127.0.0.1:5000")


async def test_allowing_private_registries_lets_every_request_through_unresolved() -> None:
    resolve, asked = resolver_for({})
    guard = RegistryGuard([], allow_private=True, resolver=resolve)
    await guard.check_request("http://169.254.169.254/latest/meta-data/")
    await guard.check_request("http://mirror.internal:3141/simple/")
    assert asked == []
    with pytest.raises(UrlRefused, match="not an http or https URL"):
        await guard.check_request("file:///etc/passwd")


async def test_concurrent_checks_of_one_host_resolve_it_once() -> None:
    release = asyncio.Event()
    asked: list[str] = []

    async def slow(host: str, port: int) -> Sequence[str]:
        asked.append(host)
        await release.wait()
        return ["140.82.112.33"]

    guard = RegistryGuard(["ghcr.io"], resolver=slow)
    checks = [
        asyncio.ensure_future(guard.check_request(f"https://ghcr.io/v2/a/b/tags/list?n={n}"))
        for n in range(5)
    ]
    checks.append(asyncio.ensure_future(guard.check_image_registry("ghcr.io")))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*checks)
    assert asked == ["ghcr.io"]


def rebinding_resolver(*answers: list[str]):  # type: ignore[no-untyped-def]
    """A name whose DNS answer changes on each lookup (DNS rebinding), recording the lookups."""
    asked: list[str] = []
    queue = list(answers)

    async def resolve(host: str, port: int) -> Sequence[str]:
        asked.append(f"{host}:{port}")
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return resolve, asked


async def test_a_connection_goes_to_the_addresses_the_check_vetted_not_to_a_later_answer() -> None:
    resolve, asked = rebinding_resolver(["140.82.112.33"], ["127.0.0.1"])
    guard = RegistryGuard([], resolver=resolve)
    await guard.check_request("https://files.example/packages/a.whl")
    assert await guard.connect_addresses("files.example", 443) == ["140.82.112.33"]
    assert await guard.connect_addresses("FILES.example", 443) == ["140.82.112.33"]
    assert asked == ["files.example:443"]


async def test_after_a_request_ends_the_name_is_resolved_and_vetted_again_before_connecting() -> None:
    resolve, asked = rebinding_resolver(["140.82.112.33"], ["127.0.0.1"])
    guard = RegistryGuard([], resolver=resolve)
    assert await guard.connect_addresses("files.example", 443) == ["140.82.112.33"]
    guard.forget()
    with pytest.raises(
        UrlRefused,
        match=r"^files.example:443: not a public address \(files.example resolves to 127.0.0.1, a loopback address\)$",
    ):
        await guard.connect_addresses("files.example", 443)
    assert asked == ["files.example:443", "files.example:443"]


async def test_connections_to_the_operators_registries_or_with_private_allowed_resolve_as_usual() -> None:
    resolve, asked = resolver_for({"127.0.0.1": ["127.0.0.1"]})
    guard = RegistryGuard([], resolver=resolve, trusted=["http://127.0.0.1:3141/simple/"])
    assert await guard.connect_addresses("127.0.0.1", 3141) is None
    private = RegistryGuard([], allow_private=True, resolver=resolve)
    assert await private.connect_addresses("mirror.internal", 3141) is None
    assert asked == []
    # Another port of the operator's host is not the operator's registry.
    with pytest.raises(UrlRefused, match=r"127.0.0.1 is a loopback address"):
        await guard.connect_addresses("127.0.0.1", 6379)
