"""The fake registry itself: what it serves, how faults behave, and the ways to run it."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from pypi_simple import ProjectPage

from depcheck.testing import FakeRegistry
from depcheck.testing.fake_registry import REGISTRY_KEY, install_pypi_routes

JSON = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
async def registry() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as plain:
        yield plain


async def test_json_is_served_with_an_etag_and_304(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    first = await client.get(f"{registry.index_url}/httpx/", headers={"Accept": JSON})
    assert first.status_code == 200
    assert first.headers["content-type"] == JSON
    assert first.json()["name"] == "httpx"
    etag = first.headers["etag"]
    second = await client.get(f"{registry.index_url}/httpx/", headers={"Accept": JSON, "If-None-Match": etag})
    assert (second.status_code, second.headers["etag"], second.content) == (304, etag, b"")


async def test_a_recorded_etag_is_sent_and_a_null_one_means_none(
    registry: FakeRegistry, client: httpx.AsyncClient
) -> None:
    recorded = await client.get(f"{registry.index_url}/synthetic-yanked-newest/", headers={"Accept": JSON})
    mirror = await client.get(f"{registry.index_url}/synthetic-mirror/", headers={"Accept": JSON})
    assert recorded.headers["etag"] == '"synthetic-yanked-newest-1"'
    assert "etag" not in mirror.headers


async def test_html_is_served_when_json_is_not_accepted(
    registry: FakeRegistry, client: httpx.AsyncClient
) -> None:
    response = await client.get(f"{registry.index_url}/synthetic-yanked-newest/")
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert (
        '<a href="../../packages/synthetic_yanked_newest-1.2.0.tar.gz#sha256='
        '4cc19c0679cbbf9131709adbd86088f5fd840d1d865e26c5d5f8698acf33b612" data-requires-python="&gt;=3.8" '
        'data-yanked="Broken wheel: imports fail on import">synthetic_yanked_newest-1.2.0.tar.gz</a><br />'
    ) in response.text
    page = ProjectPage.from_html("synthetic-yanked-newest", response.text)
    assert page.repository_version == "1.4"
    assert [package.filename for package in page.packages if package.is_yanked] == [
        "synthetic_yanked_newest-1.0.0.tar.gz",
        "synthetic_yanked_newest-1.2.0.tar.gz",
        "synthetic_yanked_newest-1.2.0-py3-none-any.whl",
    ]


async def test_json_is_chosen_by_quality(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    preferred = await client.get(
        f"{registry.index_url}/flask/", headers={"Accept": f"text/html;q=0.5, {JSON};q=0.9"}
    )
    refused = await client.get(f"{registry.index_url}/flask/", headers={"Accept": f"text/html, {JSON};q=0"})
    assert preferred.headers["content-type"] == JSON
    assert refused.headers["content-type"].startswith("text/html")


async def test_a_gzipped_cassette_is_served(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    response = await client.get(f"{registry.index_url}/aiohttp/", headers={"Accept": JSON})
    assert response.json()["name"] == "aiohttp"


async def test_pages_are_gzipped_for_clients_that_accept_it(
    registry: FakeRegistry, client: httpx.AsyncClient
) -> None:
    # As PyPI's CDN does: the bytes on the wire are compressed, the page is the same.
    url = f"{registry.index_url}/httpx/"
    zipped = await client.get(url, headers={"Accept": JSON, "Accept-Encoding": "gzip"})
    plain = await client.get(url, headers={"Accept": JSON, "Accept-Encoding": "identity"})
    refused = await client.get(url, headers={"Accept": JSON, "Accept-Encoding": "gzip;q=0, identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert int(zipped.headers["content-length"]) < int(plain.headers["content-length"]) // 3
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in refused.headers
    assert zipped.content == plain.content == refused.content
    assert zipped.headers["etag"] == plain.headers["etag"]


async def test_a_small_answer_is_not_compressed(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    missing = await client.get(f"{registry.index_url}/no-such-project/", headers={"Accept-Encoding": "gzip"})
    assert missing.status_code == 404
    assert "content-encoding" not in missing.headers


async def test_names_are_redirected_to_their_normal_form(
    registry: FakeRegistry, client: httpx.AsyncClient
) -> None:
    response = await client.get(f"{registry.index_url}/Flask_Login/")
    assert (response.status_code, response.headers["location"]) == (301, "/simple/flask-login/")
    without_slash = await client.get(f"{registry.index_url}/flask")
    assert (without_slash.status_code, without_slash.headers["location"]) == (301, "/simple/flask/")


async def test_an_unknown_project_is_a_plain_404(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    response = await client.get(f"{registry.index_url}/no-such-project/")
    assert (response.status_code, response.text, response.headers["content-type"]) == (
        404,
        "404 Not Found",
        "text/plain; charset=utf-8",
    )


async def test_the_root_lists_the_projects(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    response = await client.get(f"{registry.index_url}/", headers={"Accept": JSON})
    names = [project["name"] for project in response.json()["projects"]]
    assert {"httpx", "aiohttp", "synthetic-api-v2"} <= set(names)
    assert not any(name.endswith(".headers") for name in names)


async def test_faults_run_out_after_their_count(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    registry.fail("/simple/h*/", status=503, times=2)
    statuses = [(await client.get(f"{registry.index_url}/httpx/")).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert registry.count("/simple/httpx/") == 3
    assert registry.count("/simple/flask/") == 0


async def test_429_carries_retry_after(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    registry.throttle("/simple/httpx/", retry_after="7")
    response = await client.get(f"{registry.index_url}/httpx/")
    assert (response.status_code, response.headers["retry-after"]) == (429, "7")


async def test_truncated_and_wrongly_shaped_answers(
    registry: FakeRegistry, client: httpx.AsyncClient
) -> None:
    whole = await client.get(f"{registry.index_url}/flask/", headers={"Accept": JSON})
    registry.truncate("/simple/flask/")
    truncated = await client.get(f"{registry.index_url}/flask/", headers={"Accept": JSON})
    registry.wrong_shape("/simple/flask/")
    shaped = await client.get(f"{registry.index_url}/flask/", headers={"Accept": JSON})
    assert truncated.status_code == 200
    assert truncated.headers["content-type"] == JSON
    assert truncated.content == whole.content[: len(whole.content) // 2]
    assert shaped.json() == {"unexpected": ["shape"]}


async def test_a_reset_closes_the_connection(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    registry.reset("/simple/flask/")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        await client.get(f"{registry.index_url}/flask/")


async def test_a_hang_outlasts_the_client(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    registry.hang("/simple/flask/", seconds=5)
    with pytest.raises(httpx.ReadTimeout):
        await client.get(f"{registry.index_url}/flask/", timeout=0.2)


async def test_latency_delays_every_answer(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    registry.latency = 0.1
    started = time.monotonic()
    await client.get(f"{registry.index_url}/no-such-project/")
    assert time.monotonic() - started >= 0.1


async def test_requests_are_logged_with_their_headers(
    registry: FakeRegistry, client: httpx.AsyncClient
) -> None:
    await client.get(f"{registry.index_url}/httpx/?x=1", headers={"Accept": JSON})
    [request] = registry.requests
    assert (request.method, request.path, request.query, request.headers["accept"]) == (
        "GET",
        "/simple/httpx/",
        "x=1",
        JSON,
    )
    registry.clear_requests()
    assert registry.count() == 0


async def test_added_projects_are_served(registry: FakeRegistry, client: httpx.AsyncClient) -> None:
    registry.add_project("My_Tool", {"meta": {"api-version": "1.0"}, "name": "my-tool", "files": []})
    response = await client.get(f"{registry.index_url}/my-tool/", headers={"Accept": JSON})
    assert response.json() == {"files": [], "meta": {"api-version": "1.0"}, "name": "my-tool"}


async def test_route_installers_add_routes_that_faults_also_reach(client: httpx.AsyncClient) -> None:
    async def tags(request: web.Request) -> web.Response:
        served = request.app[REGISTRY_KEY].state.extra["tags"]
        return web.json_response({"tags": served})

    def install_tags(registry: FakeRegistry) -> None:
        registry.state.extra["tags"] = ["3.12.7-slim"]
        registry.app.router.add_get("/v2/{name}/tags/list", tags)

    async with FakeRegistry(installers=[install_pypi_routes, install_tags]) as registry:
        served = await client.get(f"{registry.url}/v2/python/tags/list")
        registry.fail("/v2/*", status=500)
        failed = await client.get(f"{registry.url}/v2/python/tags/list")
    assert served.json() == {"tags": ["3.12.7-slim"]}
    assert failed.status_code == 500


def test_a_background_thread_serves_synchronous_callers() -> None:
    registry = FakeRegistry()
    url, stop = registry.run_in_thread()
    try:
        with urllib.request.urlopen(f"{url}/simple/flask/") as response:
            body = response.read()
        registry.fail("/simple/flask/", status=500)
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(f"{url}/simple/flask/")
    finally:
        stop()
    assert b"Links for flask" in body
    assert raised.value.code == 500
    assert registry.count("/simple/flask/") == 2


def test_the_command_line_server_prints_its_url(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    (cassettes / "pypi").mkdir(parents=True)
    (cassettes / "pypi" / "demo.json").write_text(
        '{"meta": {"api-version": "1.1"}, "name": "demo", "files": []}'
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "depcheck.testing.fake_registry",
            "--port",
            "0",
            "--cassettes",
            str(cassettes),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        response = httpx.get(f"{url}/simple/demo/", headers={"Accept": JSON})
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert url.startswith("http://127.0.0.1:")
    assert response.json()["name"] == "demo"
