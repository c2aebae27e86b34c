"""PyPI and compatible indexes through the Simple API: what releases a project has.

:class:`SimpleIndex` asks ``<index>/<normalised-name>/`` for PEP 691 JSON, accepting PEP 503 HTML
as the fallback (mirrors and private indexes often serve only HTML), and leaves the parsing of
either to ``pypi-simple``'s page parsers, which take a body and need no particular HTTP client.
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
import datetime as dt
import json
import logging
import warnings
from collections.abc import Iterable
from urllib.parse import urlsplit

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from pydantic import ValidationError
from pypi_simple import (
    DistributionPackage,
    ProjectPage,
    UnexpectedRepoVersionWarning,
    UnsupportedRepoVersionError,
)

from depcheck.registries.cache import ResponseCache, strip_credentials
from depcheck.registries.config import default_index_url
from depcheck.registries.http import HttpClient, HttpResponse, InvalidBody, host_of
from depcheck.registries.interface import (
    PackageIndex,
    ProjectFacts,
    RegistryAuthError,
    RegistryError,
    RegistryProtocolError,
    Release,
    ReleaseFile,
)

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


def decode_project_page(response: HttpResponse) -> ProjectPage:
    """Parse a 200 answer into a ``pypi_simple.ProjectPage`` (the HTTP layer's ``decode`` hook).

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
        try:
            with warnings.catch_warnings():
                # A newer 1.x minor version is compatible by definition (PEP 629); nothing to warn about.
                warnings.simplefilter("ignore", UnexpectedRepoVersionWarning)
                # No base URL: file URLs are never followed, and joining 10,000 of them costs most of the parse.
                return ProjectPage.from_json_data(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors()[:3]
            )
            raise InvalidBody(f"unexpected JSON from {response.url}: {problems}") from exc
    if media in ("text/html", "application/vnd.pypi.simple.v1+html", ""):
        project = urlsplit(response.url).path.rstrip("/").rsplit("/", 1)[-1]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnexpectedRepoVersionWarning)
                return ProjectPage.from_html(project, response.body)
        except UnsupportedRepoVersionError as exc:
            raise RegistryProtocolError(
                registry, f"Simple API version {exc.declared_version} is not supported (depcheck reads 1.x)"
            ) from exc
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


def facts_from_page(name: str, page: ProjectPage, index: str) -> ProjectFacts:
    """The :class:`~depcheck.registries.interface.ProjectFacts` a parsed page describes."""
    return ProjectFacts(
        name=canonicalize_name(name),
        found=True,
        releases=releases_from_page(page),
        index=index,
        status=str(page.status) if page.status is not None else None,
    )


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
            url, accept=ACCEPT, cache=self.cache, ttl=self.ttl, decode=decode_project_page
        )
        registry = host_of(shown)
        if response.status == 404:
            facts = ProjectFacts(name=normalised, found=False, index=shown)
        elif response.status in (401, 403):
            raise RegistryAuthError(
                registry, f"HTTP {response.status} for {normalised}: credentials missing or refused"
            )
        elif response.ok and isinstance(response.decoded, ProjectPage):
            facts = facts_from_page(normalised, response.decoded, shown)
        else:
            raise RegistryProtocolError(registry, f"unexpected HTTP {response.status} for {normalised}")
        self._facts[url] = facts
        return facts

    async def projects(self, names: Iterable[str], index_url: str | None = None) -> list[ProjectFacts]:
        """Several projects at once (concurrently, each asked once)."""
        return list(await asyncio.gather(*(self.project(name, index_url) for name in names)))
