"""PEP 503 HTML pages (index project pages and pip's find-links pages), read with the standard library.

A page is read for its links (``<a href>``, taken against the page's URL or its ``<base href>``)
with what PEP 503, 592 and 700's HTML forms put on them: the ``#<hash>=<digest>`` fragment,
``data-requires-python`` and ``data-yanked`` (HTML entities decoded); and for an index page the
``pypi:repository-version`` and PEP 792 ``pypi:project-status`` ``<meta>`` tags. A file is named
by its URL's last segment, percent-decoded, as pip names candidates (PEP 503 requires the link
text to be the same).

pypi-simple reads the same pages and stays depcheck's oracle for them (the tests read every
recorded project rendered as HTML both ways and require the same releases), but takes 0.65 s to
import (Beautiful Soup, requests, pydantic): a run that reads a ``file:`` index or a find-links
page on every run, as this machine's pip configuration makes it, would pay that each time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit


@dataclass(frozen=True)
class FileLink:
    """One distribution file a page links to: its URL and what the link says about it."""

    url: str
    requires_python: str | None = None
    yanked: bool = False
    yanked_reason: str | None = None

    @property
    def filename(self) -> str:
        """The URL's last segment, percent-decoded."""
        return unquote(urlsplit(self.url).path.rsplit("/", 1)[-1])

    @property
    def sha256(self) -> str | None:
        """The ``#sha256=`` digest of the URL's fragment, as written."""
        name, _, value = urlsplit(self.url).fragment.partition("=")
        return value if name == "sha256" and value else None


@dataclass(frozen=True)
class HtmlPage:
    """What a PEP 503 page holds: its links, and its ``<meta>`` tags by name (the first of each)."""

    links: Sequence[FileLink]
    meta: dict[str, str]

    @property
    def repository_version(self) -> str | None:
        return self.meta.get("pypi:repository-version")

    @property
    def status(self) -> str | None:
        """The PEP 792 project status (``active``, ``archived``, ``quarantined``, ``deprecated``)."""
        return self.meta.get("pypi:project-status")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[dict[str, str | None]] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "a" and named.get("href"):
            self.anchors.append(named)
        elif tag == "base" and named.get("href") and self.base is None:
            self.base = named["href"]
        elif tag == "meta":
            name, content = named.get("name"), named.get("content")
            if name and content is not None:
                self.meta.setdefault(name, content)


def read_page(text: str, url: str) -> HtmlPage:
    """The links and ``<meta>`` tags of the HTML page ``text`` found at ``url``."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    base = urljoin(url, reader.base) if reader.base else url
    links = []
    for attrs in reader.anchors:
        yanked = "data-yanked" in attrs
        reason = attrs.get("data-yanked")
        links.append(
            FileLink(
                url=urljoin(base, attrs["href"] or ""),
                requires_python=attrs.get("data-requires-python") or None,
                yanked=yanked,
                yanked_reason=(reason or None) if yanked else None,
            )
        )
    return HtmlPage(tuple(links), reader.meta)
