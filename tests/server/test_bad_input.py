"""Every kind of bad request gets the right 4xx and a JSON error naming the problem, and the service
keeps answering good requests afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from depcheck.server import keys
from depcheck.testing.fake_registry import FakeRegistry
from tests.server.conftest import Service

GOOD = {"files": {"requirements.txt": "httpx==0.28.1\n"}, "options": {"static": True}}
TOKEN = "s3cret-token-for-the-tests-0123456789"


async def still_serving(client: TestClient[Any, Any], headers: dict[str, str] | None = None) -> None:
    response = await client.post("/v1/audit", json=GOOD, headers=headers)
    assert response.status == 200
    assert (await response.json())["summary"]["dependencies"] == 1


async def post_raw(client: TestClient[Any, Any], body: bytes, content_type: str = "application/json") -> Any:
    response = await client.post("/v1/audit", data=body, headers={"Content-Type": content_type})
    return response.status, await response.json()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "invalid JSON at line 1, column 2: Expecting property name enclosed in double quotes"),
        (b'{"files": {}', "invalid JSON at line 1, column 13: Expecting ',' delimiter"),
        (b"", "the request body is empty; send a JSON object"),
        (b'{"files": NaN}', "NaN is not valid JSON"),
        (b"\xff\xfe{}", "the body is not UTF-8 (byte 0)"),
        (b"[" * 100_000 + b"]" * 100_000, "the JSON is nested too deeply"),
    ],
)
async def test_invalid_json(service: Service, body: bytes, message: str) -> None:
    client = await service()
    assert await post_raw(client, body) == (400, {"error": "invalid_json", "message": message})
    await still_serving(client)


async def test_a_body_that_is_not_json(service: Service) -> None:
    client = await service()
    status, error = await post_raw(client, b"files=x", content_type="application/x-www-form-urlencoded")
    assert (status, error) == (
        415,
        {
            "error": "unsupported_media_type",
            "message": "send the body as application/json, not application/x-www-form-urlencoded",
        },
    )


async def test_a_body_over_the_limit(service: Service) -> None:
    client = await service(max_body=2048)
    body = {"files": {"requirements.txt": "x" * 4096}}
    response = await client.post("/v1/audit", json=body)
    assert response.status == 413
    assert await response.json() == {
        "error": "body_too_large",
        "message": "the request body is over this service's limit of 2048 bytes",
    }
    await still_serving(client)


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (
            [],
            400,
            {"error": "invalid_field", "message": "body: expected an object, got an array", "field": "body"},
        ),
        (
            {"files": ["requirements.txt"]},
            400,
            {
                "error": "invalid_field",
                "message": "files: expected an object, got an array",
                "field": "files",
            },
        ),
        (
            {"files": {"requirements.txt": 3}},
            400,
            {
                "error": "invalid_field",
                "message": 'files["requirements.txt"]: expected a string, got an integer',
                "field": 'files["requirements.txt"]',
            },
        ),
        (
            {"files": {"a.txt": ""}, "options": {"static": "yes"}},
            400,
            {
                "error": "invalid_field",
                "message": "options.static: expected a boolean, got a string",
                "field": "options.static",
            },
        ),
        (
            {"files": {"a.txt": ""}, "options": {"python": 3.12}},
            400,
            {
                "error": "invalid_field",
                "message": "options.python: expected a string or null, got a number",
                "field": "options.python",
            },
        ),
        (
            {"files": {"a.txt": ""}, "options": {"python": "three"}},
            400,
            {
                "error": "invalid_field",
                "message": 'options.python: "three" is not a Python version such as 3.12',
                "field": "options.python",
            },
        ),
        (
            {"files": {"a.txt": ""}, "options": {"min_age": "a week"}},
            400,
            {
                "error": "invalid_field",
                "message": 'options.min_age: "a week" is not a duration such as 7d, 12h or 2w',
                "field": "options.min_age",
            },
        ),
        (
            {"files": {"a.txt": ""}, "options": {"strategy": "newest"}},
            400,
            {
                "error": "invalid_field",
                "message": 'options.strategy: "newest" is not one of range, latest',
                "field": "options.strategy",
            },
        ),
        (
            {"files": {"a.txt": ""}, "options": {"build_args": {"PY": 3}}},
            400,
            {
                "error": "invalid_field",
                "message": "options.build_args.PY: expected a string, got an integer",
                "field": "options.build_args.PY",
            },
        ),
        (
            {"files": {}},
            400,
            {"error": "invalid_field", "message": "files: must have at least 1 entries", "field": "files"},
        ),
    ],
)
async def test_wrong_field_types(service: Service, body: Any, status: int, error: dict[str, str]) -> None:
    client = await service()
    response = await client.post("/v1/audit", json=body)
    assert (response.status, await response.json()) == (status, error)
    await still_serving(client)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"files": {"a.txt": ""}, "filez": {}},
            {
                "error": "unknown_field",
                "message": "filez: unknown field (known fields: files, options)",
                "field": "filez",
            },
        ),
        (
            {"files": {"a.txt": ""}, "options": {"statik": True}},
            {
                "error": "unknown_field",
                "message": "options.statik: unknown field (known fields: static, python, min_age, strategy, "
                "build_args, fail_on, index_url)",
                "field": "options.statik",
            },
        ),
        (
            {"options": {}},
            {"error": "missing_field", "message": "files: this field is required", "field": "files"},
        ),
    ],
)
async def test_unknown_and_missing_fields(service: Service, body: Any, error: dict[str, str]) -> None:
    client = await service()
    response = await client.post("/v1/audit", json=body)
    assert (response.status, await response.json()) == (400, error)
    await still_serving(client)


async def test_too_many_files(service: Service) -> None:
    client = await service(max_files=3)
    files = {f"requirements-{number}.txt": "" for number in range(4)}
    response = await client.post("/v1/audit", json={"files": files})
    assert response.status == 413
    assert await response.json() == {
        "error": "too_many_files",
        "message": "files: 4 files sent; this service takes at most 3 per request",
        "field": "files",
    }
    await still_serving(client)


async def test_too_many_lines(service: Service) -> None:
    client = await service(max_lines=10)
    response = await client.post("/v1/audit", json={"files": {"a.txt": "x\n" * 6, "b.txt": "y\n" * 5}})
    assert response.status == 413
    assert await response.json() == {
        "error": "too_many_lines",
        "message": "files: 11 lines sent; this service takes at most 10 per request",
        "field": "files",
    }
    await still_serving(client)


@pytest.mark.parametrize(
    ("name", "field", "reason"),
    [
        ("../etc/passwd", 'files["../etc/passwd"]', "a path cannot climb out with '..'"),
        ("sub/../../x.txt", 'files["sub/../../x.txt"]', "a path cannot climb out with '..'"),
        (
            "/etc/passwd",
            'files["/etc/passwd"]',
            "an absolute path is not allowed; name files relative to the project",
        ),
        (
            "sub\\requirements.txt",
            'files["sub\\\\requirements.txt"]',
            "use / between folders; a backslash is not allowed in a file name",
        ),
        (
            "requirements.txt\x00.png",
            'files["requirements.txt\\x00.png"]',
            "a file name cannot contain a NUL character",
        ),
        ("./requirements.txt", 'files["./requirements.txt"]', "a path cannot have empty or '.' segments"),
        (
            "sub//requirements.txt",
            'files["sub//requirements.txt"]',
            "a path cannot have empty or '.' segments",
        ),
        ("", 'files[""]', "a file name cannot be empty"),
    ],
)
async def test_path_traversal_and_odd_names(service: Service, name: str, field: str, reason: str) -> None:
    client = await service()
    response = await client.post("/v1/audit", json={"files": {name: "httpx==0.28.1\n"}})
    assert response.status == 400
    assert await response.json() == {"error": "invalid_path", "message": f"{field}: {reason}", "field": field}
    await still_serving(client)


async def test_unknown_route(service: Service) -> None:
    client = await service()
    response = await client.get("/v2/audit")
    assert response.status == 404
    assert await response.json() == {"error": "not_found", "message": "no such endpoint: /v2/audit"}
    await still_serving(client)


async def test_wrong_method(service: Service) -> None:
    client = await service()
    response = await client.get("/v1/audit")
    assert response.status == 405
    assert response.headers["Allow"] == "POST"
    assert await response.json() == {
        "error": "method_not_allowed",
        "message": "GET is not allowed on /v1/audit; use POST",
    }
    deleted = await client.delete("/healthz")
    assert deleted.status == 405
    assert (await deleted.json())["message"] == "DELETE is not allowed on /healthz; use GET, HEAD"
    await still_serving(client)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer", f"Bearer {TOKEN}x", f"bearer {TOKEN[:-1]}"],
)
async def test_missing_or_wrong_token(service: Service, authorization: str | None) -> None:
    client = await service(tokens=(TOKEN, "another-token-0123456789abcdef"))
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await client.post("/v1/audit", json=GOOD, headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="depcheck"'
    assert await response.json() == {"error": "unauthorized", "message": "authentication required"}
    await still_serving(client, headers={"Authorization": f"Bearer {TOKEN}"})


async def test_a_token_is_needed_for_metrics_but_not_for_health_or_the_api_document(service: Service) -> None:
    client = await service(tokens=(TOKEN,))
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/openapi.json")).status == 200
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).status == 200
    assert (await client.get("/v1/pypi/httpx/latest")).status == 401


async def test_rate_limit_answers_429_with_retry_after(service: Service) -> None:
    client = await service(rate_limit=0.5, rate_burst=2)
    client.app[keys.LIMITER].clock = lambda: 1000.0  # time stands still: no refill during the test
    statuses = [(await client.post("/v1/audit", json=GOOD)).status for _ in range(2)]
    refused = await client.post("/v1/audit", json=GOOD)
    assert statuses == [200, 200]
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "2"
    assert await refused.json() == {"error": "rate_limited", "message": "too many requests; retry in 2 s"}
    assert (await client.get("/healthz")).status == 200  # probes are never throttled


async def test_rate_limit_is_per_token(service: Service) -> None:
    other = "another-token-0123456789abcdef"
    client = await service(tokens=(TOKEN, other), rate_limit=0.01, rate_burst=1)
    client.app[keys.LIMITER].clock = lambda: 1000.0
    first = {"Authorization": f"Bearer {TOKEN}"}
    second = {"Authorization": f"Bearer {other}"}
    assert (await client.post("/v1/audit", json=GOOD, headers=first)).status == 200
    assert (await client.post("/v1/audit", json=GOOD, headers=first)).status == 429
    assert (await client.post("/v1/audit", json=GOOD, headers=second)).status == 200


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (
            "http://169.254.169.254/simple",
            "options.index_url: http://169.254.169.254/simple: not on this service's list of allowed registries",
        ),
        (
            "https://user:pw@index.example/simple",
            "options.index_url: https://user:pw@index.example/simple: credentials in a registry URL are "
            "not accepted by the service",
        ),
        (
            "https://mirror.internal/simple",
            "options.index_url: https://mirror.internal/simple: mirror.internal resolves to 192.168.10.5, "
            "a private address",
        ),
        (
            "https://metadata.example/simple",
            "options.index_url: https://metadata.example/simple: metadata.example resolves to "
            "169.254.169.254, a link-local address",
        ),
        (
            "http://localhost:8080/simple",
            "options.index_url: http://localhost:8080/simple: localhost resolves to 127.0.0.1, a loopback address",
        ),
    ],
)
async def test_server_side_request_forgery_is_refused(
    service: Service, registry: FakeRegistry, index: str, message: str
) -> None:
    client = await service(
        allowed_registries=(
            "https://mirror.internal/simple",
            "https://metadata.example",
            "http://localhost:8080",
            "https://index.example/simple",
        )
    )
    response = await client.post(
        "/v1/audit", json={"files": {"requirements.txt": "httpx==0.28.1\n"}, "options": {"index_url": index}}
    )
    assert response.status == 403
    assert await response.json() == {
        "error": "registry_not_allowed",
        "message": message,
        "field": "options.index_url",
    }
    assert registry.requests == []
    await still_serving(client)


async def test_registries_named_inside_files_are_not_asked(service: Service, registry: FakeRegistry) -> None:
    client = await service()
    files = {
        "requirements.txt": "--index-url http://169.254.169.254/latest/meta-data\nhttpx==0.28.1\n",
        "Dockerfile": "FROM localhost:5000/app:1.0\nFROM quay.io/prometheus/node-exporter:v1.8.2\n",
    }
    response = await client.post("/v1/audit", json={"files": files})
    report = await response.json()
    assert [(f["file"], f["rule"], f["message"]) for f in report["findings"]] == [
        (
            "Dockerfile",
            "unresolved",
            "localhost:5000/app was not verified: this service does not ask localhost:5000: "
            "not on this service's list of allowed registries",
        ),
        (
            "Dockerfile",
            "unresolved",
            "quay.io/prometheus/node-exporter was not verified: this service does not ask quay.io: "
            "quay.io resolves to 10.1.2.3, a private address",
        ),
        (
            "requirements.txt",
            "unresolved",
            "httpx was not verified: this service does not ask http://169.254.169.254/latest/meta-data: "
            "not on this service's list of allowed registries",
        ),
    ]
    assert registry.requests == []


async def test_lookup_endpoints_refuse_registries_not_allowed(service: Service) -> None:
    client = await service()
    pypi = await client.get("/v1/pypi/httpx/latest?index=http://127.0.0.1:22/simple")
    docker = await client.get("/v1/docker/quay.io/prometheus/node-exporter/latest")
    assert (pypi.status, await pypi.json()) == (
        403,
        {
            "error": "registry_not_allowed",
            "message": "index: http://127.0.0.1:22/simple: not on this service's list of allowed registries",
            "field": "index",
        },
    )
    assert (docker.status, await docker.json()) == (
        403,
        {
            "error": "registry_not_allowed",
            "message": "image: quay.io: quay.io resolves to 10.1.2.3, a private address",
            "field": "image",
        },
    )


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        (
            "/v1/pypi/-bad-/latest",
            400,
            {
                "error": "invalid_field",
                "message": "name: '-bad-' is not a valid PyPI project name",
                "field": "name",
            },
        ),
        (
            "/v1/pypi/httpx/not.a.version",
            400,
            {
                "error": "invalid_field",
                "message": "version: 'not.a.version' is not a PEP 440 version",
                "field": "version",
            },
        ),
        (
            "/v1/pypi/httpx/latest?python=3",
            400,
            {
                "error": "invalid_field",
                "message": "python: '3' is not a Python version such as 3.12",
                "field": "python",
            },
        ),
        (
            "/v1/pypi/httpx/latest?min_age=soon",
            400,
            {
                "error": "invalid_field",
                "message": 'min_age: expected a duration such as "7d", "12h", "2w" or "0", got "soon"',
                "field": "min_age",
            },
        ),
        (
            "/v1/pypi/httpx/latest?pyhton=3.12",
            400,
            {
                "error": "unknown_field",
                "message": "pyhton: unknown query parameter (known: index, min_age, python)",
                "field": "pyhton",
            },
        ),
        (
            "/v1/pypi/httpx/latest?python=3.12&python=3.13",
            400,
            {"error": "invalid_field", "message": "python: given more than once", "field": "python"},
        ),
        (
            "/v1/docker/Python/latest",
            400,
            {
                "error": "invalid_field",
                "message": "image: repository name 'Python' must be lowercase",
                "field": "image",
            },
        ),
        (
            "/v1/docker/python:3.12/latest?tag=3.12-slim",
            400,
            {
                "error": "invalid_field",
                "message": "tag: the image already names a tag or digest; give it in one place",
                "field": "tag",
            },
        ),
    ],
)
async def test_bad_lookup_parameters(service: Service, path: str, status: int, error: dict[str, str]) -> None:
    client = await service()
    response = await client.get(path)
    assert (response.status, await response.json()) == (status, error)
    await still_serving(client)


async def test_a_request_over_the_time_limit(service: Service, registry: FakeRegistry) -> None:
    client = await service(request_timeout=1.0)
    registry.latency = 5.0
    response = await client.get("/v1/pypi/httpx/latest")
    assert response.status == 504
    assert await response.json() == {
        "error": "timeout",
        "message": "the request took longer than this service's 1 s limit",
    }
    # The abandoned lookup goes on in the background (its answer will land in the cache);
    # meanwhile the service answers others.
    await still_serving(client)


async def test_every_answer_carries_a_request_id(service: Service) -> None:
    client = await service()
    echoed = await client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    made_up = await client.get("/nowhere", headers={"X-Request-Id": "not <ok>"})
    assert echoed.headers["X-Request-Id"] == "abc-123"
    assert len(made_up.headers["X-Request-Id"]) == 32


async def test_an_index_url_that_is_not_http(service: Service) -> None:
    client = await service()
    response = await client.post(
        "/v1/audit", json={"files": {"a.txt": ""}, "options": {"index_url": "file:///etc/passwd"}}
    )
    assert response.status == 400
    assert await response.json() == {
        "error": "invalid_field",
        "message": 'options.index_url: "file:///etc/passwd" is not an http:// or https:// URL',
        "field": "options.index_url",
    }


async def test_a_lone_surrogate_is_echoed_as_an_escape(service: Service) -> None:
    client = await service()
    body = b'{"files": {"req\\ud800.txt": "httpx\\udc00==1\\n"}, "options": {"static": true}}'
    status, report = await post_raw(client, body)
    assert status == 200
    assert report["summary"]["files"] == 1
    assert [(f["file"], f["rule"], f["message"]) for f in report["findings"]] == [
        (
            "req\ud800.txt",
            "invalid",
            "cannot read req\ud800.txt: invalid UTF-8 at byte 5: invalid continuation byte",
        )
    ]
