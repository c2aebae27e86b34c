"""PyPI and compatible indexes through the Simple API: what releases a project has.

:class:`SimpleIndex` asks ``<index>/<normalised-name>/`` for PEP 691 JSON, accepting PEP 503 HTML
as the fallback (mirrors and private indexes often serve only HTML). PEP 691 JSON is read
directly (fast: an audit reads hundreds of pages, some with thousands of files) and PEP 503 HTML
by :mod:`depcheck.registries.pep503` (pypi-simple, a development dependency, is the tests' oracle
for both readers: ``tests/pypi_simple_oracle.py``).
Any API version 1.x is accepted (1.1 mirrors with a string ``_last-serial`` and no ``ETag``, 1.4
with ``project-status``); another major version is a
:class:`~depcheck.registries.interface.RegistryProtocolError`. Files are grouped into releases by
the version in their file names: a release is yanked when every file is (PEP 592), its upload
time is its earliest file's (PEP 700), and versions that are not PEP 440 are skipped (logged).

A 404 is an answer: ``ProjectFacts(found=False)``. A truncated or wrongly shaped body is fetched
again like a 5xx (the HTTP layer's ``decode`` hook) and, if it stays bad,
:class:`~depcheck.registries.interface.RegistryProtocolError`. A 301 to the normalised URL is
followed.

A ``file:`` index (pip reads local PEP 503 trees too, e.g. a wheelhouse named in its
``extra-index-url``) is read from disk by :mod:`depcheck.registries.local_index` as pip reads it:
each project's ``index.html``, parsed by the same HTML path as an HTTP answer, never cached (it is
local) but, like every answer, kept for the run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from depcheck import eventloop
from depcheck.registries.cache import ResponseCache, strip_credentials
from depcheck.registries.config import default_index_url
from depcheck.registries.filenames import VersionReader
from depcheck.registries.http import HttpClient, HttpResponse, Keeper, host_of
from depcheck.registries.interface import (
    PackageIndex,
    ProjectFacts,
    RegistryAuthError,
    RegistryError,
    RegistryProtocolError,
    Release,
    ReleaseFile,
    installable_pythons,
    release_pythons,
)
from depcheck.versions import parse_version

if TYPE_CHECKING:
    from depcheck.registries.local_index import LocalIndex
    from depcheck.registries.pep503 import FileLink

logger = logging.getLogger(__name__)

ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.1, text/html;q=0.01"
"""PEP 691 JSON first, then the PEP 503 HTML flavours (the header pip and Renovate send)."""

SUPPORTED_MAJOR = 1


def _api_major(version: str, registry: str) -> None:
    """Reject an API version whose major part is not 1 (PEP 629: minor versions are compatible)."""
    try:
        major = Version(version).major
    except InvalidVersion as exc:
        raise RegistryProtocolError(registry, f"unreadable Simple API version {version!r}") from exc
    if major != SUPPORTED_MAJOR:
        raise RegistryProtocolError(
            registry, f"Simple API version {version} is not supported (depcheck reads 1.x)"
        )


def decode_project_page(response: HttpResponse) -> ParsedPage:
    """Parse a 200 answer into its releases and their files (the HTTP layer's ``decode`` hook).

    PEP 691 JSON is read by :func:`depcheck.registries.pep691.read_page` straight into the
    compact reading, which the page returned is made from (its files are built when first asked
    for) and keeps to be cached; PEP 503 HTML by :func:`parse_html_page`.

    Raises :class:`~depcheck.registries.http.InvalidBody` for a body that may be a transient
    accident (truncated or mis-shaped JSON: fetched again) and
    :class:`~depcheck.registries.interface.RegistryProtocolError` for an answer that will not
    change (an unsupported API version or content type).
    """
    return _decode_page(response, files=True)


def decode_project_summary(response: HttpResponse) -> ParsedPage:
    """:func:`decode_project_page` without the files of a JSON page (what an audit reads).

    Its releases have no ``files`` (``ParsedPage.files_read`` is false): yanks, upload times and
    ``requires-python`` are summarised per release, and no file record or hash is kept.
    """
    return _decode_page(response, files=False)


def _decode_page(response: HttpResponse, *, files: bool) -> ParsedPage:
    registry = host_of(response.url)
    media = response.content_type
    if "json" in media:
        if media.startswith("application/vnd.pypi.simple.v") and not media.startswith(
            "application/vnd.pypi.simple.v1+"
        ):
            raise RegistryProtocolError(registry, f"Simple API content type {media} is not supported")
        from depcheck.registries.pep691 import read_page

        compact = read_page(
            response.body, response.url, files=files, check_api=lambda version: _api_major(version, registry)
        )
        return expand_page(compact)
    if media in ("text/html", "application/vnd.pypi.simple.v1+html", ""):
        project = urlsplit(response.url).path.rstrip("/").rsplit("/", 1)[-1]
        parsed = parse_html_page(response.body, response.url, project)
        if files:
            return parsed
        # The same summary a JSON page gives, so that a run does not see files the next one
        # (answered from the kept summary) would not.
        compact = compact_page(parsed, files=False)
        return expand_page(compact)
    raise RegistryProtocolError(registry, f"unexpected content type {media!r} from {response.url}")


def parse_html_page(body: bytes, url: str, project: str) -> ParsedPage:
    """A PEP 503 HTML project page of ``project`` (its files by release; its status), read by
    :mod:`depcheck.registries.pep503`. A ``pypi:repository-version`` whose major version is not 1
    is refused, as for JSON pages; a later minor version is read."""
    from depcheck.registries.pep503 import read_page

    registry = host_of(url)
    page = read_page(body.decode("utf-8", errors="replace"), url)
    if page.repository_version is not None:
        _api_major(page.repository_version, registry)
    reader = VersionReader(project)

    def version_of(filename: str) -> str | None:
        # A built distribution named like an sdist (``name-1.0.win32.zip``, an old bdist_dumb)
        # carries its version before the platform, which only the full patterns know.
        quick = reader.version(filename)
        if quick is not None and parse_version(quick) is None:
            return reader.full(filename) or quick
        return quick

    files = [(version_of(link.filename), file_of_link(link)) for link in page.links]
    return ParsedPage(releases_from_files(project, files), page.status)


def file_of_link(link: FileLink) -> ReleaseFile:
    """The release file an HTML page's link describes (an index page's, a find-links page's or
    folder's), with its ``file:`` URL kept when it lies on this machine."""
    return ReleaseFile(
        filename=link.filename,
        sha256=link.sha256,
        requires_python=link.requires_python,
        yanked=link.yanked,
        yanked_reason=link.yanked_reason,
        local_url=link.url if link.url.startswith("file:") else None,
    )


def parse_json_page(body: bytes, url: str) -> ParsedPage:
    """A PEP 691 JSON page with its files (the API version is checked as :func:`decode_project_page` does)."""
    from depcheck.registries.pep691 import read_page

    registry = host_of(url)
    return expand_page(
        read_page(body, url, files=True, check_api=lambda version: _api_major(version, registry))
    )


def _release(version: str, files: list[ReleaseFile]) -> Release:
    yanked = all(file.yanked for file in files)
    times = [file.upload_time for file in files if file.upload_time is not None]
    return Release(
        version=version,
        files=tuple(files),
        yanked=yanked,
        yanked_reason=next((file.yanked_reason for file in files if file.yanked_reason), None)
        if yanked
        else None,
        upload_time=min(times) if times else None,
        requires_python=next((file.requires_python for file in files if file.requires_python), None),
        installable_pythons=installable_pythons(files),
    )


def releases_from_files(
    project: str, files: Iterable[tuple[str | None, ReleaseFile]], versions: Iterable[str] = ()
) -> dict[str, Release]:
    """Files of ``project`` grouped into releases by the (PEP 440) version each name carries
    (``None``: none; such files are skipped), oldest first, each keyed as the index writes it: its
    spelling in ``versions`` (a PEP 700 list) when listed there, else its first file's."""
    spelled: dict[Version, str] = {}
    for text in versions:
        listed = parse_version(text)
        if listed is None:
            logger.debug("%s: skipping version %r listed by the index: not PEP 440", project, text)
            continue
        spelled.setdefault(listed, text)
    grouped: dict[Version, list[ReleaseFile]] = {}
    for written, file in files:
        if written is None:
            logger.debug("%s: skipping %s: no version in the file name", project, file.filename)
            continue
        version = parse_version(written)  # many files share one version string: a cache hit
        if version is None:
            logger.debug("%s: skipping %s: version %r is not PEP 440", project, file.filename, written)
            continue
        spelled.setdefault(version, written)
        grouped.setdefault(version, []).append(file)
    return {spelled[version]: _release(spelled[version], files) for version, files in sorted(grouped.items())}


def facts_from_page(name: str, page: ParsedPage, index: str) -> ProjectFacts:
    """The :class:`~depcheck.registries.interface.ProjectFacts` a parsed page describes."""
    return ProjectFacts(
        name=canonicalize_name(name),
        found=True,
        releases=page.releases,
        index=index,
        status=page.status,
        files_read=page.files_read,
    )


@dataclass(frozen=True)
class ParsedPage:
    """A project page reduced to what depcheck uses: releases by version, and PEP 792 status."""

    releases: dict[str, Release]
    status: str | None = None
    compact: bytes | None = field(default=None, compare=False, repr=False)
    """:func:`compact_page` of this page, when the reading was made from it (a JSON page is)."""
    files_read: bool = True
    """Whether the releases carry their files (a summary reading has none: see
    :func:`decode_project_summary`)."""


COMPACT_FORMAT = 6
"""The layout of :func:`compact_page`; bump it when that changes (old entries are then unused)."""


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def compact_page(page: ParsedPage, *, files: bool = True) -> bytes:
    """A page's releases as compact JSON, in two lines: the release summaries, then the files.

    The first line is what the rules read (per release: version, yank, reason, upload time as a
    Unix time, ``requires-python`` and
    :attr:`~depcheck.registries.interface.Release.installable_pythons`); the second holds every
    file, one list per file with no key names repeated (name, sha256, ``requires-python``, yank,
    reason, upload time as the index wrote it), and is decoded only
    when a file itself is asked for (``fix --hash``). A warm audit of a project with thousands of
    files thus builds no file records at all. JSON escapes line breaks inside strings, so the
    first line break is the separator. With ``files`` false (or a page read without its files),
    the second line is left out.
    """
    files = files and page.files_read
    summaries = [
        [
            version,
            release.yanked,
            release.yanked_reason,
            _iso(release.upload_time),
            release.requires_python,
            list(release_pythons(release)),
        ]
        for version, release in page.releases.items()
    ]
    head = orjson.dumps({"status": page.status, "files": files, "releases": summaries})
    if not files:
        return head
    listed = [
        [
            [
                file.filename,
                file.sha256,
                file.requires_python,
                file.yanked,
                file.yanked_reason,
                _iso(file.upload_time),
            ]
            for file in release.files
        ]
        for release in page.releases.values()
    ]
    return head + b"\n" + orjson.dumps(listed)


class _PageFiles:
    """The files line of a compact reading, decoded on first use (once for the whole page)."""

    def __init__(self, blob: bytes) -> None:
        self.blob = blob
        self.decoded: list[list[list[Any]]] | None = None

    def release(self, index: int) -> tuple[ReleaseFile, ...]:
        if self.decoded is None:
            self.decoded = orjson.loads(self.blob)
        return tuple(
            ReleaseFile(
                filename=filename,
                sha256=sha256,
                requires_python=requires_python,
                yanked=yanked,
                yanked_reason=reason,
                upload_time=upload_moment(uploaded),
            )
            for filename, sha256, requires_python, yanked, reason, uploaded in self.decoded[index]
        )


_COMPARED = tuple(item.name for item in dataclasses.fields(Release) if item.compare)


class _ReadRelease(Release):
    """A :class:`~depcheck.registries.interface.Release` from a compact reading, files decoded lazily.

    Everything but ``files`` and ``upload_time`` is set when it is made; those two are built on
    first access (and then kept), so a release is equal to, hashes and prints like the plain
    ``Release`` it stands for. A reading made without files (``files`` is ``None``) gives releases
    with no files. The upload time is kept as the index wrote it until someone asks: a project has
    thousands of releases, and the rules ask for the times of a few.
    """

    _page_files: _PageFiles
    _index: int
    _uploaded: str | None

    def __init__(self, summary: list[Any], files: _PageFiles | None, index: int) -> None:
        version, yanked, reason, uploaded, requires_python, pythons = summary
        # The record is frozen; its fields are written once, here, through the instance
        # dictionary (which ``files`` below fills later). One item at a time: a warm audit makes
        # thousands of these, and building a keyword dictionary to update from cost a quarter more.
        fields = self.__dict__
        fields["version"] = version
        fields["yanked"] = yanked
        fields["yanked_reason"] = reason
        fields["requires_python"] = requires_python
        fields["installable_pythons"] = tuple(pythons)
        fields["_page_files"] = files
        fields["_index"] = index
        fields["_uploaded"] = uploaded
        if files is None:
            fields["files"] = ()

    @functools.cached_property
    def files(self) -> tuple[ReleaseFile, ...]:
        return self._page_files.release(self._index)

    @functools.cached_property
    def upload_time(self) -> dt.datetime | None:
        return upload_moment(self._uploaded)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _COMPARED)

    __hash__ = Release.__hash__

    def __repr__(self) -> str:
        return Release.__repr__(self).replace(type(self).__qualname__, Release.__qualname__, 1)


def expand_page(blob: bytes) -> ParsedPage:
    """The page :func:`compact_page` wrote (its files are decoded when first asked for), keeping
    ``blob`` as its ``compact``, so that caching it again writes the same bytes."""
    head, _, rest = blob.partition(b"\n")
    data = orjson.loads(head)
    if data["files"] and not (rest.startswith(b"[") and rest.endswith(b"]")):
        raise ValueError("the files line is missing or cut short")
    files = _PageFiles(rest) if data["files"] else None
    releases: dict[str, Release] = {
        summary[0]: _ReadRelease(summary, files, index) for index, summary in enumerate(data["releases"])
    }
    return ParsedPage(releases, data["status"], compact=blob, files_read=files is not None)


def version_from_filename(filename: str, project: str) -> str | None:
    """The version a distribution's file name carries (see :mod:`depcheck.registries.filenames`)."""
    return VersionReader(project).version(filename)


def upload_moment(value: object) -> dt.datetime | None:
    """A PEP 700 upload time as an aware datetime (UTC when no offset is written), or ``None``."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


class SimpleIndex(PackageIndex):
    """A PyPI-compatible index over the Simple API, through the shared :class:`HttpClient`.

    ``index_url`` is the configured default (else :func:`~depcheck.registries.config.default_index_url`
    is asked once, on first use); a call's own ``index_url`` wins. ``cache`` and ``ttl`` go to the
    HTTP layer. ``files`` says whether the releases carry their files (their hashes); an audit
    needs only the release summaries, which are read and cached without the files (see
    :func:`decode_project_summary`); :meth:`with_files` gives the index that reads them.
    """

    def __init__(
        self,
        http: HttpClient,
        *,
        index_url: str | None = None,
        cache: ResponseCache | None = None,
        ttl: float | None = None,
        files: bool = False,
    ) -> None:
        self.http = http
        self.index_url = index_url
        self.cache = cache
        self.ttl = ttl
        self.files = files
        self._facts: dict[str, ProjectFacts] = {}
        self._local: dict[str, LocalIndex] = {}

    def with_files(self) -> SimpleIndex:
        """This index, reading the files of each release too (for ``fix --hash``); same client and cache."""
        if self.files:
            return self
        return SimpleIndex(self.http, index_url=self.index_url, cache=self.cache, ttl=self.ttl, files=True)

    def _index(self, index_url: str | None) -> str:
        if index_url:
            return index_url
        if self.index_url is None:
            self.index_url = default_index_url()
        return self.index_url

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        index = self._index(index_url).rstrip("/")
        shown = strip_credentials(index)
        scheme = urlsplit(index).scheme
        if scheme not in ("http", "https", "file"):
            raise RegistryError(
                shown, f"only http, https and file indexes can be asked, not {scheme or 'a bare path'}"
            )
        normalised = canonicalize_name(name)
        url = f"{index}/{normalised}/"
        known = self._facts.get(url)
        if known is not None:
            return known
        if scheme == "file":
            facts = self._local_project(index, shown, normalised)
            self._facts[url] = facts
            return facts
        response = await self.http.get(
            url,
            accept=ACCEPT,
            cache=self.cache,
            ttl=self.ttl,
            decode=decode_project_page if self.files else decode_project_summary,
            keep=PAGE_KEEPER if self.files else SUMMARY_KEEPER,
        )
        registry = host_of(shown)
        if response.status == 404:
            facts = ProjectFacts(name=normalised, found=False, index=shown)
        elif response.status in (401, 403):
            raise RegistryAuthError(
                registry, f"HTTP {response.status} for {normalised}: credentials missing or refused"
            )
        elif response.ok and isinstance(response.decoded, ParsedPage):
            facts = facts_from_page(normalised, response.decoded, shown)
        else:
            raise RegistryProtocolError(registry, f"unexpected HTTP {response.status} for {normalised}")
        self._facts[url] = facts
        return facts

    def _local_project(self, index: str, shown: str, normalised: str) -> ProjectFacts:
        """``normalised`` on the ``file:`` index ``index``, read as pip reads it (no HTTP, no cache)."""
        local = self._local.get(index)
        if local is None:
            # Imported for file: indexes only (it brings urllib.request, 20 ms of start-up).
            from depcheck.registries.local_index import LocalIndex

            local = self._local[index] = LocalIndex(index, shown=shown)
        page = local.project_page(normalised)
        if page is None:
            return ProjectFacts(name=normalised, found=False, index=shown)
        decode = decode_project_page if self.files else decode_project_summary
        try:
            parsed = decode(page.response)
        except RegistryError as exc:
            # The reader names an HTTP index by its host, which a local page has not: name the file.
            raise type(exc)(shown, f"{page.path}: {exc.reason}") from exc
        return facts_from_page(normalised, parsed, shown)

    async def projects(self, names: Iterable[str], index_url: str | None = None) -> list[ProjectFacts]:
        """Several projects at once (concurrently, each asked once)."""
        return await eventloop.gather(*(self.project(name, index_url) for name in names))


def _keep_page(page: ParsedPage) -> bytes:
    return page.compact if page.compact is not None else compact_page(page)


def _keep_summary(page: ParsedPage) -> bytes:
    return page.compact if page.compact is not None else compact_page(page, files=False)


PAGE_KEEPER = Keeper(form=f"pypi-page:{COMPACT_FORMAT}", dump=_keep_page, load=expand_page)
"""How the HTTP layer's cache keeps a Simple API page read with its files: its :func:`compact_page`."""

SUMMARY_KEEPER = Keeper(form=f"pypi-summary:{COMPACT_FORMAT}", dump=_keep_summary, load=expand_page)
"""How it keeps a page read for an audit: the release summaries alone."""
