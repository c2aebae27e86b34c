"""depcheck's PEP 503 HTML reader agrees with pypi-simple's on every recorded project.

The reader exists for speed (pypi-simple takes 0.65 s to import); pypi-simple stays the oracle:
each cassette, rendered as the HTML page an index would serve (the fake registry's renderer), is
read both ways and must give the same releases, files, yanks and Python requirements.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from pypi_simple import ProjectPage

from depcheck.registries.interface import RegistryProtocolError
from depcheck.registries.pypi import parse_html_page
from depcheck.testing.fake_registry import render_html
from tests.fresh_python import run_fresh
from tests.pypi_simple_oracle import releases_from_page

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "pypi"
PAGES = sorted(
    path
    for path in CASSETTES.glob("*.json*")
    if not path.name.endswith(".headers.json") and path.name != "synthetic-api-v2.json"
)


def _data(path: Path) -> dict[str, Any]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    data: dict[str, Any] = json.loads(raw)
    return data


def test_there_are_recorded_pages() -> None:
    assert len(PAGES) >= 100


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_the_html_reader_matches_pypi_simple(path: Path) -> None:
    data = _data(path)
    project = path.name.split(".json")[0]
    html = render_html(data)
    url = f"http://index.example/simple/{project}/"
    ours = parse_html_page(html.encode(), url, project)
    theirs = ProjectPage.from_html(project, html, base_url=url)
    assert ours.releases == releases_from_page(theirs)
    assert ours.status == (str(theirs.status) if theirs.status is not None else None)


PAGE = """<!DOCTYPE html>
<html><head>
<meta name="pypi:repository-version" content="1.4">
<meta name="pypi:project-status" content="archived">
<base href="https://files.example/packages/">
</head><body>
<a href="demo-1.0.tar.gz#sha256=ABC123" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a><br/>
<a href="demo-1.1-py3-none-any.whl" data-yanked="">demo-1.1-py3-none-any.whl</a>
<a href="demo-1.2-py3-none-any.whl" data-yanked="broken &amp; withdrawn">demo-1.2-py3-none-any.whl</a>
<a href="../other/demo-2.0%2Blocal-py3-none-any.whl">demo-2.0+local-py3-none-any.whl</a>
<a href="notes.txt">notes.txt</a>
</body></html>
"""


def test_a_page_with_every_attribute_pypi_simple_reads() -> None:
    url = "https://index.example/simple/demo/"
    ours = parse_html_page(PAGE.encode(), url, "demo")
    theirs = releases_from_page(ProjectPage.from_html("demo", PAGE, base_url=url))
    assert ours.releases == theirs
    assert ours.status == "archived"
    first = ours.releases["1.0"]
    assert (first.files[0].sha256, first.requires_python) == ("ABC123", ">=3.8")
    assert (ours.releases["1.1"].yanked, ours.releases["1.1"].yanked_reason) == (True, None)
    assert ours.releases["1.2"].yanked_reason == "broken & withdrawn"
    assert list(ours.releases) == ["1.0", "1.1", "1.2", "2.0+local"]


def test_the_files_of_a_local_index_keep_their_file_url_for_hashing() -> None:
    """A ``file:`` index page links files on this machine: ``fix --hash`` may read those (pip
    hashes them itself); an index over HTTP gives none to read."""
    page = '<a href="demo-1.0.tar.gz">demo-1.0.tar.gz</a><a href="demo-1.1.tar.gz#sha256=ABC">demo-1.1.tar.gz</a>'
    local = parse_html_page(page.encode(), "file:///srv/index/demo/", "demo")
    remote = parse_html_page(page.encode(), "https://index.example/simple/demo/", "demo")
    assert [release.files[0].local_url for release in local.releases.values()] == [
        "file:///srv/index/demo/demo-1.0.tar.gz",
        "file:///srv/index/demo/demo-1.1.tar.gz#sha256=ABC",
    ]
    assert [release.files[0].local_url for release in remote.releases.values()] == [None, None]
    assert local.releases == remote.releases  # the file's place takes no part in equality


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("2.0", "index.example: Simple API version 2.0 is not supported (depcheck reads 1.x)"),
        ("one", "index.example: unreadable Simple API version 'one'"),
    ],
)
def test_a_page_of_another_api_major_version_is_refused(declared: str, message: str) -> None:
    page = f'<meta name="pypi:repository-version" content="{declared}"><a href="demo-1.0.tar.gz">x</a>'
    with pytest.raises(RegistryProtocolError) as raised:
        parse_html_page(page.encode(), "https://index.example/simple/demo/", "demo")
    assert str(raised.value) == message


def test_reading_html_pages_never_imports_pypi_simple() -> None:
    script = (
        "import sys\n"
        "from depcheck.registries.pypi import parse_html_page\n"
        "page = parse_html_page(b'<a href=\"demo-1.0.tar.gz\">demo-1.0.tar.gz</a>', 'http://i/simple/demo/', 'demo')\n"
        "print(list(page.releases), 'pypi_simple' in sys.modules)\n"
    )
    assert run_fresh(script) == "['1.0'] False\n"
