"""pip's ``--find-links`` locations, read the way pip reads them.

A find-links location is not an index: it lists distribution files of any number of projects,
and pip takes every file whose name is the project's as a candidate, beside those of its indexes
(``PackageFinder`` with ``find_links``). It is one of:

- a folder (a path, or a ``file:`` URL naming one): the files in it;
- an HTML file (a path or a ``file:`` URL), or an ``http(s)`` URL: the ``<a href>`` links on the page,
  relative ones taken against the page's URL, with the ``#sha256=`` fragments, ``data-requires-python``
  and ``data-yanked`` attributes pip reads.

A location that does not exist, or a page that answers 404, is skipped with a warning, as pip
skips it ("Location ... is ignored"): a project only it would have offered then reads as unknown,
as it would to pip. A folder or file that cannot be read, or a server that keeps failing, is a
:class:`~depcheck.registries.interface.RegistryError` naming it: a wheelhouse that cannot answer
must not make its projects look invented. Each location is read once per run (a page over HTTP
through the shared client and its cache).

:meth:`FindLinksReader.project` answers like an index: the releases of one project in the
location, as :class:`~depcheck.registries.interface.ProjectFacts` named ``--find-links <location>``,
for the verifier to merge with the indexes' answers.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name

from depcheck.registries.interface import ProjectFacts, RegistryError

if TYPE_CHECKING:
    # pypi-simple (and urllib.request, through local_index) are imported when a location is read:
    # a run with no find-links location pays for neither.
    from pypi_simple import Link

    from depcheck.registries.cache import ResponseCache
    from depcheck.registries.http import HttpClient

logger = logging.getLogger(__name__)

HTML = "text/html"


def shown(location: str) -> str:
    """How answers and messages name a location: ``--find-links <location>``."""
    return f"--find-links {location}"


class FindLinksReader:
    """Reads find-links locations once per run and answers per project (see the module docstring).

    ``http`` and ``cache`` serve ``http(s)`` pages, as they serve indexes; relative paths are taken
    from ``cwd``, as pip takes them from where it runs.
    """

    def __init__(
        self, http: HttpClient, cache: ResponseCache | None = None, *, cwd: Path | None = None
    ) -> None:
        self.http = http
        self.cache = cache
        self.cwd = cwd
        self._links: dict[str, asyncio.Task[tuple[Link, ...]]] = {}

    async def project(self, name: str, location: str) -> ProjectFacts:
        """``name``'s releases among the files ``location`` offers (found when it offers any)."""
        from pypi_simple import DistributionPackage, Link

        from depcheck.registries.pypi import releases_from_packages

        wanted = canonicalize_name(name)
        links = await self.links(location)
        packages = []
        for link in links:
            # pip names a candidate by its URL's last segment, not by the link's text.
            named = Link(text=_filename(link.url), url=link.url, attrs=link.attrs)
            package = DistributionPackage.from_link(named, project_hint=wanted)
            if package.project is not None and canonicalize_name(package.project) == wanted:
                packages.append(package)
        if not packages:
            return ProjectFacts(name=wanted, found=False, index=shown(location))
        return ProjectFacts(
            name=wanted,
            found=True,
            releases=releases_from_packages(wanted, packages),
            index=shown(location),
            files_read=True,
        )

    async def links(self, location: str) -> tuple[Link, ...]:
        """Every link ``location`` offers, read once per run (concurrent callers share the reading)."""
        task = self._links.get(location)
        if task is None:
            task = self._links[location] = asyncio.ensure_future(self._read(location))
        return await asyncio.shield(task)

    async def _read(self, location: str) -> tuple[Link, ...]:
        if location.startswith(("http://", "https://")):
            return await self._fetch(location)
        if location.startswith("file:"):
            from depcheck.registries.local_index import url_to_path

            try:
                path = Path(url_to_path(location))
            except ValueError as exc:
                raise RegistryError(shown(location), str(exc)) from exc
        else:
            path = Path(location).expanduser()
            if not path.is_absolute() and self.cwd is not None:
                path = self.cwd / path
        # Local reads are small and quick; a thread keeps a slow network share from holding the loop.
        return await asyncio.to_thread(_read_local, location, path)

    async def _fetch(self, url: str) -> tuple[Link, ...]:
        response = await self.http.get(url, accept=HTML, cache=self.cache, registry=shown(url))
        if response.status != 200:
            logger.warning("%s answers HTTP %d; skipped, as pip skips it", shown(url), response.status)
            return ()
        from pypi_simple import parse_links_stream

        text = response.body.decode("utf-8", errors="replace")
        return tuple(parse_links_stream([text], base_url=response.url))


def _read_local(location: str, path: Path) -> tuple[Link, ...]:
    from pypi_simple import Link, parse_links_stream

    try:
        if path.is_dir():
            with os.scandir(path) as entries:
                files = sorted(entry.name for entry in entries if entry.is_file())
            return tuple(Link(text=name, url=(path / name).absolute().as_uri(), attrs={}) for name in files)
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            return tuple(parse_links_stream([text], base_url=path.absolute().as_uri()))
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RegistryError(shown(location), f"cannot read {path}: {reason}") from exc
    logger.warning("%s does not exist; skipped, as pip skips it", shown(location))
    return ()


def _filename(url: str) -> str:
    """The file name a link's URL ends with, percent-decoded (``torch-2.0%2Bcpu...`` is ``torch-2.0+cpu...``)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])
