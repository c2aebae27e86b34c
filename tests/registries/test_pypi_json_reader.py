"""depcheck's direct PEP 691 JSON reader agrees with pypi-simple's on every recorded project.

The direct reader exists for speed (pypi-simple's validated models cost over 200 ms on a large
project); pypi-simple stays the oracle: for each cassette, both must give the same releases,
files, yanks, upload times and Python requirements.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from pypi_simple import ProjectPage

from depcheck.registries.http import HttpResponse, InvalidBody
from depcheck.registries.interface import RegistryProtocolError, installable_pythons
from depcheck.registries.pypi import (
    compact_page,
    decode_project_page,
    decode_project_summary,
    expand_page,
    parse_json_page,
    version_from_filename,
)
from tests.pypi_simple_oracle import releases_from_page

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "pypi"
# Every recorded page, less the hand-made one whose API version 2.0 must be refused.
PAGES = sorted(
    path
    for path in CASSETTES.glob("*.json*")
    if not path.name.endswith(".headers.json") and path.name != "synthetic-api-v2.json"
)


def _raw(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _load(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(_raw(path))
    return data


def test_there_are_recorded_pages() -> None:
    assert len(PAGES) >= 100


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_the_direct_reader_matches_pypi_simple(path: Path) -> None:
    ours = parse_json_page(_raw(path), f"http://index.example/simple/{path.name}/")
    theirs = releases_from_page(ProjectPage.from_json_data(_load(path)))
    assert ours.releases == theirs
    # Not part of equality: the per-release summary the rules read instead of the files.
    assert {version: release.installable_pythons for version, release in ours.releases.items()} == {
        version: installable_pythons(release.files) for version, release in theirs.items()
    }


@pytest.mark.parametrize(
    ("filename", "project", "version"),
    [
        ("httpx-0.28.1-py3-none-any.whl", "httpx", "0.28.1"),
        ("httpx-0.28.1.tar.gz", "httpx", "0.28.1"),
        ("python-dateutil-2.8.2.tar.gz", "python-dateutil", "2.8.2"),
        ("python_dateutil-2.9.0.post0-py2.py3-none-any.whl", "python-dateutil", "2.9.0.post0"),
        ("Django-1.0.zip", "django", "1.0"),
        ("foo-1.0-py2.7.egg", "foo", "1.0"),
        ("not-a-distribution.txt", "foo", None),
    ],
)
def test_versions_are_read_from_file_names(filename: str, project: str, version: str | None) -> None:
    assert version_from_filename(filename, project) == version


@pytest.mark.parametrize("path", PAGES[::5], ids=lambda path: path.name)
def test_the_compact_cached_reading_gives_back_the_same_page(path: Path) -> None:
    page = parse_json_page(_raw(path), f"http://index.example/simple/{path.name}/")
    again = expand_page(compact_page(page))
    assert again == page
    assert {version: release.installable_pythons for version, release in again.releases.items()} == {
        version: installable_pythons(release.files) for version, release in page.releases.items()
    }


def _answer(path: Path) -> HttpResponse:
    return HttpResponse(
        url=f"http://index.example/simple/{path.name.split('.')[0]}/",
        status=200,
        headers={"content-type": "application/vnd.pypi.simple.v1+json"},
        body=_raw(path),
    )


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_the_summary_an_audit_reads_is_the_full_reading_less_the_files(path: Path) -> None:
    full = decode_project_page(_answer(path))
    summary = decode_project_summary(_answer(path))
    assert (full.files_read, summary.files_read) == (True, False)
    assert list(summary.releases) == list(full.releases)
    for version, release in summary.releases.items():
        assert release.files == ()
        whole = full.releases[version]
        assert (release.yanked, release.yanked_reason, release.upload_time, release.requires_python) == (
            whole.yanked,
            whole.yanked_reason,
            whole.upload_time,
            whole.requires_python,
        )
        assert release.installable_pythons == installable_pythons(whole.files)
    assert summary.compact is not None
    assert b"\n" not in summary.compact
    # The same summaries written from the full reading (upload times spelled by Python rather
    # than as the index wrote them, so compared as read back).
    assert expand_page(compact_page(full, files=False)).releases == summary.releases


def test_a_page_of_the_wrong_shape_is_fetched_again() -> None:
    answer = HttpResponse(
        url="http://index.example/simple/demo/",
        status=200,
        headers={"content-type": "application/vnd.pypi.simple.v1+json"},
        body=b'{"meta": {"api-version": "1.1"}, "name": "demo", "files": [{"filename": 7}]}',
    )
    with pytest.raises(
        InvalidBody,
        match=r"unexpected JSON from http://index.example/simple/demo/: Expected `str`, got `int` - at `\$.files\[0\].filename`",
    ):
        decode_project_summary(answer)


def test_an_unsupported_api_version_is_refused_whatever_the_shape() -> None:
    answer = HttpResponse(
        url="http://index.example/simple/demo/",
        status=200,
        headers={"content-type": "application/vnd.pypi.simple.v1+json"},
        body=b'{"meta": {"api-version": "2.0"}, "project": {"name": "demo"}}',
    )
    with pytest.raises(
        RegistryProtocolError, match=r"Simple API version 2.0 is not supported \(depcheck reads 1.x\)"
    ):
        decode_project_summary(answer)


def test_a_mirror_writing_null_for_unyanked_files_is_read() -> None:
    answer = HttpResponse(
        url="http://index.example/simple/demo/",
        status=200,
        headers={"content-type": "application/vnd.pypi.simple.v1+json"},
        body=(
            b'{"meta": {"api-version": "1.1", "_last-serial": "12"}, "name": "demo", "files": ['
            b'{"filename": "demo-1.0.tar.gz", "yanked": null, "url": "x", "hashes": {}},'
            b'{"filename": "demo-1.1.tar.gz", "yanked": "broken", "upload-time": "2024-01-02T03:04:05Z"}]}'
        ),
    )
    page = decode_project_summary(answer)
    assert [
        (version, release.yanked, release.yanked_reason) for version, release in page.releases.items()
    ] == [
        ("1.0", False, None),
        ("1.1", True, "broken"),
    ]
    assert page.releases["1.1"].upload_time == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_a_compact_reading_decodes_files_only_when_asked() -> None:
    page = parse_json_page(_raw(CASSETTES / "attrs.json"), "http://index.example/simple/attrs/")
    again = expand_page(compact_page(page))
    release = again.releases["23.1.0"]
    assert "files" not in vars(release)
    assert "upload_time" not in vars(release)  # parsed when a rule asks, not for every release
    assert release.upload_time == page.releases["23.1.0"].upload_time
    assert release.installable_pythons == (">=3.7",)
    assert [file.filename for file in release.files] == [
        "attrs-23.1.0-py3-none-any.whl",
        "attrs-23.1.0.tar.gz",
    ]
    assert release == page.releases["23.1.0"]
    assert repr(release) == repr(page.releases["23.1.0"])
    assert hash(release) == hash(page.releases["23.1.0"])


async def test_a_warm_run_reads_each_page_from_its_compact_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from depcheck.registries import pypi
    from depcheck.registries.cache import DiskCache
    from depcheck.registries.http import HttpClient
    from depcheck.testing import FakeRegistry

    reads: list[str] = []
    real = pypi._decode_page

    def counting(response: pypi.HttpResponse, *, files: bool) -> pypi.ParsedPage:
        reads.append(response.url)
        return real(response, files=files)

    monkeypatch.setattr(pypi, "_decode_page", counting)
    cache = DiskCache(tmp_path / "cache")
    async with FakeRegistry() as registry:
        for _ in range(2):
            async with HttpClient() as http:
                index = pypi.SimpleIndex(http, index_url=registry.index_url, cache=cache)
                facts = await index.project("django")
                assert facts.releases["5.0.5"].yanked is True
    cache.close()
    assert reads == [f"{registry.index_url}/django/"]


def test_reading_json_pages_never_imports_pypi_simple() -> None:
    # pypi-simple (pydantic, BeautifulSoup) costs half a second to import; the JSON path must
    # not need it, whatever file names a project lists.
    import subprocess
    import sys

    script = (
        "import gzip, json, sys, pathlib\n"
        "from depcheck.registries.pypi import parse_json_page\n"
        f"for path in sorted(pathlib.Path({str(CASSETTES)!r}).glob('*.json*')):\n"
        "    if path.name.endswith('.headers.json') or path.name == 'synthetic-api-v2.json': continue\n"
        "    raw = gzip.decompress(path.read_bytes()) if path.suffix == '.gz' else path.read_bytes()\n"
        "    parse_json_page(raw, 'u')\n"
        "print('pypi_simple' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"
