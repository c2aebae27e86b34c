"""The Docker Hub and OCI client against the fake registry on loopback (and a few parsers on their own)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from depcheck.policy import Policy
from depcheck.registries.cache import MemoryCache, cache_key
from depcheck.registries.config import DEFAULT_DOCKER_HUB_URL, docker_hub_url
from depcheck.registries.docker import (
    MANIFEST_ACCEPT,
    Challenge,
    DockerRegistry,
    next_link,
    parse_challenges,
    preferred_challenge,
)
from depcheck.registries.docker_auth import DockerCredentials
from depcheck.registries.http import HttpClient, RequestRefused, UrlRefused
from depcheck.registries.interface import ImageFacts, RegistryProtocolError, RegistryUnavailable
from depcheck.suggest.docker import suggest_tag
from depcheck.testing import FakeRegistry
from depcheck.testing.fake_docker import add_hub_repository, docker_options, hub_tag

ANONYMOUS = DockerCredentials(Path("/nonexistent/config.json"))


@pytest.fixture
async def registry() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    async with HttpClient(timeout=0.5, backoff_base=0.01, total_timeout=20.0) as client:
        yield client


def client(
    registry: FakeRegistry, http: HttpClient, credentials: DockerCredentials = ANONYMOUS, **options: object
) -> DockerRegistry:
    endpoints = {host: f"{registry.url}/oci/{host}" for host in ("ghcr.io", "quay.io", "gcr.io")}
    return DockerRegistry(
        http,
        hub_url=registry.url,
        endpoints=endpoints,
        credentials=credentials,
        **options,  # type: ignore[arg-type]
    )


# --- Docker Hub -----------------------------------------------------------------------------------


async def test_hub_tags_carry_digest_time_and_status(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image(None, "library/python")
    assert facts.found is True
    assert facts.registry == "Docker Hub"
    assert len(facts.tags) == 169
    slim = facts.tags["3.12-slim"]
    assert slim.digest == facts.tags["3.12.7-slim"].digest
    assert slim.last_updated == dt.datetime(2024, 10, 2, 6, 12, 41, 964233, tzinfo=dt.UTC)
    assert slim.active is True


async def test_old_hub_tags_without_digest_or_time_are_kept(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image(None, "library/python")
    old = facts.tags["2.7.18"]
    assert (old.digest, old.last_updated, old.active) == (None, None, True)


async def test_inactive_hub_tags_are_kept_but_marked(registry: FakeRegistry, http: HttpClient) -> None:
    add_hub_repository(
        registry,
        "acme/tool",
        [
            hub_tag("1.0.0", "sha256:" + "a" * 64),
            {**hub_tag("0.9.0", None, None), "tag_status": "inactive"},
        ],
    )
    facts = await client(registry, http).image(None, "acme/tool")
    assert facts.tags["0.9.0"].active is False
    assert facts.tags["1.0.0"].active is True


async def test_hub_pages_are_followed_through_next(registry: FakeRegistry, http: HttpClient) -> None:
    docker_options(registry).hub_page_size = 50
    facts = await client(registry, http).image(None, "library/python")
    assert len(facts.tags) == 169
    assert registry.count("/v2/namespaces/library/repositories/python/tags") == 4
    queries = [request.query for request in registry.requests]
    assert queries == [
        "page_size=100",
        "page=2&page_size=50",
        "page=3&page_size=50",
        "page=4&page_size=50",
    ]


async def test_cached_hub_pages_keep_only_the_fields_read_and_give_the_same_facts(
    registry: FakeRegistry,
) -> None:
    cache = MemoryCache()
    docker_options(registry).hub_page_size = 50
    async with HttpClient() as first_run:
        first = await client(registry, first_run, cache=cache).image(None, "library/python")
    async with HttpClient() as second_run:
        second = await client(registry, second_run, cache=cache).image(None, "library/python")
    stored = cache.get(
        cache_key(
            "GET",
            f"{registry.url}/v2/namespaces/library/repositories/python/tags?page_size=100",
            "application/json",
            "hub-tags:1",
        )
    )
    assert second == first
    assert registry.count("/v2/namespaces/library/repositories/python/tags") == 4
    assert stored is not None
    assert stored.form == "hub-tags:1"
    assert set(json.loads(stored.body)["results"][0]) <= {"name", "digest", "last_updated", "tag_status"}


async def test_a_relative_next_is_resolved_against_the_page(registry: FakeRegistry, http: HttpClient) -> None:
    options = docker_options(registry)
    options.hub_page_size, options.hub_next = 100, "relative"
    facts = await client(registry, http).image(None, "library/python")
    assert len(facts.tags) == 169
    assert registry.count("/v2/namespaces/library/repositories/python/tags") == 2


async def test_a_next_on_another_origin_is_not_followed(
    registry: FakeRegistry, http: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    docker_options(registry).hub_next = "http://elsewhere.example"
    with caplog.at_level(logging.WARNING):
        facts = await client(registry, http).image(None, "library/python")
    assert len(facts.tags) == 100
    assert "not following a next page on another origin: http://elsewhere.example" in caplog.text


async def test_a_missing_hub_repository_is_not_found(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image(None, "library/pythn")
    assert facts == ImageFacts(registry="Docker Hub", repository="library/pythn", found=False)


async def test_a_one_word_hub_name_lives_under_library(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image(None, "node")
    assert facts.repository == "library/node"
    assert facts.tags["20-alpine"].digest == facts.tags["20.18.1-alpine"].digest


async def test_hub_digest_of_one_tag(registry: FakeRegistry, http: HttpClient) -> None:
    docker = client(registry, http)
    facts = await docker.image(None, "library/python")
    assert await docker.digest(None, "library/python", "3.12-slim") == facts.tags["3.12.7-slim"].digest
    assert await docker.digest(None, "library/python", "3.99") is None


async def test_hub_facts_give_the_suggestions_the_design_promises(
    registry: FakeRegistry, http: HttpClient
) -> None:
    facts = await client(registry, http).image(None, "library/python")
    policy = Policy()

    def suggest(tag: str | None) -> str | None:
        return suggest_tag(facts, current_tag=tag, current_digest=None, policy=policy)

    assert suggest("3.12-slim") == "3.12.7-slim"
    assert suggest("latest") == "3.14.7"
    assert suggest(None) == "3.14.7"
    assert suggest("3.12.4-slim-bookworm") == "3.14.7-slim-bookworm"
    assert suggest("3.12-alpine3.20") == "3.12.7-alpine3.20"
    assert suggest("3.13.0rc2-slim") == "3.14.7-slim"


def test_the_hub_url_comes_from_the_option_then_the_environment() -> None:
    assert docker_hub_url(None, {}) == DEFAULT_DOCKER_HUB_URL
    assert docker_hub_url(None, {"DEPCHECK_DOCKER_HUB_URL": "http://hub.example/"}) == "http://hub.example"
    assert docker_hub_url("http://option.example", {"DEPCHECK_DOCKER_HUB_URL": "http://hub.example"}) == (
        "http://option.example"
    )


# --- faults surface as RegistryUnavailable naming the registry --------------------------------------


async def test_hub_500_names_docker_hub(registry: FakeRegistry, http: HttpClient) -> None:
    registry.fail("/v2/namespaces/library/repositories/python/tags", status=500, times=None)
    with pytest.raises(RegistryUnavailable) as raised:
        await client(registry, http).image(None, "library/python")
    assert raised.value.registry == "Docker Hub"
    assert raised.value.reason == "HTTP 500 after 4 attempts"


async def test_hub_429_past_the_retries_is_unavailable(registry: FakeRegistry, http: HttpClient) -> None:
    registry.throttle("/v2/namespaces/library/repositories/python/tags", retry_after="0", times=None)
    with pytest.raises(RegistryUnavailable, match=r"^Docker Hub: HTTP 429 after 4 attempts$"):
        await client(registry, http).image(None, "library/python")


async def test_a_connection_reset_is_unavailable(registry: FakeRegistry, http: HttpClient) -> None:
    registry.reset("/v2/namespaces/library/repositories/node/tags", times=None)
    with pytest.raises(RegistryUnavailable) as raised:
        await client(registry, http).image(None, "library/node")
    assert raised.value.registry == "Docker Hub"
    assert raised.value.reason.startswith("connection reset")


async def test_one_500_is_retried_transparently(registry: FakeRegistry, http: HttpClient) -> None:
    registry.fail("/v2/namespaces/library/repositories/redis/tags", status=503, times=1)
    facts = await client(registry, http).image(None, "library/redis")
    assert facts.found is True
    assert registry.count("/v2/namespaces/library/repositories/redis/tags") == 2


async def test_a_hub_page_of_the_wrong_shape_is_a_protocol_error(
    registry: FakeRegistry, http: HttpClient
) -> None:
    registry.wrong_shape("/v2/namespaces/library/repositories/redis/tags", times=None)
    with pytest.raises(
        RegistryProtocolError, match=r"^Docker Hub: Docker Hub tags page without a results list"
    ):
        await client(registry, http).image(None, "library/redis")


async def test_oci_500_names_the_host(registry: FakeRegistry, http: HttpClient) -> None:
    registry.fail("/oci/ghcr.io/v2/astral-sh/uv/tags/list", status=502, times=None)
    with pytest.raises(RegistryUnavailable) as raised:
        await client(registry, http).image("ghcr.io", "astral-sh/uv")
    assert raised.value.registry == "ghcr.io"
    assert raised.value.reason == "HTTP 502 after 4 attempts"


# --- OCI distribution ---------------------------------------------------------------------------


async def test_the_anonymous_token_flow(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image("ghcr.io", "astral-sh/uv")
    assert facts.found is True
    assert facts.registry == "ghcr.io"
    assert "0.11.32-python3.12-trixie-slim" in facts.tags
    assert len(facts.tags) == 19
    steps = [(request.method, request.path, request.query) for request in registry.requests]
    assert steps == [
        ("GET", "/oci/ghcr.io/v2/astral-sh/uv/tags/list", "n=1000"),
        ("GET", "/oci/ghcr.io/token", "service=ghcr.io&scope=repository:astral-sh/uv:pull"),
        ("GET", "/oci/ghcr.io/v2/astral-sh/uv/tags/list", "n=1000"),
    ]
    bearer = registry.requests[2].headers["authorization"]
    assert bearer.startswith("Bearer ")


async def test_a_token_is_reused_for_the_same_repository(registry: FakeRegistry, http: HttpClient) -> None:
    docker = client(registry, http)
    await docker.image("ghcr.io", "astral-sh/uv")
    digest = await docker.digest("ghcr.io", "astral-sh/uv", "0.11.32")
    assert digest is not None
    assert digest.startswith("sha256:")
    assert registry.count("/oci/ghcr.io/token") == 1
    head = [request for request in registry.requests if request.method == "HEAD"]
    assert len(head) == 1
    assert head[0].headers["accept"] == MANIFEST_ACCEPT
    assert head[0].headers["authorization"].startswith("Bearer ")


async def test_tags_list_pages_are_followed_through_link(registry: FakeRegistry, http: HttpClient) -> None:
    docker_options(registry).oci_page_size = 5
    facts = await client(registry, http).image("ghcr.io", "astral-sh/uv")
    assert len(facts.tags) == 19
    assert registry.count("/oci/ghcr.io/v2/astral-sh/uv/tags/list") == 1 + 4  # the 401, then four pages
    assert registry.count("/oci/ghcr.io/token") == 1


async def test_a_token_under_access_token_without_expiry(registry: FakeRegistry, http: HttpClient) -> None:
    options = docker_options(registry)
    options.token_field, options.token_expires_in = "access_token", None
    facts = await client(registry, http).image("quay.io", "keycloak/keycloak")
    assert facts.tags.keys() >= {"26.2", "26.2.5", "26.4.5", "latest", "nightly"}


async def test_bearer_is_chosen_among_several_challenges(registry: FakeRegistry, http: HttpClient) -> None:
    docker_options(registry).extra_challenge = 'Basic realm="Registry Realm, with a comma"'
    facts = await client(registry, http).image("quay.io", "projectquay/clair")
    assert "4.7.2" in facts.tags


async def test_a_private_repository_is_not_found_or_private(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image("ghcr.io", "example-org/private-app")
    assert facts == ImageFacts(
        registry="ghcr.io", repository="example-org/private-app", found=False, private=True
    )


async def test_a_private_repository_is_read_with_stored_credentials(
    registry: FakeRegistry, http: HttpClient, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps({"auths": {"https://ghcr.io": {"username": "ci-bot", "password": "s3cr3t-pat"}}})
    )
    facts = await client(registry, http, DockerCredentials(config)).image(
        "ghcr.io", "example-org/private-app"
    )
    assert facts.found is True
    assert sorted(facts.tags) == ["1.4", "1.4.0", "1.4.2", "latest"]


async def test_wrong_credentials_leave_a_private_repository_hidden(
    registry: FakeRegistry, http: HttpClient, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"auths": {"ghcr.io": {"username": "ci-bot", "password": "wrong"}}}))
    facts = await client(registry, http, DockerCredentials(config)).image(
        "ghcr.io", "example-org/private-app"
    )
    assert (facts.found, facts.private) == (False, True)


async def test_a_missing_oci_repository(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image("ghcr.io", "nobody/nothing")
    assert (facts.found, facts.private) == (False, False)


async def test_a_registry_that_hides_missing_repositories(registry: FakeRegistry, http: HttpClient) -> None:
    docker_options(registry).hide_missing = True
    facts = await client(registry, http).image("ghcr.io", "nobody/nothing")
    assert (facts.found, facts.private) == (False, True)


async def test_a_missing_tag_has_no_digest(registry: FakeRegistry, http: HttpClient) -> None:
    assert await client(registry, http).digest("ghcr.io", "astral-sh/uv", "9.9.9") is None


async def test_gcr_tags_list_gives_digests(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await client(registry, http).image("gcr.io", "cadvisor/cadvisor")
    assert facts.tags["latest"].digest == facts.tags["v0.52.1"].digest
    assert facts.tags["latest"].digest is not None
    assert facts.tags["v0.47.2"].last_updated == dt.datetime(2025, 11, 20, 0, 53, 20, tzinfo=dt.UTC)


async def test_fill_digests_lets_an_oci_floating_tag_find_its_exact_tag(
    registry: FakeRegistry, http: HttpClient
) -> None:
    docker = client(registry, http)
    facts = await docker.image("ghcr.io", "astral-sh/uv")
    assert facts.tags["0.11"].digest is None
    filled = await docker.fill_digests(facts, ["0.11", "0.11.31", "0.11.32", "no-such-tag"])
    assert filled.tags["0.11"].digest == filled.tags["0.11.32"].digest
    assert filled.tags["0.11.31"].digest != filled.tags["0.11.32"].digest
    assert suggest_tag(filled, current_tag="0.11", current_digest=None, policy=Policy()) == "0.11.32"


async def test_a_loopback_registry_is_spoken_to_over_plain_http(
    registry: FakeRegistry, http: HttpClient
) -> None:
    host = registry.url.removeprefix("http://")
    docker = DockerRegistry(http, credentials=ANONYMOUS)
    facts = await docker.image(host, "team/app")
    assert sorted(facts.tags) == ["1.2", "1.2.0", "1.2.3", "latest"]
    assert registry.count("/v2/team/app/tags/list") == 2
    assert registry.count("/token") == 1


async def test_schemes_https_by_default_http_for_loopback_and_insecure_hosts(http: HttpClient) -> None:
    docker = DockerRegistry(
        http,
        credentials=ANONYMOUS,
        insecure_registries=["registry.lan:5000"],
        endpoints={"ghcr.io": "http://127.0.0.1:9/oci/ghcr.io/"},
    )
    assert docker.base_url("ghcr.io") == "http://127.0.0.1:9/oci/ghcr.io"
    assert docker.base_url("quay.io") == "https://quay.io"
    assert docker.base_url("registry.example.com:5000") == "https://registry.example.com:5000"
    assert docker.base_url("localhost:5000") == "http://localhost:5000"
    assert docker.base_url("127.0.0.1:5000") == "http://127.0.0.1:5000"
    assert docker.base_url("[::1]:5000") == "http://[::1]:5000"
    assert docker.base_url("registry.lan:5000") == "http://registry.lan:5000"


async def test_a_manifest_without_docker_content_digest_is_hashed() -> None:
    body = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept"] == MANIFEST_ACCEPT
        return httpx.Response(
            200, content=body, headers={"content-type": "application/vnd.oci.image.index.v1+json"}
        )

    async with HttpClient(transport=httpx.MockTransport(answer)) as http:
        docker = DockerRegistry(http, credentials=ANONYMOUS)
        digest = await docker.digest("registry.example", "team/app", "1.0")
    assert digest == "sha256:" + hashlib.sha256(body).hexdigest()


async def test_a_token_realm_the_url_guard_refuses_is_not_asked(registry: FakeRegistry) -> None:
    # A registry writes its realm itself: one pointing at an internal address is refused, by name.
    docker_options(registry).extra_challenge = 'Bearer realm="http://bob:pw@10.0.0.7/token",service="x"'
    shown: list[str] = []

    async def guard(url: str) -> None:
        shown.append(url)
        if urlsplit(url).hostname == "10.0.0.7":
            raise UrlRefused(url, "not a public address (10.0.0.7 is a private address)")

    async with HttpClient(timeout=0.5, backoff_base=0.01, url_guard=guard) as http:
        with pytest.raises(RequestRefused) as raised:
            await client(registry, http).image("ghcr.io", "astral-sh/uv")
    assert raised.value.registry == "ghcr.io"
    assert raised.value.reason == (
        "its token realm points to http://10.0.0.7/token, not a public address "
        "(10.0.0.7 is a private address); no token was asked for"
    )
    assert shown == [
        f"{registry.url}/oci/ghcr.io/v2/astral-sh/uv/tags/list?n=1000",
        "http://10.0.0.7/token?service=x&scope=repository%3Aastral-sh%2Fuv%3Apull",
    ]
    assert [request.path for request in registry.requests] == ["/oci/ghcr.io/v2/astral-sh/uv/tags/list"]


async def test_a_tags_list_link_to_another_origin_is_not_followed(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        link = '<http://169.254.169.254/v2/team/app/tags/list?last=1.0>; rel="next"'
        return httpx.Response(200, json={"name": "team/app", "tags": ["1.0"]}, headers={"Link": link})

    async with HttpClient(transport=httpx.MockTransport(answer)) as http:
        facts = await DockerRegistry(http, credentials=ANONYMOUS).image("registry.example", "team/app")
    assert list(facts.tags) == ["1.0"]
    assert seen == ["https://registry.example/v2/team/app/tags/list?n=1000"]
    assert (
        "registry.example: not following a next page on another origin: "
        "http://169.254.169.254/v2/team/app/tags/list?last=1.0"
    ) in caplog.text


# --- header parsing -------------------------------------------------------------------------------


def test_several_challenges_with_quoted_commas_and_any_case() -> None:
    header = (
        'Basic realm="Registry, with comma", BEARER realm="https://auth.example/token",'
        'service="registry.example",scope="repository:team/app:pull,push", error="insufficient_scope"'
    )
    assert parse_challenges(header) == [
        Challenge("basic", {"realm": "Registry, with comma"}),
        Challenge(
            "bearer",
            {
                "realm": "https://auth.example/token",
                "service": "registry.example",
                "scope": "repository:team/app:pull,push",
                "error": "insufficient_scope",
            },
        ),
    ]
    chosen = preferred_challenge(header)
    assert chosen is not None
    assert chosen.scheme == "bearer"


def test_basic_is_taken_when_there_is_no_bearer() -> None:
    assert preferred_challenge('Negotiate, Basic realm="x"') == Challenge("basic", {"realm": "x"})
    assert preferred_challenge("Negotiate") is None
    assert preferred_challenge(None) is None


def test_link_next_is_resolved_against_the_request() -> None:
    base = "https://ghcr.io/v2/astral-sh/uv/tags/list?n=1000"
    assert next_link('</v2/astral-sh/uv/tags/list?last=abc&n=1000>; rel="next"', base) == (
        "https://ghcr.io/v2/astral-sh/uv/tags/list?last=abc&n=1000"
    )
    assert next_link('<https://other.example/x>; rel="prev", <?last=b>; rel=next', base) == (
        "https://ghcr.io/v2/astral-sh/uv/tags/list?last=b"
    )
    assert next_link(None, base) is None
