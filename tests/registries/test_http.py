"""The shared HTTP layer against the fake registry on loopback: retries, limits, de-duplication,
credentials, redirects and the url guard."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from aiohttp import web

from depcheck.registries.http import (
    HttpClient,
    RequestRefused,
    UrlRefused,
    json_body,
    parse_retry_after,
    split_credentials,
)
from depcheck.registries.interface import RegistryProtocolError, RegistryUnavailable
from depcheck.testing import FakeRegistry
from depcheck.testing.fake_registry import default_installers

JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
async def registry() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as running:
        yield running


def fast_client(**options: object) -> HttpClient:
    """Short timeouts and near-zero backoff, so fault tests take milliseconds."""
    settings: dict[str, object] = {"timeout": 0.5, "backoff_base": 0.01, "total_timeout": 20.0}
    settings.update(options)
    return HttpClient(**settings)  # type: ignore[arg-type]


def host(registry: FakeRegistry) -> str:
    return registry.url.removeprefix("http://")


async def test_a_500_then_success_is_retried(registry: FakeRegistry) -> None:
    registry.fail("/simple/httpx/", status=500, times=1)
    async with fast_client() as http:
        response = await http.get(f"{registry.index_url}/httpx/", accept=JSON)
    assert response.status == 200
    assert registry.count("/simple/httpx/") == 2


async def test_500_forever_names_the_host_and_the_status(registry: FakeRegistry) -> None:
    registry.fail("/simple/httpx/", status=500, times=None)
    async with fast_client() as http:
        with pytest.raises(RegistryUnavailable) as raised:
            await http.get(f"{registry.index_url}/httpx/", accept=JSON)
    assert raised.value.registry == host(registry)
    assert raised.value.reason == "HTTP 500 after 4 attempts"
    assert str(raised.value) == f"{host(registry)}: HTTP 500 after 4 attempts"
    assert registry.count("/simple/httpx/") == 4


async def test_attempts_are_configurable(registry: FakeRegistry) -> None:
    registry.fail("/simple/httpx/", status=503, times=None)
    async with fast_client(attempts=2) as http:
        with pytest.raises(RegistryUnavailable, match="HTTP 503 after 2 attempts"):
            await http.get(f"{registry.index_url}/httpx/")
    assert registry.count("/simple/httpx/") == 2


async def test_429_waits_as_long_as_retry_after_says(registry: FakeRegistry) -> None:
    registry.throttle("/simple/httpx/", retry_after="1", times=1)
    async with fast_client() as http:
        started = time.monotonic()
        response = await http.get(f"{registry.index_url}/httpx/", accept=JSON)
        waited = time.monotonic() - started
    assert response.status == 200
    assert waited >= 0.95
    assert registry.count("/simple/httpx/") == 2


async def test_retry_after_is_capped(registry: FakeRegistry) -> None:
    registry.throttle("/simple/httpx/", retry_after="3600", times=1)
    async with fast_client(max_retry_after=0.2) as http:
        started = time.monotonic()
        response = await http.get(f"{registry.index_url}/httpx/")
    assert response.status == 200
    assert time.monotonic() - started < 2.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = dt.datetime(2026, 11, 27, 12, 0, 0, tzinfo=dt.UTC).timestamp()
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Fri, 27 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


async def test_a_hang_past_the_timeout_is_retried(registry: FakeRegistry) -> None:
    registry.hang("/simple/httpx/", seconds=5, times=1)
    async with fast_client(timeout=0.3) as http:
        started = time.monotonic()
        response = await http.get(f"{registry.index_url}/httpx/", accept=JSON)
    assert response.status == 200
    assert 0.3 <= time.monotonic() - started < 3
    assert registry.count("/simple/httpx/") == 2


async def test_hanging_forever_is_reported_as_a_timeout(registry: FakeRegistry) -> None:
    registry.hang("/simple/httpx/", seconds=5, times=None)
    async with fast_client(timeout=0.2, attempts=2) as http:
        with pytest.raises(RegistryUnavailable) as raised:
            await http.get(f"{registry.index_url}/httpx/")
    assert raised.value.reason == "timed out after 0.2 s (2 attempts)"


async def test_the_total_timeout_bounds_a_lookup(registry: FakeRegistry) -> None:
    registry.hang("/simple/httpx/", seconds=5, times=None)
    async with fast_client(timeout=10.0, total_timeout=0.4) as http:
        started = time.monotonic()
        with pytest.raises(RegistryUnavailable) as raised:
            await http.get(f"{registry.index_url}/httpx/")
    assert time.monotonic() - started < 2
    assert raised.value.reason == "no answer within the total timeout of 0.4 s (1 attempt)"


async def test_a_reset_connection_is_retried(registry: FakeRegistry) -> None:
    registry.reset("/simple/httpx/", times=1)
    async with fast_client() as http:
        response = await http.get(f"{registry.index_url}/httpx/", accept=JSON)
    assert response.status == 200
    assert registry.count("/simple/httpx/") == 2


async def test_resets_forever_say_connection_reset(registry: FakeRegistry) -> None:
    registry.reset("/simple/httpx/", times=None)
    async with fast_client() as http:
        with pytest.raises(RegistryUnavailable) as raised:
            await http.get(f"{registry.index_url}/httpx/")
    assert raised.value.reason.startswith("connection reset")
    assert raised.value.reason.endswith("(4 attempts)")


async def test_truncated_json_is_fetched_again(registry: FakeRegistry) -> None:
    registry.truncate("/simple/httpx/", times=1)
    async with fast_client() as http:
        response = await http.get(f"{registry.index_url}/httpx/", accept=JSON, decode=json_body)
    assert isinstance(response.decoded, dict)
    assert response.decoded["name"] == "httpx"
    assert registry.count("/simple/httpx/") == 2


async def test_truncated_json_forever_is_a_protocol_error(registry: FakeRegistry) -> None:
    registry.truncate("/simple/httpx/", times=None)
    async with fast_client() as http:
        with pytest.raises(RegistryProtocolError) as raised:
            await http.get(f"{registry.index_url}/httpx/", accept=JSON, decode=json_body)
    assert raised.value.reason.startswith(f"invalid JSON from {registry.index_url}/httpx/")
    assert raised.value.reason.endswith("after 4 attempts")


async def test_many_identical_concurrent_lookups_make_one_request(registry: FakeRegistry) -> None:
    registry.latency = 0.05
    async with fast_client() as http:
        responses = await asyncio.gather(
            *(http.get(f"{registry.index_url}/django/", accept=JSON) for _ in range(50))
        )
        again = await http.get(f"{registry.index_url}/django/", accept=JSON)
    assert {response.status for response in responses} == {200}
    assert again.body == responses[0].body
    assert registry.count("/simple/django/") == 1
    assert http.requests_sent == 1


async def test_a_different_accept_is_a_different_request(registry: FakeRegistry) -> None:
    async with fast_client() as http:
        as_json = await http.get(f"{registry.index_url}/flask/", accept=JSON)
        as_html = await http.get(f"{registry.index_url}/flask/", accept="text/html")
    assert as_json.content_type == JSON
    assert as_html.content_type == "text/html"
    assert registry.count("/simple/flask/") == 2


async def test_concurrency_per_host_is_bounded(registry: FakeRegistry) -> None:
    registry.latency = 0.1
    async with fast_client(concurrency_per_host=2) as http:
        started = time.monotonic()
        await asyncio.gather(*(http.get(f"{registry.index_url}/missing-{n}/") for n in range(6)))
        elapsed = time.monotonic() - started
    # Six requests, two at a time, 0.1 s each: at least three rounds.
    assert elapsed >= 0.3


async def test_the_user_agent_names_depcheck(registry: FakeRegistry) -> None:
    async with fast_client() as http:
        await http.get(f"{registry.index_url}/httpx/")
    assert registry.requests[-1].headers["user-agent"] == "depcheck/0.1.0"


async def test_a_redirect_to_the_normalised_name_is_followed(registry: FakeRegistry) -> None:
    async with fast_client() as http:
        response = await http.get(f"{registry.index_url}/Django/", accept=JSON)
    assert response.status == 200
    assert response.url == f"{registry.index_url}/django/"
    assert [request.path for request in registry.requests] == ["/simple/Django/", "/simple/django/"]


async def test_url_credentials_are_sent_as_basic_auth_and_never_shown(
    registry: FakeRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_url = registry.index_url.replace("http://", "http://alice:s3cr%40t@")
    async with fast_client() as http:
        response = await http.get(f"{secret_url}/httpx/", accept=JSON)
        registry.fail("/simple/flask/", status=500, times=None)
        with pytest.raises(RegistryUnavailable) as raised:
            await http.get(f"{secret_url}/flask/")
    expected = "Basic " + base64.b64encode(b"alice:s3cr@t").decode()
    assert registry.requests[0].headers["authorization"] == expected
    assert response.url == f"{registry.index_url}/httpx/"
    assert "s3cr" not in str(raised.value)
    assert "s3cr" not in caplog.text
    assert "alice" not in caplog.text


def test_split_credentials_decodes_percent_escapes() -> None:
    assert split_credentials("https://u%40corp:p%3Ass@index.example/simple") == (
        "https://index.example/simple",
        ("u@corp", "p:ss"),
    )
    assert split_credentials("https://index.example/simple") == ("https://index.example/simple", None)


async def test_netrc_credentials_are_used_for_the_host(
    registry: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\n  login bob\n  password n3tpass\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    async with fast_client() as http:
        await http.get(f"{registry.index_url}/httpx/")
    expected = "Basic " + base64.b64encode(b"bob:n3tpass").decode()
    assert registry.requests[-1].headers["authorization"] == expected


async def test_no_netrc_entry_sends_no_credentials(
    registry: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine index.example login bob password n3tpass\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    async with fast_client() as http:
        await http.get(f"{registry.index_url}/httpx/")
    assert "authorization" not in registry.requests[-1].headers


async def test_a_404_is_an_answer_not_an_error(registry: FakeRegistry) -> None:
    async with fast_client() as http:
        response = await http.get(f"{registry.index_url}/no-such-project/")
    assert response.status == 404
    assert registry.count() == 1


async def test_a_cancelled_caller_does_not_cancel_the_shared_lookup(registry: FakeRegistry) -> None:
    registry.latency = 0.2
    async with fast_client() as http:
        first = asyncio.ensure_future(http.get(f"{registry.index_url}/httpx/"))
        second = asyncio.ensure_future(http.get(f"{registry.index_url}/httpx/"))
        await asyncio.sleep(0.05)
        first.cancel()
        response = await second
    assert response.status == 200
    assert registry.count("/simple/httpx/") == 1


async def test_an_injected_transport_replaces_the_network() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if len(seen) == 1:
            return httpx.Response(503)
        return httpx.Response(200, json={"ok": True}, headers={"ETag": '"v1"'})

    async with HttpClient(transport=httpx.MockTransport(answer), backoff_base=0.001) as http:
        response = await http.get("https://index.example/simple/demo/", decode=json_body)
    assert seen == ["https://index.example/simple/demo/"] * 2
    assert response.decoded == {"ok": True}
    assert response.header("ETag") == '"v1"'


async def test_an_injected_client_is_left_open() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(404))
    async with httpx.AsyncClient(transport=transport) as shared:
        async with HttpClient(client=shared) as http:
            response = await http.get("https://index.example/simple/nothing/")
        assert response.status == 404
        assert not shared.is_closed


async def test_waiting_for_a_connection_slot_does_not_count_against_the_total_timeout() -> None:
    # One slot per host, 0.2 s per answer and ten lookups: the last one waits about 1.8 s in line,
    # longer than its 1 s total timeout, and must still get its answer. (The pages are the
    # smallest recorded, so that a busy machine does not stretch one answer towards 1 s.)
    async with (
        FakeRegistry(latency=0.2) as registry,
        fast_client(concurrency_per_host=1, total_timeout=1.0) as http,
    ):
        names = [
            "sqlalchemy-databricks",
            "packaging-legacy",
            "paginate-sqlalchemy",
            "enum-compat",
            "logutils",
            "synthetic-mirror",
            "supervisor-stdout",
            "encutils",
            "recaptcha2",
            "stringscore",
        ]
        responses = await asyncio.gather(
            *(http.get(f"{registry.index_url}/{name}/", accept=JSON) for name in names)
        )
    assert [response.status for response in responses] == [200] * 10


# --- redirects, one hop at a time, and the url guard ----------------------------------------------


def install_moves(registry: FakeRegistry) -> None:
    """``/moved/<path>`` answers ``302`` to ``registry.state.extra["moves"][<path>]``."""
    moves: dict[str, str] = {}
    registry.state.extra["moves"] = moves

    async def moved(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(moves[request.match_info["path"]])

    registry.app.router.add_get("/moved/{path:.*}", moved)


@pytest.fixture
async def moving() -> AsyncIterator[FakeRegistry]:
    """A second fake registry on loopback (another port) that also answers ``/moved/...``."""
    async with FakeRegistry(installers=[install_moves, *default_installers()]) as running:
        yield running


def move(registry: FakeRegistry, path: str, target: str) -> str:
    """Have ``registry`` redirect ``/moved/<path>`` to ``target``; the URL that does it."""
    registry.state.extra["moves"][path] = target
    return f"{registry.url}/moved/{path}"


class RecordingGuard:
    """A url guard that remembers every URL it was shown and refuses the addresses it is given."""

    def __init__(self, refused: dict[str, str] | None = None) -> None:
        self.refused = refused or {}
        self.seen: list[str] = []

    async def __call__(self, url: str) -> None:
        self.seen.append(url)
        host = urlsplit(url).hostname or ""
        if host in self.refused:
            raise UrlRefused(url, f"not a public address ({host} is {self.refused[host]})")


async def test_without_a_guard_a_redirect_to_another_loopback_server_is_followed(
    moving: FakeRegistry, registry: FakeRegistry
) -> None:
    # What the CLI builds: no guard, so an index on localhost that redirects keeps working.
    start = move(moving, "simple/httpx/", f"{registry.index_url}/httpx/")
    async with fast_client() as http:
        response = await http.get(start, accept=JSON)
        assert http.requests_sent == 2
    assert response.status == 200
    assert response.url == f"{registry.index_url}/httpx/"
    assert [request.path for request in moving.requests] == ["/moved/simple/httpx/"]
    assert [request.path for request in registry.requests] == ["/simple/httpx/"]


async def test_the_guard_is_shown_every_hop_before_it_is_sent(
    moving: FakeRegistry, registry: FakeRegistry
) -> None:
    start = move(moving, "simple/httpx/", f"{registry.index_url}/Httpx")
    guard = RecordingGuard()
    async with fast_client(url_guard=guard) as http:
        response = await http.get(start, accept=JSON)
    assert response.status == 200
    assert guard.seen == [start, f"{registry.index_url}/Httpx", f"{registry.index_url}/httpx/"]


async def test_a_redirect_the_guard_refuses_is_not_followed_nor_retried(moving: FakeRegistry) -> None:
    start = move(moving, "simple/httpx/", "http://admin:hunter2@169.254.169.254/latest/meta-data/")
    guard = RecordingGuard({"169.254.169.254": "a link-local address"})
    async with fast_client(url_guard=guard) as http:
        with pytest.raises(RequestRefused) as raised:
            await http.get(start, accept=JSON)
        assert http.requests_sent == 1
    assert raised.value.registry == host(moving)
    assert raised.value.reason == (
        "redirected to http://169.254.169.254/latest/meta-data/, "
        "not a public address (169.254.169.254 is a link-local address); not followed"
    )
    assert guard.seen == [start, "http://169.254.169.254/latest/meta-data/"]
    assert moving.count("/moved/*") == 1


async def test_a_first_request_the_guard_refuses_is_not_sent(registry: FakeRegistry) -> None:
    guard = RecordingGuard({"127.0.0.1": "a loopback address"})
    async with fast_client(url_guard=guard) as http:
        with pytest.raises(RequestRefused) as raised:
            await http.get(f"{registry.index_url}/httpx/")
    assert str(raised.value) == (
        f"{host(registry)}: not asking {registry.index_url}/httpx/, "
        "not a public address (127.0.0.1 is a loopback address)"
    )
    assert registry.requests == []


async def test_a_redirect_loop_ends_after_twenty_hops(moving: FakeRegistry) -> None:
    start = move(moving, "loop", "/moved/loop")
    async with fast_client() as http:
        with pytest.raises(RegistryProtocolError) as raised:
            await http.get(start)
    assert raised.value.reason == f"more than 20 redirects from {start}"
    assert moving.count("/moved/loop") == 21


async def test_credentials_follow_a_redirect_on_the_same_origin_only(
    moving: FakeRegistry, registry: FakeRegistry
) -> None:
    move(moving, "here", "/simple/httpx/")
    move(moving, "away", f"{registry.index_url}/httpx/")
    secret = moving.url.replace("http://", "http://alice:s3cret@")
    async with fast_client() as http:
        await http.get(f"{secret}/moved/here")
        await http.get(f"{secret}/moved/away")
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert [(request.path, request.headers.get("authorization")) for request in moving.requests] == [
        ("/moved/here", expected),
        ("/simple/httpx/", expected),
        ("/moved/away", expected),
    ]
    assert "authorization" not in registry.requests[0].headers


async def test_check_url_shows_the_guard_the_url_without_credentials() -> None:
    guard = RecordingGuard({"10.0.0.7": "a private address"})
    async with HttpClient(url_guard=guard) as http:
        await http.check_url("https://bob:pw@index.example/token")
        with pytest.raises(UrlRefused):
            await http.check_url("http://10.0.0.7/token")
    async with HttpClient() as unguarded:
        await unguarded.check_url("http://10.0.0.7/token")
    assert guard.seen == ["https://index.example/token", "http://10.0.0.7/token"]
