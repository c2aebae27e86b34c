"""The seam between depcheck and the registries: what a registry knows about a name.

A registry client answers one question per name: which versions (or tags) exist, with the facts
the rules need (yanks, upload times, digests). Answers are plain frozen records, so the rules and
the suggestion logic stay pure and are tested without a network.

Errors are drawn once here::

    RegistryError                 the registry could not answer (after retries): registry-error
    +-- RegistryUnavailable       timeouts, resets, 5xx and 429 past the retry budget
    +-- RegistryProtocolError     an answer that is not what the API documents (bad JSON, bad shape)
    +-- RegistryAuthError         401/403 that credentials could not fix
    +-- OfflineMiss               --offline and the cache has no answer

"Not found" is not an error: it is an answer (``found=False``), because an invented package name
is exactly what depcheck exists to catch.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field


class RegistryError(Exception):
    """A registry could not answer; ``registry`` names it for the report."""

    def __init__(self, registry: str, reason: str) -> None:
        super().__init__(f"{registry}: {reason}")
        self.registry = registry
        self.reason = reason


class RegistryUnavailable(RegistryError):
    """Timeouts, connection errors, 5xx and 429 that outlasted the retries."""


class RegistryProtocolError(RegistryError):
    """The registry answered with something the API does not document (truncated or wrong JSON)."""


class RegistryAuthError(RegistryError):
    """The registry refused us even after the token flow and any stored credentials."""


class OfflineMiss(RegistryError):
    """``--offline`` was given and the cache holds no answer for this lookup."""


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a PyPI release, as the Simple API lists it."""

    filename: str
    sha256: str | None = None
    requires_python: str | None = None
    yanked: bool = False
    yanked_reason: str | None = None
    upload_time: dt.datetime | None = None
    local_url: str | None = field(default=None, compare=False)
    """The ``file:`` URL of a file on this machine (a find-links folder or page, a ``file:``
    index), else ``None``. pip hashes such a file itself when it has no ``#sha256=``; so can
    ``depcheck fix --hash`` (:func:`depcheck.fix.hashes.release_hashes`)."""


@dataclass(frozen=True)
class Release:
    """One version of a PyPI project, summarised over its files.

    A release is yanked when every one of its files is (PEP 592); ``yanked_reason`` is the first
    reason given. ``upload_time`` is the earliest file upload. ``requires_python`` is taken from
    the files (they agree in practice; the first non-empty value wins).
    """

    version: str
    files: tuple[ReleaseFile, ...] = ()
    yanked: bool = False
    yanked_reason: str | None = None
    upload_time: dt.datetime | None = None
    requires_python: str | None = None
    installable_pythons: tuple[str | None, ...] | None = field(default=None, compare=False, repr=False)
    """What :func:`installable_pythons` gives for ``files``, when the reader worked it out beforehand
    (so that the rules need not go through every file); ``None``: not worked out, derive it."""


def installable_pythons(files: Iterable[ReleaseFile]) -> tuple[str | None, ...]:
    """The distinct ``requires_python`` values (``None`` for a file declaring none) of the files an
    installer considers: the unyanked ones, else all of them. Empty only when there are no files."""
    listed = tuple(files)
    considered = [file for file in listed if not file.yanked] or listed
    return tuple(dict.fromkeys(file.requires_python for file in considered))


def release_pythons(release: Release) -> tuple[str | None, ...]:
    """:func:`installable_pythons` of ``release``: as its reader worked it out
    (``Release.installable_pythons``, known even when the files were not read), else from its files."""
    known = release.installable_pythons
    return known if known is not None else installable_pythons(release.files)


@dataclass(frozen=True)
class ProjectFacts:
    """What the index knows about one PyPI project.

    ``found`` is ``False`` for a 404 (no such project). ``releases`` maps the version string as
    the index writes it to its :class:`Release`; versions listed with no files are absent, since
    installers never see them. ``index`` is the index URL that answered, without credentials.
    """

    name: str
    found: bool
    releases: dict[str, Release] = field(default_factory=dict)
    index: str = ""
    status: str | None = None
    """PEP 792 ``project-status`` (``active``, ``archived``, ``quarantined``, ``deprecated``)."""
    files_read: bool = True
    """Whether each release's ``files`` were read; an audit reads release summaries only, and its
    releases have no files (``SimpleIndex(files=True)`` reads them, for ``fix --hash``)."""
    indexes: tuple[str, ...] = ()
    """Every index whose answer was merged into this one, in the order pip's index list names them
    (see :func:`depcheck.registries.merge.merge_facts`), without credentials; empty for one index's
    own answer. A merged answer's ``index`` is the first of them that lists the project, or, when
    none does, all of them as a message names them (``A and B``)."""


@dataclass(frozen=True)
class TagInfo:
    """One tag of an image repository; ``digest`` is the manifest (list) digest when known."""

    name: str
    digest: str | None = None
    last_updated: dt.datetime | None = None
    active: bool = True


@dataclass(frozen=True)
class ImageFacts:
    """What a registry knows about one image repository.

    ``found`` is ``False`` when the repository does not exist, ``private`` when the registry
    refused anonymous access in a way that cannot be told apart from "does not exist" (an OCI
    registry answers 401 for both).
    """

    registry: str
    repository: str
    found: bool
    tags: dict[str, TagInfo] = field(default_factory=dict)
    private: bool = False


class PackageIndex(abc.ABC):
    """A PyPI-compatible index."""

    @abc.abstractmethod
    async def project(self, name: str, index_url: str | None = None) -> ProjectFacts:
        """Every release of ``name`` (normalised) on ``index_url`` (else the configured index)."""


class ImageRegistry(abc.ABC):
    """Docker Hub or an OCI distribution registry."""

    @abc.abstractmethod
    async def image(self, registry: str | None, repository: str) -> ImageFacts:
        """Every tag of ``repository`` on ``registry`` (``None`` for Docker Hub)."""

    @abc.abstractmethod
    async def digest(self, registry: str | None, repository: str, tag: str) -> str | None:
        """The manifest digest ``tag`` points to now, or ``None`` if there is no such tag."""
