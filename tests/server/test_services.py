"""The service's registry clients end to end: every URL a registry points the service at is vetted.

A client-named registry here is a second fake registry reached as ``localhost:<port>``, listening
on ``127.0.0.2``, which stands for the public internet: the invented DNS answer for ``localhost``
(:data:`tests.server.conftest.RESOLVED`) is ``127.0.0.2``, and the guard's address check counts that
one address as global. The system's own answer for ``localhost`` (``127.0.0.1``) reaches nothing
there, so every test here also shows that the service connects to the address its guard vetted,
not to a second answer for the name. The redirect and realm targets that must be refused are
never connected to, so they can be any internal address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from depcheck.config import Config
from depcheck.server import security
from depcheck.testing.fake_docker import docker_options
from depcheck.testing.fake_registry import FakeRegistry, default_installers
from tests.server import conftest
from tests.server.conftest import RESOLVED, Service, fake_resolver

STAND_IN = "127.0.0.2"
"""The address these tests treat as a public one (see the module docstring)."""
HTTPX = {"requirements.txt": "httpx==0.28.1\n"}


def install_moves(registry: FakeRegistry) -> None:
    """``/moved/<path>`` answers ``302`` to ``registry.state.extra["moves"][<path>]``; and
    ``/v2/linked/app/tags/list`` is a tags list whose ``Link`` points at another origin."""
    moves: dict[str, str] = {}
    registry.state.extra["moves"] = moves

    async def moved(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(moves[request.match_info["path"]])

    async def linked(request: web.Request) -> web.StreamResponse:
        link = '<http://169.254.169.254/v2/linked/app/tags/list?last=1.0>; rel="next"'
        return web.json_response({"name": "linked/app", "tags": ["1.0"]}, headers={"Link": link})

    registry.app.router.add_get("/moved/{path:.*}", moved)
    registry.app.router.add_get("/v2/linked/app/tags/list", linked)


@pytest.fixture
def public_stand_in(monkeypatch: pytest.MonkeyPatch) -> str:
    """``localhost`` resolves to :data:`STAND_IN`, which the guard counts as a global address."""
    monkeypatch.setitem(RESOLVED, "localhost", [STAND_IN])
    real = security.address_problem
    monkeypatch.setattr(security, "address_problem", lambda text: None if text == STAND_IN else real(text))
    return STAND_IN


@pytest.fixture
async def elsewhere(public_stand_in: str) -> AsyncIterator[FakeRegistry]:
    """A registry a client names, "public": on :data:`STAND_IN`, reached as ``localhost``."""
    async with FakeRegistry(
        host=public_stand_in, installers=[install_moves, *default_installers()]
    ) as running:
        yield running


def local(registry: FakeRegistry) -> str:
    """``registry``'s base URL by the name ``localhost`` (which these tests make public)."""
    return registry.url.replace(STAND_IN, "localhost")


def move(registry: FakeRegistry, path: str, target: str) -> str:
    """Have ``registry`` redirect ``/moved/<path>`` to ``target``."""
    registry.state.extra["moves"][path] = target
    return f"/moved/{path}"


async def audit(client: TestClient[Any, Any], files: dict[str, str], **options: Any) -> tuple[str, Any]:
    response = await client.post("/v1/audit", json={"files": files, "options": options})
    assert response.status == 200
    return response.headers["X-Depcheck-Exit-Code"], await response.json()


def findings(report: Any) -> list[tuple[str, str]]:
    return [(finding["rule"], finding["message"]) for finding in report["findings"]]


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "not a public address (169.254.169.254 is a link-local address)",
        ),
        ("http://127.0.0.1:6379/", "not a public address (127.0.0.1 is a loopback address)"),
        (
            "http://mirror.internal/simple/httpx/",
            "not a public address (mirror.internal resolves to 192.168.10.5, a private address)",
        ),
    ],
)
async def test_a_client_named_index_redirecting_to_a_non_public_address_is_a_registry_error(
    service: Service, elsewhere: FakeRegistry, target: str, reason: str
) -> None:
    index = f"{local(elsewhere)}/moved/simple"
    move(elsewhere, "simple/httpx/", target)
    client = await service(allowed_registries=(local(elsewhere),))
    code, report = await audit(client, HTTPX, index_url=index)
    host = local(elsewhere).removeprefix("http://")
    assert code == "3"
    assert findings(report) == [
        (
            "registry-error",
            f"httpx was not verified: PyPI ({host}) could not answer: redirected to {target}, {reason}; "
            "not followed",
        )
    ]
    assert [request.path for request in elsewhere.requests] == ["/moved/simple/httpx/"]


async def test_a_redirect_to_another_public_address_is_followed(
    service: Service, elsewhere: FakeRegistry, registry: FakeRegistry
) -> None:
    other = FakeRegistry(host=STAND_IN)
    async with other:
        move(elsewhere, "simple/httpx/", f"{local(other)}/simple/httpx/")
        client = await service(index_url="http://127.0.0.1:1/simple", allowed_registries=(local(elsewhere),))
        code, report = await audit(client, HTTPX, index_url=f"{local(elsewhere)}/moved/simple")
    assert (code, findings(report)) == ("0", [])
    assert report["dependencies"][0]["resolved"] == "0.28.1"
    assert [request.path for request in other.requests] == ["/simple/httpx/"]
    assert registry.requests == []


async def test_the_lookup_endpoint_answers_502_for_a_refused_redirect(
    service: Service, elsewhere: FakeRegistry
) -> None:
    move(elsewhere, "simple/httpx/", "http://169.254.169.254/latest/meta-data/")
    client = await service(allowed_registries=(local(elsewhere),))
    response = await client.get(f"/v1/pypi/httpx/latest?index={local(elsewhere)}/moved/simple")
    host = local(elsewhere).removeprefix("http://")
    assert response.status == 502
    assert await response.json() == {
        "error": "registry_error",
        "message": f"{host} could not answer: redirected to http://169.254.169.254/latest/meta-data/, "
        "not a public address (169.254.169.254 is a link-local address); not followed",
    }


async def test_the_operators_own_index_may_redirect_on_itself_but_not_to_another_private_address(
    service: Service,
) -> None:
    # The service's index is on loopback (trusted as configured): its own hops are followed, a
    # hop to another loopback port is not, unless private registries are allowed.
    async with (
        FakeRegistry(installers=[install_moves, *default_installers()]) as index,
        FakeRegistry() as other,
    ):
        move(index, "simple/httpx/", "/simple/httpx/")
        move(index, "simple/requests/", f"{other.index_url}/requests/")
        files = {"requirements.txt": "httpx==0.28.1\nrequests==2.32.3\n"}
        guarded = await service(index_url=f"{index.url}/moved/simple")
        code, report = await audit(guarded, files)
        assert code == "3"
        assert findings(report) == [
            (
                "registry-error",
                f"requests was not verified: PyPI ({index.url.removeprefix('http://')}) could not answer: "
                f"redirected to {other.index_url}/requests/, "
                "not a public address (127.0.0.1 is a loopback address); not followed",
            )
        ]
        assert [d["resolved"] for d in report["dependencies"]] == ["0.28.1", None]
        assert other.requests == []

        private = await service(index_url=f"{index.url}/moved/simple", allow_private_registries=True)
        _, report = await audit(private, files)
        assert [finding["rule"] for finding in report["findings"]] == ["outdated"]
        assert [d["resolved"] for d in report["dependencies"]] == ["0.28.1", "2.32.3"]
        assert [request.path for request in other.requests] == ["/simple/requests/"]


async def test_an_image_registry_whose_token_realm_is_not_public_is_a_registry_error(
    service: Service, elsewhere: FakeRegistry
) -> None:
    host = local(elsewhere).removeprefix("http://")
    dockerfile = {"Dockerfile": f"FROM {host}/team/app:1.2.3\n"}
    client = await service(allowed_registries=(host,))
    docker_options(elsewhere).extra_challenge = 'Bearer realm="http://10.0.0.7/token",service="evil"'
    code, report = await audit(client, dockerfile)
    assert code == "3"
    assert findings(report) == [
        (
            "registry-error",
            f"{host}/team/app was not verified: the image registry ({host}) could not answer: "
            "its token realm points to http://10.0.0.7/token, not a public address "
            "(10.0.0.7 is a private address); no token was asked for",
        )
    ]
    assert elsewhere.count("/token") == 0

    # The registry's own realm (on its public name) is asked as before.
    docker_options(elsewhere).extra_challenge = None
    code, report = await audit(client, dockerfile)
    assert (code, findings(report)) == ("0", [])
    assert report["dependencies"][0]["resolved"] == "1.2.3"
    assert elsewhere.count("/token") == 1


async def test_a_tags_list_link_to_another_origin_is_not_followed(
    service: Service, elsewhere: FakeRegistry
) -> None:
    host = local(elsewhere).removeprefix("http://")
    client = await service(allowed_registries=(host,))
    _, report = await audit(client, {"Dockerfile": f"FROM {host}/linked/app:1.0\n"})
    assert "registry-error" not in [rule for rule, _ in findings(report)]
    assert report["dependencies"][0]["resolved"] == "1.0"
    assert [request.path for request in elsewhere.requests if "tags" in request.path] == [
        "/v2/linked/app/tags/list"
    ]


async def test_names_are_resolved_once_per_request(
    service: Service, elsewhere: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    async def counting(host: str, port: int) -> Sequence[str]:
        asked.append(f"{host}:{port}")
        return await fake_resolver(host, port)

    monkeypatch.setattr(conftest, "fake_resolver", counting)
    client = await service(allowed_registries=(local(elsewhere),))
    files = {"requirements.txt": "httpx==0.28.1\nrequests==2.32.3\n"}
    port = elsewhere.url.rsplit(":", 1)[1]
    await audit(client, files, index_url=f"{local(elsewhere)}/simple")
    assert asked == [f"localhost:{port}"]
    await audit(client, files, index_url=f"{local(elsewhere)}/simple")
    assert asked == [f"localhost:{port}", f"localhost:{port}"]


async def test_a_name_whose_answer_changes_after_the_check_is_connected_where_the_check_looked(
    service: Service, elsewhere: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: ``localhost`` answers the public stand-in once, then a private address. The
    check and the connection of one request use the one answer; the next request is checked, and
    refused, on the new one."""
    answers = [[STAND_IN], ["10.0.0.7"]]

    async def rebinding(host: str, port: int) -> Sequence[str]:
        if host == "localhost":
            return answers.pop(0) if len(answers) > 1 else answers[0]
        return await fake_resolver(host, port)

    monkeypatch.setattr(conftest, "fake_resolver", rebinding)
    client = await service(allowed_registries=(local(elsewhere),))
    code, report = await audit(client, HTTPX, index_url=f"{local(elsewhere)}/simple")
    assert (code, findings(report)) == ("0", [])
    assert elsewhere.count("/simple/httpx/") == 1
    response = await client.post(
        "/v1/audit", json={"files": HTTPX, "options": {"index_url": f"{local(elsewhere)}/simple"}}
    )
    assert response.status == 403
    port = elsewhere.url.rsplit(":", 1)[1]
    assert (await response.json())["message"] == (
        f"options.index_url: http://localhost:{port}/simple: localhost resolves to 10.0.0.7, a private address"
    )
    assert elsewhere.count("/simple/httpx/") == 1


async def test_an_extra_index_named_in_a_file_is_asked_only_when_allowed(
    service: Service, elsewhere: FakeRegistry, registry: FakeRegistry
) -> None:
    """pip asks a file's ``--extra-index-url`` as well as its index: the service holds it to the
    allow-list like any registry a client names, and verifies nothing it could not ask."""
    extra = f"{local(elsewhere)}/simple"
    files = {"requirements.txt": f"--extra-index-url {extra}\nhttpx==0.28.1\n"}
    refusing = await service()
    code, report = await audit(refusing, files)
    assert code == "0"
    assert findings(report) == [
        (
            "unresolved",
            f"httpx was not verified: this service does not ask {extra}: "
            "not on this service's list of allowed registries",
        )
    ]
    assert (elsewhere.requests, registry.requests) == ([], [])

    allowing = await service(allowed_registries=(local(elsewhere),))
    code, report = await audit(allowing, files)
    assert (code, findings(report)) == ("0", [])
    assert report["dependencies"][0]["resolved"] == "0.28.1"
    assert [request.path for request in elsewhere.requests] == ["/simple/httpx/"]
    assert [request.path for request in registry.requests] == ["/simple/httpx/"]


def _private_page() -> dict[str, Any]:
    """``acme-tools`` 1.2.0, one wheel: a project only the operator's extra index serves."""
    return {
        "meta": {"api-version": "1.1"},
        "name": "acme-tools",
        "versions": ["1.2.0"],
        "files": [
            {
                "filename": "acme_tools-1.2.0-py3-none-any.whl",
                "url": "../../packages/acme_tools-1.2.0-py3-none-any.whl",
                "hashes": {"sha256": "0" * 63 + "2"},
                "upload-time": "2025-03-01T09:00:00.000000Z",
                "yanked": False,
            }
        ],
    }


async def test_the_operators_extra_index_is_asked_besides_the_index(
    service: Service, registry: FakeRegistry, tmp_path: Path
) -> None:
    """Configured with --extra-index-url (here on loopback: the operator's indexes are trusted), the
    service verifies a private package as pip would install it, and answers for it."""
    private = FakeRegistry(cassettes=tmp_path / "no-cassettes")
    private.add_project("acme-tools", _private_page())
    async with private:
        client = await service(project=Config().with_overrides(extra_index_urls=[private.index_url]))
        files = {"requirements.txt": "acme-tools==1.2.0\nhttpx==0.28.1\n"}
        code, report = await audit(client, files)
        assert (code, findings(report)) == ("0", [])
        assert [d["resolved"] for d in report["dependencies"]] == ["1.2.0", "0.28.1"]
        latest = await client.get("/v1/pypi/acme-tools/latest")
        assert latest.status == 200
        assert (await latest.json())["version"] == "1.2.0"
    assert private.count("/simple/acme-tools/") == 1
    assert registry.count("/simple/acme-tools/") == 1


async def test_without_the_extra_index_the_private_package_is_unknown(service: Service) -> None:
    client = await service()
    code, report = await audit(client, {"requirements.txt": "acme-tools==1.2.0\n"})
    assert code == "1"
    assert [rule for rule, _ in findings(report)] == ["unknown-package"]


async def test_a_find_links_folder_in_a_file_is_never_read_and_a_page_only_when_allowed(
    service: Service, elsewhere: FakeRegistry, registry: FakeRegistry
) -> None:
    client = await service()
    folder = {"requirements.txt": "-f /etc\nhttpx==0.28.1\n"}
    code, report = await audit(client, folder)
    assert code == "0"
    assert findings(report) == [
        (
            "unresolved",
            "httpx was not verified: this service does not ask /etc: only http and https registry URLs are accepted",
        )
    ]
    page = f"{local(elsewhere)}/links/"
    code, report = await audit(client, {"requirements.txt": f"-f {page}\nhttpx==0.28.1\n"})
    assert code == "0"
    assert findings(report) == [
        (
            "unresolved",
            f"httpx was not verified: this service does not ask {page}: "
            "not on this service's list of allowed registries",
        )
    ]
    assert (elsewhere.requests, registry.requests) == ([], [])
