"""Local PEP 503 indexes (``file:`` index URLs), read the way pip reads them.

pip asks a ``file:`` index for ``<index>/<normalised-name>/`` like any other. When that path is a
directory it reads the ``index.html`` inside it (pip's ``_get_index_content``); it reads no PEP 691
``index.json``, since no file name is standard for one, and neither does this module. Whatever is
not there (no project directory, a file in its place, no ``index.html`` in it) is a 404 to pip's
file system adapter: nothing on this index. :meth:`LocalIndex.project_page` does the same and hands
back the file's bytes as a 200 ``text/html`` answer, so that the Simple API reader parses,
summarises and reads yanks exactly as it does for an HTTP index. URLs become paths as pip's
``url_to_path`` makes them (:func:`url_to_path`): percent-decoded by ``url2pathname``,
``file://localhost/`` the same as ``file:///``, another host only on Windows (a UNC share), drive
letters the Windows way.

Where pip would stop with a traceback (an ``index.html`` it may not read, a directory in its place,
bytes that are not UTF-8) or quietly skip the index (a project directory it may not look into), this
is a :class:`~depcheck.registries.interface.RegistryError` naming the path: a local index that
cannot answer must not make its projects look invented. A missing index directory is, as for pip,
an index with no projects; it is logged once, as it is likely a mistake. Files are read directly
(they are small and local) and nothing is cached: reading them is the answer.
"""

from __future__ import annotations

import logging
import nturl2path
import os
import stat
import string
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from depcheck.registries.http import HttpResponse
from depcheck.registries.interface import RegistryError

logger = logging.getLogger(__name__)

WINDOWS = os.name == "nt"


def url_to_path(url: str, *, windows: bool = WINDOWS) -> str:
    """The local path a ``file:`` URL names, as pip's ``url_to_path`` works it out.

    ``windows`` picks the platform's rules (the running one by default): on Windows a host other
    than ``localhost`` is a UNC share and ``/C:/x`` is ``C:\\x``. Raises :class:`ValueError` for
    another scheme, or another host elsewhere (pip refuses those too).
    """
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise ValueError(f"not a file: URL: {url!r}")
    netloc = parts.netloc
    if netloc in ("", "localhost"):  # RFC 8089: the same as no authority
        netloc = ""
    elif windows:
        netloc = "\\\\" + netloc
    else:
        raise ValueError(f"a file: URL naming another host ({netloc}) cannot be read on this platform")
    to_path = nturl2path.url2pathname if windows else urllib.request.url2pathname
    path = to_path(netloc + parts.path)
    # Some Pythons leave the slash before a drive letter (``/C:/x``); pip strips it, and so do we.
    if (
        windows
        and not netloc
        and len(path) >= 3
        and path[0] == "/"
        and path[1] in string.ascii_letters
        and path[2:4] in (":", ":/")
    ):
        path = path[1:]
    return path


@dataclass(frozen=True)
class LocalPage:
    """A project's ``index.html`` on a local index: where it is, and its bytes as an HTTP answer."""

    path: str
    response: HttpResponse


class LocalIndex:
    """One ``file:`` index; ``shown`` is how messages name it (its URL without credentials)."""

    def __init__(self, url: str, *, shown: str | None = None, windows: bool = WINDOWS) -> None:
        self.url = url.rstrip("/")
        self.shown = shown if shown is not None else self.url
        self.windows = windows
        self._told_missing = False

    def _path(self, url: str) -> str:
        try:
            return url_to_path(url, windows=self.windows)
        except ValueError as exc:
            raise RegistryError(self.shown, str(exc)) from exc

    def project_page(self, normalised: str) -> LocalPage | None:
        """The ``index.html`` of the project ``normalised`` (a normalised name), ``None`` when pip finds none.

        Raises :class:`~depcheck.registries.interface.RegistryError` naming the path when the
        directory cannot be looked into or the page cannot be read as UTF-8.
        """
        project_url = f"{self.url}/{normalised}/"
        directory = self._path(project_url)
        try:
            is_directory = stat.S_ISDIR(os.stat(directory).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            self._tell_if_missing()
            return None
        except OSError as exc:
            raise RegistryError(self.shown, f"cannot look into {directory}: {exc.strerror or exc}") from exc
        if not is_directory:
            # pip then asks for the path itself, ending in a slash: not a directory, so a 404.
            logger.debug("%s: %s is not a directory: not on this index", self.shown, directory)
            return None
        path = self._path(project_url + "index.html")
        try:
            with open(path, "rb") as handle:
                body = handle.read()
        except FileNotFoundError:
            logger.debug("%s: no %s: not on this index", self.shown, path)
            return None
        except OSError as exc:
            raise RegistryError(self.shown, f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            body.decode("utf-8")  # pip decodes a page without a declared charset as UTF-8
        except UnicodeDecodeError as exc:
            raise RegistryError(
                self.shown, f"cannot read {path}: not UTF-8 (byte {exc.start}: {exc.reason})"
            ) from exc
        logger.debug("%s: read %s (%d bytes)", self.shown, path, len(body))
        response = HttpResponse(url=project_url, status=200, headers={"content-type": "text/html"}, body=body)
        return LocalPage(path, response)

    def _tell_if_missing(self) -> None:
        """Log, once, that the index directory itself does not exist (pip then finds nothing there)."""
        if self._told_missing:
            return
        root = self._path(self.url + "/")
        if not os.path.isdir(root):
            self._told_missing = True
            logger.warning(
                "%s: the index directory %s does not exist; pip finds nothing there", self.shown, root
            )
