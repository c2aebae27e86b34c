"""Local PEP 503 indexes read as pip reads a ``file:`` index: ``<index>/<name>/index.html``, anything
missing a "not here", anything unreadable an error naming the path."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from depcheck.registries.interface import RegistryError
from depcheck.registries.local_index import LocalIndex, url_to_path

PAGE = (
    "<!DOCTYPE html><html><body>\n"
    '<a href="../../files/acme_tools-1.2.0-py3-none-any.whl#sha256=' + "ab" * 32 + '">'
    "acme_tools-1.2.0-py3-none-any.whl</a>\n"
    "</body></html>\n"
)


@pytest.fixture
def simple(tmp_path: Path) -> Path:
    """A local index laid out as pip's wheelhouses are: ``simple/<name>/index.html`` beside ``files/``."""
    root = tmp_path / "simple"
    (root / "acme-tools").mkdir(parents=True)
    (root / "acme-tools" / "index.html").write_text(PAGE)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "acme_tools-1.2.0-py3-none-any.whl").write_bytes(b"")
    return root


def index_of(root: Path) -> LocalIndex:
    return LocalIndex(root.as_uri())


# --- URLs to paths ----------------------------------------------------------------------------------------


def test_a_file_url_is_its_path() -> None:
    assert url_to_path("file:///opt/pypi/simple/acme-tools/", windows=False) == "/opt/pypi/simple/acme-tools/"


def test_localhost_is_the_same_as_no_host() -> None:
    assert url_to_path("file://localhost/opt/pypi/simple/", windows=False) == "/opt/pypi/simple/"


def test_percent_encoded_paths_are_decoded() -> None:
    assert url_to_path("file:///srv/my%20index/simple/", windows=False) == "/srv/my index/simple/"


def test_another_host_cannot_be_read_outside_windows() -> None:
    with pytest.raises(ValueError, match=r"a file: URL naming another host \(files.example\) cannot be read"):
        url_to_path("file://files.example/simple/", windows=False)


def test_only_file_urls_are_paths() -> None:
    with pytest.raises(ValueError, match="not a file: URL"):
        url_to_path("https://index.example/simple/", windows=False)


def test_windows_drive_letters_and_shares() -> None:
    assert (
        url_to_path("file:///C:/Users/me/simple/acme-tools/index.html", windows=True)
        == "C:\\Users\\me\\simple\\acme-tools\\index.html"
    )
    assert url_to_path("file://localhost/C:/my%20index/x.html", windows=True) == "C:\\my index\\x.html"
    assert (
        url_to_path("file://server/share/simple/acme-tools/index.html", windows=True)
        == "\\\\server\\share\\simple\\acme-tools\\index.html"
    )


# --- reading a project's page -------------------------------------------------------------------------


def test_a_project_page_is_its_index_html_as_an_html_answer(simple: Path) -> None:
    page = index_of(simple).project_page("acme-tools")

    assert page is not None
    assert page.path == str(simple / "acme-tools" / "index.html")
    assert (page.response.url, page.response.status, page.response.content_type) == (
        f"{simple.as_uri()}/acme-tools/",
        200,
        "text/html",
    )
    assert page.response.body == PAGE.encode()


def test_a_file_localhost_url_reads_the_same_page(simple: Path) -> None:
    page = LocalIndex(f"file://localhost{simple}/").project_page("acme-tools")

    assert page is not None
    assert page.response.body == PAGE.encode()


def test_a_percent_encoded_index_directory_is_found(tmp_path: Path) -> None:
    root = tmp_path / "my index" / "simple"
    (root / "acme-tools").mkdir(parents=True)
    (root / "acme-tools" / "index.html").write_text(PAGE)

    page = LocalIndex(root.as_uri()).project_page("acme-tools")

    assert root.as_uri().endswith("/my%20index/simple")
    assert page is not None
    assert page.path == str(root / "acme-tools" / "index.html")


def test_a_missing_project_directory_is_not_on_the_index(simple: Path) -> None:
    assert index_of(simple).project_page("acme-tols") is None


def test_a_file_in_place_of_the_project_directory_is_not_on_the_index(simple: Path) -> None:
    (simple / "acme-lib").write_text(PAGE)
    assert index_of(simple).project_page("acme-lib") is None


def test_a_project_directory_without_index_html_is_not_on_the_index(simple: Path) -> None:
    # pip reads no PEP 691 index.json from a directory; only index.html.
    (simple / "acme-lib").mkdir()
    (simple / "acme-lib" / "index.json").write_text('{"meta": {"api-version": "1.0"}, "name": "acme-lib"}')
    assert index_of(simple).project_page("acme-lib") is None


def test_a_missing_index_directory_finds_nothing_and_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index = LocalIndex((tmp_path / "nowhere" / "simple").as_uri())

    with caplog.at_level(logging.WARNING, logger="depcheck.registries.local_index"):
        assert index.project_page("acme-tools") is None
        assert index.project_page("acme-lib") is None

    assert caplog.messages == [
        f"{index.url}: the index directory {tmp_path}/nowhere/simple/ does not exist; pip finds nothing there"
    ]


def test_a_directory_in_place_of_index_html_is_an_error_naming_it(simple: Path) -> None:
    (simple / "acme-lib" / "index.html").mkdir(parents=True)

    with pytest.raises(RegistryError) as raised:
        index_of(simple).project_page("acme-lib")

    assert raised.value.registry == simple.as_uri()
    assert raised.value.reason == f"cannot read {simple}/acme-lib/index.html: Is a directory"


def test_a_page_that_is_not_utf8_is_an_error_naming_it(simple: Path) -> None:
    (simple / "acme-lib").mkdir()
    (simple / "acme-lib" / "index.html").write_bytes(b"<a href='acme_lib-1.0.tar.gz'>caf\xe9</a>")

    with pytest.raises(RegistryError) as raised:
        index_of(simple).project_page("acme-lib")

    assert raised.value.reason == (
        f"cannot read {simple}/acme-lib/index.html: not UTF-8 (byte 33: invalid continuation byte)"
    )


def test_a_page_that_may_not_be_read_is_an_error_naming_it(
    simple: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated, so that the test holds when run as root (whom file modes do not stop).
    def refused(path: str, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr("depcheck.registries.local_index.open", refused, raising=False)

    with pytest.raises(RegistryError) as raised:
        index_of(simple).project_page("acme-tools")

    assert raised.value.reason == f"cannot read {simple}/acme-tools/index.html: Permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="file modes do not stop root")
def test_an_index_html_with_no_read_permission_is_an_error_naming_it(simple: Path) -> None:
    page = simple / "acme-tools" / "index.html"
    page.chmod(0)
    try:
        with pytest.raises(RegistryError, match=f"cannot read {page}: Permission denied"):
            index_of(simple).project_page("acme-tools")
    finally:
        page.chmod(0o644)


def test_a_project_directory_that_may_not_be_looked_into_is_an_error_naming_it(
    simple: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pip would quietly skip the index; a private project must not then look invented.
    def refused(path: str) -> Any:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr("depcheck.registries.local_index.os.stat", refused)

    with pytest.raises(RegistryError) as raised:
        index_of(simple).project_page("acme-tools")

    assert raised.value.reason == f"cannot look into {simple}/acme-tools/: Permission denied"


def test_a_remote_file_url_is_an_error_naming_the_index() -> None:
    with pytest.raises(RegistryError) as raised:
        LocalIndex("file://files.example/simple").project_page("acme-tools")

    assert raised.value.registry == "file://files.example/simple"
    assert raised.value.reason.startswith("a file: URL naming another host (files.example)")
