"""pip's --find-links locations: folders, HTML files and pages over HTTP, read as pip reads them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from depcheck.registries.find_links import FindLinksReader, version_for
from depcheck.registries.http import HttpClient
from depcheck.registries.interface import RegistryError, RegistryUnavailable
from depcheck.testing import FakeRegistry
from depcheck.testing.fake_registry import default_installers
from tests.fresh_python import run_fresh

SHA = "a" * 64

PAGE = f"""<!DOCTYPE html>
<html><body>
<a href="acme_tools-1.0.0-py3-none-any.whl#sha256={SHA}" data-requires-python="&gt;=3.9">acme_tools-1.0.0-py3-none-any.whl</a>
<a href="sub/acme-tools-1.2.0.tar.gz" data-yanked="broken build">acme-tools-1.2.0.tar.gz</a>
<a href="https://files.example/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl">torch</a>
<a href="README.txt">README</a>
</body></html>
"""


def wheelhouse(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in (
        "acme_tools-1.0.0-py3-none-any.whl",
        "acme_tools-1.2.0-py3-none-any.whl",
        "acme-tools-1.2.0.tar.gz",
        "attrs-25.1.0+local-py3-none-any.whl",
        "notes.txt",
    ):
        (folder / name).write_bytes(b"")
    (folder / "subfolder").mkdir(exist_ok=True)
    return folder


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    async with HttpClient(attempts=2, timeout=2.0, backoff_base=0.01) as client:
        yield client


async def test_a_folder_offers_the_files_in_it(tmp_path: Path, http: HttpClient) -> None:
    folder = wheelhouse(tmp_path / "wheels")
    reader = FindLinksReader(http)
    acme = await reader.project("ACME_Tools", str(folder))
    assert (acme.found, acme.index, acme.files_read) == (True, f"--find-links {folder}", True)
    assert {
        version: [file.filename for file in release.files] for version, release in acme.releases.items()
    } == {
        "1.0.0": ["acme_tools-1.0.0-py3-none-any.whl"],
        "1.2.0": ["acme-tools-1.2.0.tar.gz", "acme_tools-1.2.0-py3-none-any.whl"],
    }
    attrs = await reader.project("attrs", folder.as_uri())
    assert list(attrs.releases) == ["25.1.0+local"]
    assert attrs.releases["25.1.0+local"].files[0].sha256 is None
    missing = await reader.project("requests", str(folder))
    assert (missing.found, missing.index) == (False, f"--find-links {folder}")


async def test_a_relative_folder_is_taken_from_the_working_folder(tmp_path: Path, http: HttpClient) -> None:
    wheelhouse(tmp_path / "wheels")
    facts = await FindLinksReader(http, cwd=tmp_path).project("acme-tools", "wheels")
    assert list(facts.releases) == ["1.0.0", "1.2.0"]


async def test_an_html_file_offers_its_links_with_hashes_pythons_and_yanks(
    tmp_path: Path, http: HttpClient
) -> None:
    page = tmp_path / "links.html"
    page.write_text(PAGE, encoding="utf-8")
    reader = FindLinksReader(http)
    acme = await reader.project("acme-tools", str(page))
    first, second = acme.releases["1.0.0"], acme.releases["1.2.0"]
    assert (first.files[0].sha256, first.requires_python, first.yanked) == (SHA, ">=3.9", False)
    assert (second.yanked, second.yanked_reason) == (True, "broken build")
    torch = await reader.project("torch", page.as_uri())
    assert list(torch.releases) == ["2.13.0+cpu"]


async def test_a_location_that_does_not_exist_is_skipped_with_a_warning(
    tmp_path: Path, http: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    facts = await FindLinksReader(http).project("acme-tools", str(tmp_path / "nowhere"))
    assert facts.found is False
    assert f"--find-links {tmp_path / 'nowhere'} does not exist; skipped, as pip skips it" in caplog.text


async def test_a_page_that_cannot_be_read_is_a_registry_error(tmp_path: Path, http: HttpClient) -> None:
    page = tmp_path / "links.html"
    page.write_bytes(b"<a href='x-1.0.tar.gz'>\xff\xfe</a>")
    with pytest.raises(RegistryError) as raised:
        await FindLinksReader(http).project("x", str(page))
    assert raised.value.registry == f"--find-links {page}"
    assert raised.value.reason.startswith(f"cannot read {page}: 'utf-8' codec can't decode byte 0xff")


def links_route(registry: FakeRegistry) -> None:
    async def links(_request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    registry.app.router.add_get("/links/", links)


async def test_a_page_over_http_offers_its_links_against_its_url(http: HttpClient) -> None:
    async with FakeRegistry(installers=[links_route, *default_installers()]) as registry:
        reader = FindLinksReader(http)
        acme = await reader.project("acme-tools", f"{registry.url}/links/")
        attrs = await reader.project("torch", f"{registry.url}/links/")
        assert list(acme.releases) == ["1.0.0", "1.2.0"]
        assert list(attrs.releases) == ["2.13.0+cpu"]
        # Read once for the run, whatever the number of projects asked.
        assert registry.count("/links/") == 1


async def test_a_page_answering_404_is_skipped_and_one_failing_is_a_registry_error(
    http: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with FakeRegistry() as registry:
        facts = await FindLinksReader(http).project("acme-tools", f"{registry.url}/nothing-here/")
        assert facts.found is False
        assert f"--find-links {registry.url}/nothing-here/ answers HTTP 404; skipped" in caplog.text
        registry.fail("/broken/", status=503, times=None)
        with pytest.raises(RegistryUnavailable) as raised:
            await FindLinksReader(http).project("acme-tools", f"{registry.url}/broken/")
        assert raised.value.registry == f"--find-links {registry.url}/broken/"
        assert raised.value.reason == "HTTP 503 after 2 attempts"


@pytest.mark.parametrize(
    ("filename", "project", "version"),
    [
        ("Foo_Bar-1.0-py3-none-any.whl", "foo-bar", "1.0"),
        ("foo_bar-1.0-1-py3-none-any.whl", "foo-bar", "1.0"),
        ("foo_bar-1.0-py3-none-any.whl", "foo", None),
        ("foo-bar-1.0.tar.gz", "foo-bar", "1.0"),
        ("Foo.Bar-2.0.ZIP", "foo-bar", "2.0"),
        # pip's first dash whose prefix is the name: the rest is no PEP 440 version, and is skipped later.
        ("foo-bar-1.0.tar.gz", "foo", "bar-1.0"),
        ("foo-1.0.exe", "foo", None),
        ("foo-.tar.gz", "foo", None),
        ("README.txt", "readme", None),
    ],
)
def test_a_file_belongs_to_a_project_as_pip_decides_it(
    filename: str, project: str, version: str | None
) -> None:
    assert version_for(filename, project) == version


def test_reading_a_location_imports_no_pypi_simple(tmp_path: Path) -> None:
    """pypi-simple takes 0.65 s to import; a run with a find-links location configured must not pay it."""
    wheelhouse(tmp_path / "wheels")
    (tmp_path / "links.html").write_text(PAGE, encoding="utf-8")
    script = (
        "import asyncio, sys\n"
        "from depcheck.registries.find_links import FindLinksReader\n"
        "from depcheck.registries.http import HttpClient\n"
        "async def main():\n"
        "    async with HttpClient() as http:\n"
        "        reader = FindLinksReader(http)\n"
        f"        folder = await reader.project('acme-tools', {str(tmp_path / 'wheels')!r})\n"
        f"        page = await reader.project('acme-tools', {str(tmp_path / 'links.html')!r})\n"
        "        print(sorted(folder.releases), sorted(page.releases))\n"
        "asyncio.run(main())\n"
        "print('pypi_simple' in sys.modules)\n"
    )
    assert run_fresh(script) == "['1.0.0', '1.2.0'] ['1.0.0', '1.2.0']\nFalse\n"
