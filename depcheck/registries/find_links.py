"""pip's ``--find-links`` locations, read the way pip reads them.

A find-links location is not an index: it lists distribution files of any number of projects,
and pip takes every file whose name is the project's as a candidate, beside those of its indexes
(``PackageFinder`` with ``find_links``). It is one of:

- a folder (a path, or a ``file:`` URL naming one): the files in it;
- an HTML file (a path or a ``file:`` URL), or an ``http(s)`` URL: the ``<a href>`` links on the page,
  relative ones taken against the page's URL (or its ``<base href>``), with the ``#sha256=``
  fragments, ``data-requires-python`` and ``data-yanked`` attributes pip reads.

A file belongs to the project when its name does, as pip decides it: a wheel by the name before
its first dash, any other archive by a dash after which the rest is the version
(``_find_name_version_sep``), names compared normalised. Pages are read by
:mod:`depcheck.registries.pep503`.

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

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from depcheck import eventloop
from depcheck.registries.filenames import ARCHIVE_SUFFIXES
from depcheck.registries.interface import ProjectFacts, RegistryError, Release

if TYPE_CHECKING:
    import asyncio

    from depcheck.registries.cache import ResponseCache
    from depcheck.registries.http import HttpClient
    from depcheck.registries.pep503 import FileLink

logger = logging.getLogger(__name__)

HTML = "text/html"


def shown(location: str) -> str:
    """How answers and messages name a location: ``--find-links <location>``."""
    return f"--find-links {location}"


def version_for(filename: str, project: str) -> str | None:
    """The version ``filename`` carries when it is a distribution of ``project`` (normalised), else ``None``."""
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        if len(parts) >= 5 and canonicalize_name(parts[0]) == project:
            return parts[1]
        return None
    stem = next(
        (filename[: -len(suffix)] for suffix in ARCHIVE_SUFFIXES if filename.lower().endswith(suffix)), None
    )
    if stem is None:
        return None
    # pip's _find_name_version_sep: the first dash whose prefix is the project's name.
    for index, character in enumerate(stem):
        if character == "-" and canonicalize_name(stem[:index]) == project:
            return stem[index + 1 :] or None
    return None


def releases_of(project: str, links: Iterable[FileLink]) -> dict[str, Release]:
    """``project``'s releases among ``links`` (empty when none of them is its)."""
    from depcheck.registries.pypi import file_of_link, releases_from_files

    files = [
        (version, file_of_link(link))
        for link in links
        if (version := version_for(link.filename, project)) is not None
    ]
    return releases_from_files(project, files) if files else {}


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
        self._links: dict[str, asyncio.Task[tuple[FileLink, ...]]] = {}
        self._read_already: dict[str, tuple[FileLink, ...]] = {}

    async def project(self, name: str, location: str) -> ProjectFacts:
        """``name``'s releases among the files ``location`` offers (found when it offers any)."""
        wanted = canonicalize_name(name)
        releases = releases_of(wanted, await self.links(location))
        if not releases:
            return ProjectFacts(name=wanted, found=False, index=shown(location))
        return ProjectFacts(
            name=wanted, found=True, releases=releases, index=shown(location), files_read=True
        )

    async def links(self, location: str) -> tuple[FileLink, ...]:
        """Every link ``location`` offers, read once per run (concurrent callers share the reading)."""
        known = self._read_already.get(location)
        if known is not None:
            return known
        if not eventloop.running():
            # No event loop (see depcheck.eventloop): read here; a page over HTTP comes from the
            # cache or raises NeedsLoop.
            links = self._read_already[location] = await self._read(location)
            return links
        import asyncio

        task = self._links.get(location)
        if task is None:
            task = self._links[location] = asyncio.ensure_future(self._read(location))
        return await asyncio.shield(task)

    async def _read(self, location: str) -> tuple[FileLink, ...]:
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
        if not eventloop.running():
            return _read_local(location, path)
        import asyncio

        # Local reads are small and quick; a thread keeps a slow network share from holding the loop.
        return await asyncio.to_thread(_read_local, location, path)

    async def _fetch(self, url: str) -> tuple[FileLink, ...]:
        response = await self.http.get(url, accept=HTML, cache=self.cache, registry=shown(url))
        if response.status != 200:
            logger.warning("%s answers HTTP %d; skipped, as pip skips it", shown(url), response.status)
            return ()
        from depcheck.registries.pep503 import read_page

        return tuple(read_page(response.body.decode("utf-8", errors="replace"), response.url).links)


def _read_local(location: str, path: Path) -> tuple[FileLink, ...]:
    # html.parser (with html.entities) is imported only when a location is read.
    from depcheck.registries.pep503 import FileLink, read_page

    try:
        if path.is_dir():
            with os.scandir(path) as entries:
                files = sorted(entry.name for entry in entries if entry.is_file())
            return tuple(FileLink(url=(path / name).absolute().as_uri()) for name in files)
        if path.is_file():
            return tuple(read_page(path.read_text(encoding="utf-8"), path.absolute().as_uri()).links)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RegistryError(shown(location), f"cannot read {path}: {reason}") from exc
    logger.warning("%s does not exist; skipped, as pip skips it", shown(location))
    return ()
