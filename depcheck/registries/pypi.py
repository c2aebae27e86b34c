"""PyPI and compatible indexes through the Simple API: what releases a project has.

:class:`SimpleIndex` asks ``<index>/<normalised-name>/`` for PEP 691 JSON, accepting PEP 503 HTML
as the fallback (mirrors and private indexes often serve only HTML), and leaves the parsing of
PEP 691 JSON is read directly (fast: an audit reads hundreds of pages, some with thousands of
files) and PEP 503 HTML by ``pypi-simple``'s page parser, which takes a body and needs no
particular HTTP client.
Any API version 1.x is accepted (1.1 mirrors with a string ``_last-serial`` and no ``ETag``, 1.4
with ``project-status``); another major version is a
:class:`~depcheck.registries.interface.RegistryProtocolError`. Files are grouped into releases by
the version in their file names: a release is yanked when every file is (PEP 592), its upload
time is its earliest file's (PEP 700), and versions that are not PEP 440 are skipped (logged).

A 404 is an answer: ``ProjectFacts(found=False)``. A truncated or wrongly shaped body is fetched
again like a 5xx (the HTTP layer's ``decode`` hook) and, if it stays bad,
:class:`~depcheck.registries.interface.RegistryProtocolError`. A 301 to the normalised URL is
followed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from depcheck.registries.cache import DERIVED_PREFIX, CacheEntry, ResponseCache, strip_credentials
from depcheck.registries.config import default_index_url
from depcheck.registries.filenames import VersionReader
from depcheck.registries.http import HttpClient, HttpResponse, InvalidBody, host_of
from depcheck.registries.interface import (
    PackageIndex,
    ProjectFacts,
    RegistryAuthError,
    RegistryError,
    RegistryProtocolError,
    Release,
    ReleaseFile,
    installable_pythons,
)

if TYPE_CHECKING:
    # pypi-simple (with pydantic and BeautifulSoup) costs half a second to import; it is loaded
    # only for HTML pages and unusual file names, never on the common JSON path.
    from pypi_simple import DistributionPackage, ProjectPage

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
    """Parse a 200 answer into its releases (the HTTP layer's ``decode`` hook).

    PEP 691 JSON is read by :func:`compact_json_page` straight into the compact reading, which
    the page returned is made from (its files are built when first asked for) and keeps to be
    cached; PEP 503 HTML by ``pypi-simple``.

    Raises :class:`~depcheck.registries.http.InvalidBody` for a body that may be a transient
    accident (truncated or mis-shaped JSON: fetched again) and
    :class:`~depcheck.registries.interface.RegistryProtocolError` for an answer that will not
    change (an unsupported API version or content type).
    """
    registry = host_of(response.url)
    media = response.content_type
    if "json" in media:
        if media.startswith("application/vnd.pypi.simple.v") and not media.startswith(
            "application/vnd.pypi.simple.v1+"
        ):
            raise RegistryProtocolError(registry, f"Simple API content type {media} is not supported")
        try:
            data = json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidBody(f"invalid JSON from {response.url}: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("meta"), dict):
            raise InvalidBody(f"unexpected JSON from {response.url}: no 'meta' object")
        api_version = data["meta"].get("api-version")
        if not isinstance(api_version, str):
            raise InvalidBody(f"unexpected JSON from {response.url}: no 'meta.api-version'")
        _api_major(api_version, registry)
        compact = compact_json_page(data, response.url)
        return dataclasses.replace(expand_page(compact), compact=compact)
    if media in ("text/html", "application/vnd.pypi.simple.v1+html", ""):
        from pypi_simple import ProjectPage, UnexpectedRepoVersionWarning, UnsupportedRepoVersionError

        project = urlsplit(response.url).path.rstrip("/").rsplit("/", 1)[-1]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnexpectedRepoVersionWarning)
                page = ProjectPage.from_html(project, response.body)
        except UnsupportedRepoVersionError as exc:
            raise RegistryProtocolError(
                registry, f"Simple API version {exc.declared_version} is not supported (depcheck reads 1.x)"
            ) from exc
        return ParsedPage(releases_from_page(page), str(page.status) if page.status is not None else None)
    raise RegistryProtocolError(registry, f"unexpected content type {media!r} from {response.url}")


def _file(package: DistributionPackage) -> ReleaseFile:
    upload_time = package.upload_time
    if upload_time is not None and upload_time.tzinfo is None:
        upload_time = upload_time.replace(tzinfo=dt.UTC)
    return ReleaseFile(
        filename=package.filename,
        sha256=package.digests.get("sha256"),
        requires_python=package.requires_python or None,
        yanked=package.is_yanked,
        yanked_reason=package.yanked_reason or None,
        upload_time=upload_time,
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


def releases_from_page(page: ProjectPage) -> dict[str, Release]:
    """Group a page's files into releases by the (PEP 440) version in their file names.

    A version is keyed as the index writes it: its spelling in the PEP 700 ``versions`` list when
    there is one, else the first file's. Files whose version cannot be read are skipped.
    """
    spelled: dict[Version, str] = {}
    for text in page.versions or ():
        try:
            spelled.setdefault(Version(text), text)
        except InvalidVersion:
            logger.debug("%s: skipping version %r listed by the index: not PEP 440", page.project, text)
    grouped: dict[Version, list[ReleaseFile]] = {}
    parsed: dict[str, Version | None] = {}  # many files share one version string; parse it once
    for package in page.packages:
        if package.version is None:
            logger.debug("%s: skipping %s: no version in the file name", page.project, package.filename)
            continue
        if package.version not in parsed:
            try:
                parsed[package.version] = Version(package.version)
            except InvalidVersion:
                parsed[package.version] = None
        version = parsed[package.version]
        if version is None:
            logger.debug(
                "%s: skipping %s: version %r is not PEP 440", page.project, package.filename, package.version
            )
            continue
        spelled.setdefault(version, package.version)
        grouped.setdefault(version, []).append(_file(package))
    return {spelled[version]: _release(spelled[version], files) for version, files in sorted(grouped.items())}


def facts_from_page(name: str, page: ParsedPage | ProjectPage, index: str) -> ProjectFacts:
    """The :class:`~depcheck.registries.interface.ProjectFacts` a parsed page describes."""
    if not isinstance(page, ParsedPage):
        page = ParsedPage(releases_from_page(page), str(page.status) if page.status is not None else None)
    return ProjectFacts(
        name=canonicalize_name(name), found=True, releases=page.releases, index=index, status=page.status
    )


@dataclass(frozen=True)
class ParsedPage:
    """A project page reduced to what depcheck uses: releases by version, and PEP 792 status."""

    releases: dict[str, Release]
    status: str | None = None
    compact: bytes | None = field(default=None, compare=False, repr=False)
    """:func:`compact_page` of this page, when the reading was made from it (a JSON page is)."""


COMPACT_FORMAT = 3
"""The layout of :func:`compact_page`; bump it when that changes (old entries are then unused)."""


def _stamp(moment: dt.datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


def compact_page(page: ParsedPage) -> bytes:
    """A page's releases as compact JSON, in two lines: the release summaries, then the files.

    The first line is what the rules read (per release: version, yank, reason, upload time,
    ``requires-python`` and :attr:`~depcheck.registries.interface.Release.installable_pythons`);
    the second holds every file, one list per file with no key names repeated, and is decoded
    only when a file itself is asked for (``fix --hash``). A warm audit of a project with
    thousands of files thus builds no file records at all. JSON escapes line breaks inside
    strings, so the first line break is the separator.
    """
    summaries = [
        [
            version,
            release.yanked,
            release.yanked_reason,
            _stamp(release.upload_time),
            release.requires_python,
            list(release.installable_pythons or installable_pythons(release.files)),
        ]
        for version, release in page.releases.items()
    ]
    files = [
        [
            [
                file.filename,
                file.sha256,
                file.requires_python,
                file.yanked,
                file.yanked_reason,
                _stamp(file.upload_time),
            ]
            for file in release.files
        ]
        for release in page.releases.values()
    ]
    head = json.dumps({"status": page.status, "releases": summaries}, separators=(",", ":"))
    return f"{head}\n{json.dumps(files, separators=(',', ':'))}".encode()


def _moment(stamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(stamp, dt.UTC) if stamp is not None else None


class _PageFiles:
    """The files line of a compact reading, decoded on first use (once for the whole page)."""

    def __init__(self, blob: bytes) -> None:
        self.blob = blob
        self.decoded: list[list[list[Any]]] | None = None

    def release(self, index: int) -> tuple[ReleaseFile, ...]:
        if self.decoded is None:
            self.decoded = json.loads(self.blob)
        return tuple(
            ReleaseFile(
                filename=filename,
                sha256=sha256,
                requires_python=requires_python,
                yanked=yanked,
                yanked_reason=reason,
                upload_time=_moment(uploaded),
            )
            for filename, sha256, requires_python, yanked, reason, uploaded in self.decoded[index]
        )


_COMPARED = tuple(item.name for item in dataclasses.fields(Release) if item.compare)


class _ReadRelease(Release):
    """A :class:`~depcheck.registries.interface.Release` from a compact reading, files decoded lazily.

    Everything but ``files`` is set when it is made; ``files`` is built on first access (and then
    kept), so a release is equal to, hashes and prints like the plain ``Release`` it stands for.
    """

    _page_files: _PageFiles
    _index: int

    def __init__(self, summary: list[Any], files: _PageFiles, index: int) -> None:
        version, yanked, reason, uploaded, requires_python, pythons = summary
        # The record is frozen; its fields are written once, here, as the dataclass' own
        # __init__ would (through the instance dictionary, which ``files`` below fills later).
        self.__dict__.update(
            version=version,
            yanked=yanked,
            yanked_reason=reason,
            upload_time=_moment(uploaded),
            requires_python=requires_python,
            installable_pythons=tuple(pythons),
            _page_files=files,
            _index=index,
        )

    @functools.cached_property
    def files(self) -> tuple[ReleaseFile, ...]:
        return self._page_files.release(self._index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _COMPARED)

    __hash__ = Release.__hash__

    def __repr__(self) -> str:
        return Release.__repr__(self).replace(type(self).__qualname__, Release.__qualname__, 1)


def expand_page(blob: bytes) -> ParsedPage:
    """The page :func:`compact_page` wrote (its files are decoded when first asked for)."""
    head, _, rest = blob.partition(b"\n")
    if not (rest.startswith(b"[") and rest.endswith(b"]")):
        raise ValueError("the files line is missing or cut short")
    data = json.loads(head)
    files = _PageFiles(rest)
    releases: dict[str, Release] = {
        summary[0]: _ReadRelease(summary, files, index) for index, summary in enumerate(data["releases"])
    }
    return ParsedPage(releases, data["status"])


def version_from_filename(filename: str, project: str) -> str | None:
    """The version a distribution's file name carries (see :mod:`depcheck.registries.filenames`)."""
    return VersionReader(project).version(filename)


def _upload_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


_Row = tuple[int, str, "str | None", "str | None", bool, "str | None", "dt.datetime | None"]
"""One file as the JSON reader keeps it: its place on the page, then the fields of a
:class:`~depcheck.registries.interface.ReleaseFile` in order."""


def _json_releases(data: dict[str, Any], url: str) -> tuple[list[tuple[str, list[_Row]]], str | None]:
    """A PEP 691 JSON page's files grouped by release (oldest first, each version as spelled by the
    index), in page order within a release, and the page's PEP 792 status.

    Files are grouped by the version text in their names first (a string key: cheap), and the
    texts that are one version under PEP 440 (``1.0`` and ``1.0.0``) are merged after, so the
    41,000 files of a large audit are not each hashed as a parsed version.
    """
    files = data.get("files")
    name = data.get("name")
    if not isinstance(files, list):
        raise InvalidBody(f"unexpected JSON from {url}: 'files' should be a list")
    if not isinstance(name, str):
        raise InvalidBody(f"unexpected JSON from {url}: 'name' should be a string")
    project = canonicalize_name(name)
    spelled: dict[Version, str] = {}
    parsed: dict[str, Version | None] = {}  # file names repeat the listed texts: parse each once
    versions = data.get("versions")
    if isinstance(versions, list):
        for text in versions:
            try:
                listed = Version(text)
            except (InvalidVersion, TypeError):
                logger.debug("%s: skipping version %r listed by the index: not PEP 440", project, text)
                continue
            spelled.setdefault(listed, text)
            parsed[text] = listed
    by_text: dict[str, list[_Row]] = {}
    reader = VersionReader(project)
    for index, entry in enumerate(files):
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            raise InvalidBody(f"unexpected JSON from {url}: files[{index}] has no 'filename'")
        filename: str = entry["filename"]
        written = reader.version(filename)
        if written is None:
            logger.debug("%s: skipping %s: no version in the file name", project, filename)
            continue
        if written not in parsed:
            try:
                parsed[written] = Version(written)
            except InvalidVersion:
                parsed[written] = None
        version = parsed[written]
        if version is None:
            # A built distribution named like an sdist (`name-1.0.linux-x86_64.tar.gz`, an old
            # bdist_dumb): the full file-name parser knows those.
            written = reader.full(filename) or written
            if written not in parsed:
                try:
                    parsed[written] = Version(written)
                except InvalidVersion:
                    parsed[written] = None
            version = parsed[written]
        if version is None:
            logger.debug("%s: skipping %s: version %r is not PEP 440", project, filename, written)
            continue
        hashes = entry.get("hashes")
        yanked = entry.get("yanked", False)
        requires_python = entry.get("requires-python")
        row: _Row = (
            index,
            filename,
            hashes.get("sha256") if isinstance(hashes, dict) else None,
            requires_python if isinstance(requires_python, str) and requires_python else None,
            yanked is True or isinstance(yanked, str),
            yanked if isinstance(yanked, str) and yanked else None,
            _upload_time(entry.get("upload-time")),
        )
        group = by_text.get(written)
        if group is None:
            by_text[written] = [row]
        else:
            group.append(row)
    grouped: dict[Version, list[_Row]] = {}
    merged: set[Version] = set()
    for text, rows in by_text.items():  # in the order each text first appears on the page
        version = parsed[text]
        assert version is not None  # only texts that are versions were given rows
        spelled.setdefault(version, text)
        if version in grouped:
            grouped[version].extend(rows)
            merged.add(version)
        else:
            grouped[version] = rows
    for version in merged:
        grouped[version].sort(key=lambda row: row[0])
    status_table = data.get("project-status")
    status = status_table.get("status") if isinstance(status_table, dict) else None
    return (
        [(spelled[version], rows) for version, rows in sorted(grouped.items(), key=lambda item: item[0])],
        status if isinstance(status, str) else None,
    )


def parse_json_page(data: dict[str, Any], url: str) -> ParsedPage:
    """Read a PEP 691 JSON page (its ``meta`` already checked) into releases.

    Written directly rather than through ``pypi-simple``'s validated models: a large project
    (thousands of files) took over 200 ms there and takes a tenth of that here, and an audit asks
    for hundreds of projects. Shapes are checked as they are read; a wrong one raises
    :class:`~depcheck.registries.http.InvalidBody` (fetched again, then a protocol error).
    """
    releases, status = _json_releases(data, url)
    return ParsedPage(
        {
            version: _release(
                version,
                [
                    ReleaseFile(
                        filename=filename,
                        sha256=sha256,
                        requires_python=requires_python,
                        yanked=yanked,
                        yanked_reason=reason,
                        upload_time=uploaded,
                    )
                    for _, filename, sha256, requires_python, yanked, reason, uploaded in rows
                ],
            )
            for version, rows in releases
        },
        status,
    )


def compact_json_page(data: dict[str, Any], url: str) -> bytes:
    """:func:`compact_page` of :func:`parse_json_page`'s reading, without making the reading.

    A cold audit writes the compact reading of every page it fetches; going to it straight from
    the JSON skips a record per file and a second walk over them. The per-release summary is
    worked out here as :func:`_release` and
    :func:`~depcheck.registries.interface.installable_pythons` do (the tests hold the two ways
    equal on every recorded page).
    """
    releases, status = _json_releases(data, url)
    summaries = []
    files = []
    for version, rows in releases:
        # One pass per release (this runs for every file of a cold audit).
        entries = []
        earliest: float | None = None
        reason: str | None = None
        requires: str | None = None
        unyanked: dict[str | None, None] = {}
        every: dict[str | None, None] = {}
        for _, filename, sha256, requires_python, yanked, why, uploaded in rows:
            stamp = uploaded.timestamp() if uploaded is not None else None
            entries.append([filename, sha256, requires_python, yanked, why, stamp])
            if stamp is not None and (earliest is None or stamp < earliest):
                earliest = stamp
            if reason is None and why:
                reason = why
            if requires is None and requires_python:
                requires = requires_python
            if not yanked:
                unyanked[requires_python] = None
            every[requires_python] = None
        all_yanked = not unyanked
        summaries.append(
            [
                version,
                all_yanked,
                reason if all_yanked else None,
                earliest,
                requires,
                list(every if all_yanked else unyanked),
            ]
        )
        files.append(entries)
    head = json.dumps({"status": status, "releases": summaries}, separators=(",", ":"))
    return f"{head}\n{json.dumps(files, separators=(',', ':'))}".encode()


class SimpleIndex(PackageIndex):
    """A PyPI-compatible index over the Simple API, through the shared :class:`HttpClient`.

    ``index_url`` is the configured default (else :func:`~depcheck.registries.config.default_index_url`
    is asked once, on first use); a call's own ``index_url`` wins. ``cache`` and ``ttl`` go to the
    HTTP layer.
    """

    def __init__(
        self,
        http: HttpClient,
        *,
        index_url: str | None = None,
        cache: ResponseCache | None = None,
        ttl: float | None = None,
    ) -> None:
        self.http = http
        self.index_url = index_url
        self.cache = cache
        self.ttl = ttl
        self._facts: dict[str, ProjectFacts] = {}

    def _index(self, index_url: str | None) -> str:
        if index_url:
            return index_url
        if self.index_url is None:
            self.index_url = default_index_url()
        return self.index_url

    def _decode(self, response: HttpResponse) -> ParsedPage:
        """:func:`decode_project_page`, remembered in the cache by the body's content.

        A warm run reads hundreds of cached pages (one large project lists thousands of files);
        re-reading each JSON body costs more than everything else in the run. The reading is kept
        beside the raw answer under a key made of the body's hash, so it can never describe a
        different body, and only the compact reading is loaded again.
        """
        if self.cache is None or not response.body:
            return decode_project_page(response)
        key = f"{DERIVED_PREFIX}pypi-page:{COMPACT_FORMAT}:{hashlib.sha256(response.body).hexdigest()}"
        kept = self.cache.get(key)
        if kept is not None:
            try:
                return expand_page(kept.body)
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                logger.warning(
                    "cached reading of %s is unusable (%s); reading the page again", response.url, exc
                )
        page = decode_project_page(response)
        compact = page.compact if page.compact is not None else compact_page(page)
        self.cache.set(key, CacheEntry(200, compact, {}, time.time()))
        return page

    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        index = self._index(index_url).rstrip("/")
        shown = strip_credentials(index)
        scheme = urlsplit(index).scheme
        if scheme not in ("http", "https"):
            raise RegistryError(
                shown, f"only http and https indexes can be asked, not {scheme or 'a bare path'}"
            )
        normalised = canonicalize_name(name)
        url = f"{index}/{normalised}/"
        known = self._facts.get(url)
        if known is not None:
            return known
        response = await self.http.get(
            url, accept=ACCEPT, cache=self.cache, ttl=self.ttl, decode=self._decode
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

    async def projects(self, names: Iterable[str], index_url: str | None = None) -> list[ProjectFacts]:
        """Several projects at once (concurrently, each asked once)."""
        return list(await asyncio.gather(*(self.project(name, index_url) for name in names)))
