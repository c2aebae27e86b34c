"""The PyPI Simple API client against recorded and synthesized answers served on loopback."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from depcheck.registries.cache import MemoryCache
from depcheck.registries.http import HttpClient
from depcheck.registries.interface import (
    ProjectFacts,
    RegistryAuthError,
    RegistryError,
    RegistryProtocolError,
    Release,
    ReleaseFile,
)
from depcheck.registries.pypi import SimpleIndex
from depcheck.testing import FakeRegistry

DJANGO_YANK = "Release files have Windows end-of-line characters and are missing executable bits."


@pytest.fixture
async def registry() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    async with HttpClient(timeout=0.5, backoff_base=0.01) as client:
        yield client


async def test_httpx_releases_with_files_times_and_requires_python(
    registry: FakeRegistry, http: HttpClient
) -> None:
    facts = await SimpleIndex(http, index_url=registry.index_url, files=True).project("httpx")
    assert facts.found
    assert facts.files_read is True
    assert facts.name == "httpx"
    assert facts.index == registry.index_url
    assert len(facts.releases) == 76
    release = facts.releases["0.28.1"]
    assert release.yanked is False
    assert release.requires_python == ">=3.8"
    assert release.upload_time == dt.datetime(2024, 12, 6, 15, 37, 21, 509172, tzinfo=dt.UTC)
    assert sorted(file.filename for file in release.files) == [
        "httpx-0.28.1-py3-none-any.whl",
        "httpx-0.28.1.tar.gz",
    ]
    assert "1.0.dev6" in facts.releases


async def test_an_audit_reads_release_summaries_without_files(
    registry: FakeRegistry, http: HttpClient
) -> None:
    index = SimpleIndex(http, index_url=registry.index_url)
    facts = await index.project("httpx")
    release = facts.releases["0.28.1"]
    assert facts.files_read is False
    assert (release.files, release.installable_pythons, release.requires_python) == ((), (">=3.8",), ">=3.8")
    assert release.upload_time == dt.datetime(2024, 12, 6, 15, 37, 21, 509172, tzinfo=dt.UTC)
    with_files = await index.with_files().project("httpx")
    assert [file.filename for file in with_files.releases["0.28.1"].files] == [
        "httpx-0.28.1-py3-none-any.whl",
        "httpx-0.28.1.tar.gz",
    ]


async def test_django_yanks_carry_their_reason(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await SimpleIndex(http, index_url=registry.index_url).project("Django")
    yanked = {version: release.yanked_reason for version, release in facts.releases.items() if release.yanked}
    assert yanked == {"4.2.12": DJANGO_YANK, "5.0.5": DJANGO_YANK}
    assert facts.releases["6.1.3"].requires_python == ">=3.12"


async def test_an_unknown_project_is_not_found(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await SimpleIndex(http, index_url=registry.index_url).project("Reqeusts_Toolbelt.Extra")
    assert facts == ProjectFacts(name="reqeusts-toolbelt-extra", found=False, index=registry.index_url)
    assert registry.requests[0].path == "/simple/reqeusts-toolbelt-extra/"


async def test_the_accept_header_prefers_json(registry: FakeRegistry, http: HttpClient) -> None:
    await SimpleIndex(http, index_url=registry.index_url).project("flask")
    assert registry.requests[0].headers["accept"] == (
        "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.1, text/html;q=0.01"
    )


async def test_an_html_only_index_gives_the_same_releases_and_yanks(http: HttpClient) -> None:
    async with FakeRegistry() as json_index, FakeRegistry(html_only=True) as html_index:
        from_json = await SimpleIndex(http, index_url=json_index.index_url).project("django")
        from_html = await SimpleIndex(http, index_url=html_index.index_url).project("django")
    assert html_index.count("/simple/django/") == 1
    assert from_html.releases.keys() == from_json.releases.keys()
    assert from_html.releases["5.0.5"].yanked_reason == DJANGO_YANK
    assert from_html.releases["6.1.3"].requires_python == ">=3.12"
    # PEP 503 pages carry no upload times; only JSON (PEP 700) does.
    assert from_html.releases["6.1.3"].upload_time is None


async def test_a_mirror_answer_with_api_version_1_1(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await SimpleIndex(http, index_url=registry.index_url, files=True).project("synthetic-mirror")
    assert facts.releases == {
        "3.0": Release(
            version="3.0",
            files=(
                ReleaseFile(
                    filename="synthetic_mirror-3.0-py3-none-any.whl",
                    sha256="2a79526bb44b129bf3540f0f01bfeb076bf40d91fcfdd1c91f16d0877a207a47",
                    requires_python=">=3.9",
                    upload_time=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                ),
            ),
            upload_time=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            requires_python=">=3.9",
        ),
        "3.1": Release(
            version="3.1",
            files=(
                ReleaseFile(
                    filename="synthetic_mirror-3.1-py3-none-any.whl",
                    sha256="c4bbee1251d09c57ec090b0fb8a7d4410a22a4921236961a06d2ccb2e8c88328",
                    requires_python=">=3.9",
                    yanked=True,
                    yanked_reason="Incorrect git commit was used for cutting release",
                    upload_time=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
                ),
            ),
            yanked=True,
            yanked_reason="Incorrect git commit was used for cutting release",
            upload_time=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
            requires_python=">=3.9",
        ),
    }


async def test_api_version_1_4_with_project_status(registry: FakeRegistry, http: HttpClient) -> None:
    facts = await SimpleIndex(http, index_url=registry.index_url).project("synthetic-yanked-newest")
    assert facts.status == "active"
    # 0.9.0 is listed in "versions" but has no files: installers never see it.
    assert list(facts.releases) == ["1.0.0", "1.1.0", "1.2.0"]
    # One of 1.0.0's two files is yanked: the release is not.
    assert facts.releases["1.0.0"].yanked is False
    assert facts.releases["1.2.0"].yanked is True
    assert facts.releases["1.2.0"].yanked_reason == "Broken wheel: imports fail on import"
    assert facts.releases["1.0.0"].upload_time == dt.datetime(2024, 1, 10, 9, 0, tzinfo=dt.UTC)


async def test_api_version_2_is_rejected_without_retrying(registry: FakeRegistry, http: HttpClient) -> None:
    with pytest.raises(RegistryProtocolError) as raised:
        await SimpleIndex(http, index_url=registry.index_url).project("synthetic-api-v2")
    assert raised.value.reason == "Simple API version 2.0 is not supported (depcheck reads 1.x)"
    assert registry.count() == 1


async def test_a_version_2_content_type_is_rejected(registry: FakeRegistry, http: HttpClient) -> None:
    registry.add_project(
        "future",
        {"meta": {"api-version": "1.0"}, "name": "future", "files": []},
        {"content-type": "application/vnd.pypi.simple.v2+json"},
    )
    with pytest.raises(RegistryProtocolError, match=r"content type application/vnd\.pypi\.simple\.v2\+json"):
        await SimpleIndex(http, index_url=registry.index_url).project("future")


async def test_truncated_json_once_is_fetched_again(registry: FakeRegistry, http: HttpClient) -> None:
    registry.truncate("/simple/httpx/", times=1)
    facts = await SimpleIndex(http, index_url=registry.index_url).project("httpx")
    assert "0.28.1" in facts.releases
    assert registry.count("/simple/httpx/") == 2


async def test_truncated_json_forever_is_a_protocol_error(registry: FakeRegistry, http: HttpClient) -> None:
    registry.truncate("/simple/httpx/", times=None)
    with pytest.raises(RegistryProtocolError) as raised:
        await SimpleIndex(http, index_url=registry.index_url).project("httpx")
    assert raised.value.reason.startswith(f"invalid JSON from {registry.index_url}/httpx/")
    assert raised.value.reason.endswith(" after 4 attempts")


async def test_wrongly_shaped_json_once_is_fetched_again(registry: FakeRegistry, http: HttpClient) -> None:
    registry.wrong_shape("/simple/flask/", times=1)
    facts = await SimpleIndex(http, index_url=registry.index_url).project("flask")
    assert "3.1.3" in facts.releases
    assert registry.count("/simple/flask/") == 2


async def test_wrongly_shaped_json_forever_is_a_protocol_error(
    registry: FakeRegistry, http: HttpClient
) -> None:
    registry.wrong_shape(
        "/simple/flask/", times=None, body=b'{"meta": {"api-version": "1.1"}, "name": "flask", "files": {}}'
    )
    with pytest.raises(RegistryProtocolError) as raised:
        await SimpleIndex(http, index_url=registry.index_url).project("flask")
    assert raised.value.reason == (
        f"unexpected JSON from {registry.index_url}/flask/: Expected `array`, got `object` - at `$.files` after 4 attempts"
    )


async def test_a_5xx_outage_becomes_a_registry_error(registry: FakeRegistry, http: HttpClient) -> None:
    registry.fail("/simple/*", status=502, times=None)
    with pytest.raises(RegistryError, match="HTTP 502 after 4 attempts"):
        await SimpleIndex(http, index_url=registry.index_url).project("flask")


async def test_refused_credentials_are_an_auth_error(registry: FakeRegistry, http: HttpClient) -> None:
    registry.fail("/simple/flask/", status=401, times=None)
    with pytest.raises(RegistryAuthError, match="HTTP 401 for flask"):
        await SimpleIndex(http, index_url=registry.index_url).project("flask")


async def test_unparsable_versions_are_skipped(
    registry: FakeRegistry, http: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="depcheck.registries")
    registry.add_project(
        "odd",
        {
            "meta": {"api-version": "1.0"},
            "name": "odd",
            "files": [
                {"filename": "odd-1.0.tar.gz", "url": "odd-1.0.tar.gz", "hashes": {}},
                {"filename": "odd-nightly-build.tar.gz", "url": "odd-nightly-build.tar.gz", "hashes": {}},
            ],
        },
    )
    facts = await SimpleIndex(http, index_url=registry.index_url).project("odd")
    assert list(facts.releases) == ["1.0"]
    assert "odd-nightly-build.tar.gz" in caplog.text


async def test_a_call_can_name_its_own_index(http: HttpClient) -> None:
    async with FakeRegistry() as configured, FakeRegistry() as from_the_file:
        index = SimpleIndex(http, index_url=configured.index_url)
        facts = await index.project("httpx", index_url=from_the_file.index_url)
    assert facts.index == from_the_file.index_url
    assert (configured.count(), from_the_file.count()) == (0, 1)


async def test_without_an_index_pip_configuration_is_used(
    registry: FakeRegistry, http: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", registry.index_url)
    facts = await SimpleIndex(http).project("flask")
    assert facts.index == registry.index_url
    assert registry.count("/simple/flask/") == 1


async def test_index_credentials_reach_the_server_but_not_the_facts(
    registry: FakeRegistry, http: HttpClient
) -> None:
    secret_index = registry.index_url.replace("http://", "http://ci:t0ken@")
    facts = await SimpleIndex(http, index_url=secret_index).project("flask")
    assert facts.index == registry.index_url
    assert registry.requests[0].headers["authorization"] == "Basic Y2k6dDBrZW4="


async def test_only_http_https_and_file_indexes_are_asked(http: HttpClient) -> None:
    with pytest.raises(RegistryError, match="only http, https and file indexes can be asked, not ftp"):
        await SimpleIndex(http, index_url="ftp://mirror.example/simple").project("flask")
    with pytest.raises(
        RegistryError, match="only http, https and file indexes can be asked, not a bare path"
    ):
        await SimpleIndex(http, index_url="/srv/mirror/simple").project("flask")


# --- file: indexes --------------------------------------------------------------------------------------

LOCAL_PAGE = """<!DOCTYPE html><html><body>
<a href="../../files/acme_tools-1.0.0.tar.gz#sha256={a}">acme_tools-1.0.0.tar.gz</a>
<a href="../../files/acme_tools-1.2.0-py3-none-any.whl#sha256={b}" data-requires-python="&gt;=3.9">\
acme_tools-1.2.0-py3-none-any.whl</a>
<a href="../../files/acme_tools-1.1.0-py3-none-any.whl#sha256={c}" data-yanked="broken metadata">\
acme_tools-1.1.0-py3-none-any.whl</a>
</body></html>
""".format(a="aa" * 32, b="bb" * 32, c="cc" * 32)


@pytest.fixture
def local_index(tmp_path: Path) -> str:
    """A local index laid out like pip's wheelhouses (``simple/<name>/index.html``, ``files/``); its URL."""
    root = tmp_path / "simple"
    (root / "acme-tools").mkdir(parents=True)
    (root / "acme-tools" / "index.html").write_text(LOCAL_PAGE)
    return root.as_uri()


async def test_a_file_index_is_read_from_its_project_pages(http: HttpClient, local_index: str) -> None:
    cache = MemoryCache()
    index = SimpleIndex(http, index_url=local_index, cache=cache)

    facts = await index.project("Acme_Tools")

    assert (facts.name, facts.found, facts.index, facts.files_read) == (
        "acme-tools",
        True,
        local_index,
        False,
    )
    assert facts.releases == {
        "1.0.0": Release(version="1.0.0"),
        "1.1.0": Release(version="1.1.0", yanked=True, yanked_reason="broken metadata"),
        "1.2.0": Release(version="1.2.0", requires_python=">=3.9"),
    }
    assert facts.releases["1.2.0"].installable_pythons == (">=3.9",)
    assert len(cache) == 0  # local pages are read, never cached


async def test_a_file_index_gives_the_files_and_hashes_when_asked(http: HttpClient, local_index: str) -> None:
    facts = await SimpleIndex(http, index_url=local_index).with_files().project("acme-tools")

    assert facts.files_read is True
    assert facts.releases["1.2.0"].files == (
        ReleaseFile(filename="acme_tools-1.2.0-py3-none-any.whl", sha256="bb" * 32, requires_python=">=3.9"),
    )
    assert facts.releases["1.1.0"].files == (
        ReleaseFile(
            filename="acme_tools-1.1.0-py3-none-any.whl",
            sha256="cc" * 32,
            yanked=True,
            yanked_reason="broken metadata",
        ),
    )


async def test_a_project_missing_from_a_file_index_is_not_found(http: HttpClient, local_index: str) -> None:
    facts = await SimpleIndex(http, index_url=local_index).project("acme-tols")
    assert facts == ProjectFacts(name="acme-tols", found=False, index=local_index)


async def test_a_file_localhost_index_is_the_same_index(http: HttpClient, local_index: str) -> None:
    localhost = local_index.replace("file:///", "file://localhost/") + "/"
    facts = await SimpleIndex(http).project("acme-tools", index_url=localhost)
    assert (facts.index, list(facts.releases)) == (localhost.rstrip("/"), ["1.0.0", "1.1.0", "1.2.0"])


async def test_a_file_index_page_is_read_once_per_run(
    http: HttpClient, tmp_path: Path, local_index: str
) -> None:
    index = SimpleIndex(http, index_url=local_index)
    first = await index.project("acme-tools")
    (tmp_path / "simple" / "acme-tools" / "index.html").write_text("<html></html>")

    again = await index.project("acme-tools")

    assert again is first


async def test_an_unreadable_file_index_page_is_an_error_naming_the_index_and_path(
    http: HttpClient, tmp_path: Path, local_index: str
) -> None:
    page = tmp_path / "simple" / "acme-lib" / "index.html"
    page.mkdir(parents=True)

    with pytest.raises(RegistryError) as raised:
        await SimpleIndex(http, index_url=local_index).project("acme-lib")

    assert (raised.value.registry, raised.value.reason) == (
        local_index,
        f"cannot read {page}: Is a directory",
    )


async def test_an_unsupported_api_version_on_a_file_index_names_the_page(
    http: HttpClient, tmp_path: Path, local_index: str
) -> None:
    page = tmp_path / "simple" / "acme-lib" / "index.html"
    page.parent.mkdir()
    page.write_text('<html><head><meta name="pypi:repository-version" content="2.0"></head></html>')

    with pytest.raises(RegistryProtocolError) as raised:
        await SimpleIndex(http, index_url=local_index).project("acme-lib")

    assert (raised.value.registry, raised.value.reason) == (
        local_index,
        f"{page}: Simple API version 2.0 is not supported (depcheck reads 1.x)",
    )


async def test_an_unreadable_api_version_in_an_html_page_is_a_protocol_error(
    http: HttpClient, tmp_path: Path, local_index: str
) -> None:
    page = tmp_path / "simple" / "acme-lib" / "index.html"
    page.parent.mkdir()
    page.write_text('<html><head><meta name="pypi:repository-version" content="one"></head></html>')

    with pytest.raises(RegistryProtocolError) as raised:
        await SimpleIndex(http, index_url=local_index).project("acme-lib")

    assert raised.value.reason == f"{page}: unreadable Simple API version 'one'"


async def test_each_project_is_asked_once_per_run(registry: FakeRegistry, http: HttpClient) -> None:
    index = SimpleIndex(http, index_url=registry.index_url)
    facts = await index.projects(["Flask", "flask", "FLASK", "django"])
    assert [fact.name for fact in facts] == ["flask", "flask", "flask", "django"]
    assert registry.count("/simple/flask/") == 1
