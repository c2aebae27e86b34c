"""Every route of the service, answered by a real server on loopback over the fake registry."""

from __future__ import annotations

import asyncio

from depcheck.testing.fake_registry import FakeRegistry
from tests.server.conftest import Service

REQUIREMENTS = "httpx==0.27.0\nrequests\ndjango==5.0.5\n"
DOCKERFILE = "FROM python:3.12-slim\n"


async def test_audit_returns_the_json_report_version_1_and_the_exit_code(service: Service) -> None:
    client = await service()
    response = await client.post(
        "/v1/audit", json={"files": {"requirements.txt": REQUIREMENTS, "sub/Dockerfile": DOCKERFILE}}
    )
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["X-Depcheck-Exit-Code"] == "1"
    report = await response.json()
    assert list(report) == ["schema_version", "tool", "summary", "findings", "dependencies"]
    assert report["schema_version"] == 1
    assert report["summary"] == {"files": 2, "dependencies": 4, "error": 3, "warning": 0, "info": 1}
    found = {(f["file"], f["line"], f["rule"], f["suggestion"]) for f in report["findings"]}
    assert found == {
        ("requirements.txt", 1, "outdated", "0.28.1"),
        ("requirements.txt", 2, "unpinned", "2.34.2"),
        ("requirements.txt", 3, "yanked", "5.2.19"),
        ("sub/Dockerfile", 1, "floating-tag", "3.12.7-slim"),
    }
    unpinned = next(f for f in report["findings"] if f["rule"] == "unpinned")
    assert unpinned["replacement"] == "requests==2.34.2"
    assert report["dependencies"][-1] == {
        "ecosystem": "docker",
        "name": "python",
        "current": "python:3.12-slim",
        "file": "sub/Dockerfile",
        "line": 1,
        "resolved": "3.12.7-slim",
    }


async def test_an_include_is_read_from_the_files_sent_never_from_the_disk(service: Service) -> None:
    client = await service()
    files = {
        "requirements.txt": "-r base/common.txt\n-r ../secret.txt\n-r /etc/passwd\n",
        "base/common.txt": "httpx==0.28.1\n",
    }
    response = await client.post("/v1/audit", json={"files": files})
    report = await response.json()
    assert [(d["file"], d["name"], d["resolved"]) for d in report["dependencies"]] == [
        ("base/common.txt", "httpx", "0.28.1")
    ]
    assert [(f["line"], f["rule"], f["message"]) for f in report["findings"]] == [
        (
            2,
            "unresolved",
            "-r ../secret.txt points outside the repository (../secret.txt), and cannot be read: "
            "no such file among those sent",
        ),
        (
            3,
            "unresolved",
            "-r /etc/passwd points outside the repository (/etc/passwd), and cannot be read: "
            "no such file among those sent",
        ),
    ]


async def test_a_static_audit_asks_no_registry(service: Service, registry: FakeRegistry) -> None:
    client = await service()
    response = await client.post(
        "/v1/audit", json={"files": {"requirements.txt": "requests\n"}, "options": {"static": True}}
    )
    report = await response.json()
    assert [(f["rule"], f["suggestion"]) for f in report["findings"]] == [("unpinned", None)]
    assert registry.requests == []


async def test_fail_on_decides_the_exit_code_header(service: Service) -> None:
    client = await service()
    files = {"requirements.txt": "httpx==0.27.0\n"}  # only an info finding (outdated)
    codes = {}
    for fail_on in ("error", "info", "never"):
        response = await client.post("/v1/audit", json={"files": files, "options": {"fail_on": fail_on}})
        codes[fail_on] = response.headers["X-Depcheck-Exit-Code"]
    assert codes == {"error": "0", "info": "1", "never": "0"}


async def test_audit_options_python_and_strategy_shape_the_suggestion(service: Service) -> None:
    client = await service()
    files = {"requirements.txt": "synthetic-requires-python>=1.0,<2\n"}
    within = await client.post("/v1/audit", json={"files": files, "options": {"python": "3.13"}})
    newest = await client.post(
        "/v1/audit", json={"files": files, "options": {"python": "3.13", "strategy": "latest"}}
    )
    assert [f["suggestion"] for f in (await within.json())["findings"]] == ["1.5.0"]
    assert [f["suggestion"] for f in (await newest.json())["findings"]] == ["2.0.0"]


async def test_build_args_feed_dockerfile_args(service: Service) -> None:
    client = await service()
    files = {"Dockerfile": "ARG PY\nFROM python:${PY}\n"}
    response = await client.post(
        "/v1/audit", json={"files": files, "options": {"build_args": {"PY": "3.12.7-slim-bookworm"}}}
    )
    report = await response.json()
    assert [(f["rule"], f["current"], f["suggestion"]) for f in report["findings"]] == [
        ("outdated", "python:3.12.7-slim-bookworm", "3.14.7-slim-bookworm")
    ]
    assert [d["resolved"] for d in report["dependencies"]] == ["3.12.7-slim-bookworm"]


async def test_pypi_latest_gives_the_version_to_write(service: Service, registry: FakeRegistry) -> None:
    client = await service()
    response = await client.get("/v1/pypi/HTTPX/latest")
    assert response.status == 200
    assert await response.json() == {
        "name": "httpx",
        "version": "0.28.1",
        "index": registry.index_url,
        "requires_python": ">=3.8",
        "upload_time": "2024-12-06T15:37:21.509172+00:00",
    }


async def test_pypi_latest_follows_the_target_python(service: Service) -> None:
    client = await service()
    versions = {}
    for python in ("3.9", "3.12", "3.13"):
        response = await client.get(f"/v1/pypi/synthetic-requires-python/latest?python={python}")
        versions[python] = (await response.json())["version"]
    assert versions == {"3.9": "1.0.0", "3.12": "1.5.0", "3.13": "2.0.0"}


async def test_pypi_latest_without_a_suitable_release(service: Service) -> None:
    client = await service()
    response = await client.get("/v1/pypi/synthetic-only-prereleases/latest")
    assert response.status == 404
    assert await response.json() == {
        "error": "no_version",
        "message": "synthetic-only-prereleases: no stable, non-yanked release with files fits this policy",
    }


async def test_pypi_latest_for_an_invented_name(service: Service, registry: FakeRegistry) -> None:
    client = await service()
    response = await client.get("/v1/pypi/reqeusts-toolbelt-pro/latest")
    assert response.status == 404
    assert await response.json() == {
        "error": "unknown_package",
        "message": f"reqeusts-toolbelt-pro: no such project on {registry.index_url}",
    }


async def test_pypi_version_says_whether_it_exists_and_is_yanked(service: Service) -> None:
    client = await service()
    answers = []
    for path in (
        "/v1/pypi/Django/5.0.5",
        "/v1/pypi/httpx/0.28.1",
        "/v1/pypi/httpx/0.28.1.0",
        "/v1/pypi/httpx/9.9.9",
    ):
        response = await client.get(path)
        assert response.status == 200
        answers.append(await response.json())
    assert answers == [
        {
            "name": "django",
            "version": "5.0.5",
            "exists": True,
            "yanked": True,
            "yanked_reason": "Release files have Windows end-of-line characters and are missing executable bits.",
        },
        {"name": "httpx", "version": "0.28.1", "exists": True, "yanked": False, "yanked_reason": None},
        {"name": "httpx", "version": "0.28.1", "exists": True, "yanked": False, "yanked_reason": None},
        {"name": "httpx", "version": "9.9.9", "exists": False, "yanked": False, "yanked_reason": None},
    ]


async def test_docker_latest_keeps_the_line_and_variant(service: Service) -> None:
    client = await service()
    response = await client.get("/v1/docker/python/latest?tag=3.12-slim")
    assert response.status == 200
    assert await response.json() == {
        "image": "python",
        "tag": "3.12.7-slim",
        "digest": "sha256:7510cacf25b36d2e05c73a1c39e83b1cf22885051dea4267ad58925962a8aaff",
    }


async def test_docker_latest_takes_an_image_with_slashes_or_a_tag_in_the_path(service: Service) -> None:
    client = await service()
    with_slash = await client.get("/v1/docker/library/python/latest?tag=3.12-slim-bookworm")
    with_tag = await client.get("/v1/docker/python:3.12-slim-bookworm/latest")
    assert (await with_slash.json())["image"] == "library/python"
    assert (await with_slash.json())["tag"] == "3.12.7-slim-bookworm"
    assert (await with_tag.json())["tag"] == "3.12.7-slim-bookworm"


async def test_docker_latest_for_a_missing_image(service: Service) -> None:
    client = await service()
    response = await client.get("/v1/docker/acme/not-an-image/latest")
    assert response.status == 404
    assert await response.json() == {
        "error": "unknown_image",
        "message": "acme/not-an-image: no such image repository",
    }


async def test_healthz(service: Service) -> None:
    client = await service()
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "version": "0.1.0"}


async def test_metrics_count_requests_lookups_and_cache(service: Service) -> None:
    client = await service()
    await client.get("/v1/pypi/httpx/latest")
    await client.get("/v1/pypi/httpx/latest")
    await client.get("/nowhere")
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = await response.text()
    lines = set(text.splitlines())
    assert (
        'depcheck_http_requests_total{method="GET",route="/v1/pypi/{name}/latest",status="200"} 2.0' in lines
    )
    assert 'depcheck_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in lines
    assert 'depcheck_registry_lookups_total{ecosystem="pypi"} 2.0' in lines
    # The second request is answered from the decoded answers kept in memory, the first from
    # the registry (a miss in memory, then on disk).
    assert 'depcheck_cache_hits_total{backend="memory"} 1.0' in lines
    assert 'depcheck_cache_misses_total{backend="memory"} 1.0' in lines
    assert 'depcheck_cache_misses_total{backend="disk"} 1.0' in lines
    assert "depcheck_upstream_requests_total 1.0" in lines
    assert 'depcheck_http_request_duration_seconds_count{route="/v1/pypi/{name}/latest"} 2.0' in lines
    assert "# TYPE depcheck_registry_lookup_duration_seconds histogram" in lines


async def test_metrics_count_upstream_errors(service: Service, registry: FakeRegistry) -> None:
    client = await service()
    registry.fail("/simple/httpx/", 503, times=None)
    response = await client.get("/v1/pypi/httpx/latest")
    assert response.status == 502
    assert (await response.json())["error"] == "registry_error"
    text = await (await client.get("/metrics")).text()
    assert (
        'depcheck_upstream_errors_total{ecosystem="pypi",kind="RegistryUnavailable"} 1.0' in text.splitlines()
    )


async def test_openapi_describes_every_route(service: Service) -> None:
    client = await service()
    response = await client.get("/openapi.json")
    document = await response.json()
    assert document["openapi"] == "3.1.0"
    assert sorted(document["paths"]) == [
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/v1/audit",
        "/v1/docker/{image}/latest",
        "/v1/pypi/{name}/latest",
        "/v1/pypi/{name}/{version}",
    ]
    assert sorted(document["components"]["schemas"]) == [
        "AuditRequest",
        "DockerLatest",
        "Error",
        "Health",
        "PypiLatest",
        "PypiVersion",
        "Report",
    ]


async def test_concurrent_audits_share_each_upstream_lookup(service: Service, registry: FakeRegistry) -> None:
    client = await service()
    registry.latency = 0.2  # keep the first lookups in flight while the others arrive
    body = {"files": {"requirements.txt": "httpx==0.28.1\nrequests==2.32.3\n"}}
    responses = await asyncio.gather(*(client.post("/v1/audit", json=body) for _ in range(20)))
    assert [response.status for response in responses] == [200] * 20
    assert registry.count("/simple/httpx/") == 1
    assert registry.count("/simple/requests/") == 1


async def test_a_later_request_is_answered_from_the_cache(service: Service, registry: FakeRegistry) -> None:
    client = await service()
    first = await client.get("/v1/pypi/httpx/0.28.1")
    second = await client.get("/v1/pypi/httpx/0.28.1")
    assert (first.status, second.status) == (200, 200)
    assert registry.count("/simple/httpx/") == 1


async def test_a_registry_failure_in_an_audit_is_a_finding_and_exit_code_3(
    service: Service, registry: FakeRegistry
) -> None:
    client = await service()
    registry.fail("/simple/httpx/", 500, times=None)
    response = await client.post("/v1/audit", json={"files": {"requirements.txt": "httpx==0.28.1\n"}})
    assert response.status == 200
    assert response.headers["X-Depcheck-Exit-Code"] == "3"
    report = await response.json()
    assert [f["rule"] for f in report["findings"]] == ["registry-error"]


async def test_an_index_on_the_allow_list_is_asked(service: Service, registry: FakeRegistry) -> None:
    other = "http://127.0.0.1:1/simple"  # the service's own index is elsewhere
    client = await service(
        index_url=other, allowed_registries=(registry.index_url,), allow_private_registries=True
    )
    response = await client.get(f"/v1/pypi/httpx/latest?index={registry.index_url}")
    assert response.status == 200
    assert (await response.json())["version"] == "0.28.1"
    audit = await client.post(
        "/v1/audit",
        json={"files": {"requirements.txt": "httpx==0.28.1\n"}, "options": {"index_url": registry.index_url}},
    )
    assert (await audit.json())["dependencies"][0]["resolved"] == "0.28.1"


async def test_a_requirements_file_naming_the_services_own_index_is_verified(
    service: Service, registry: FakeRegistry
) -> None:
    client = await service()
    files = {"requirements.txt": f"--index-url {registry.index_url}/\nhttpx==0.28.1\n"}
    report = await (await client.post("/v1/audit", json={"files": files})).json()
    assert report["findings"] == []
    assert report["dependencies"][0]["resolved"] == "0.28.1"
