"""The version a distribution file's name carries, read fast.

An audit reads every file name of every project it looks up (one large project lists thousands),
so this is on the hot path of a cold run. Wheels and modern sdists are split directly; older
formats (eggs, Windows installers, RPMs, "dumb" builds, sdists whose name is spelled unlike the
project's) follow the patterns of ``pypi-simple``'s ``filenames.py`` (MIT licence), reproduced
here because importing ``pypi-simple`` costs more than a whole warm audit. ``pypi-simple`` stays
the oracle: tests compare both readings on every recorded project.
"""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name

_PROJECT = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_PROJECT_NODASH = r"[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?"
_VERSION = r"[A-Za-z0-9_.!+-]+?"
_VERSION_NODASH = r"[A-Za-z0-9_.!+]+?"
_ARCHIVE = r"\.(?:tar|tar\.(?:bz2|gz|lz|lzma|xz|Z)|tbz|tgz|tlz|txz|zip)"
_PLATFORM = r"(?:aix|cygwin|darwin|linux|macosx|solaris|sunos|[wW]in)[-.A-Za-z0-9_]*"
_PYVER = r"py[0-9]+\.[0-9]+"

_WELL_FORMED = (
    rf"^(?P<project>{_PROJECT_NODASH})-(?P<version>{_VERSION_NODASH})(?:-{_PYVER}(?:-{_PLATFORM})?)?\.egg$",
    rf"^(?P<project>{_PROJECT})-(?P<version>{_VERSION_NODASH})-[^-]+\.[A-Za-z0-9._]+\.rpm$",
    rf"^(?P<project>{_PROJECT_NODASH})-(?P<version>{_VERSION_NODASH})(-[0-9][^-]*?)?-.+?-.+?-.+?\.whl$",
)
_AFTER_NAME = (
    rf"-(?P<version>{_VERSION})\.{_PLATFORM}{_ARCHIVE}$",  # bdist_dumb
    rf"-(?P<version>{_VERSION})\.{_PLATFORM}(?:-{_PYVER})?\.msi$",
    rf"-(?P<version>{_VERSION}){_ARCHIVE}$",  # sdist
    rf"-(?P<version>{_VERSION})\.{_PLATFORM}(?:-{_PYVER})?\.exe$",  # bdist_wininst
)
_WITH_ANY_NAME = tuple(rf"^(?P<project>{_PROJECT}){pattern}" for pattern in _AFTER_NAME)
"""The patterns are kept as text and compiled by ``re`` (which caches them) when an unusual file
name first needs them: most audits read only wheels and plain sdists."""
ARCHIVE_SUFFIXES = (
    ".zip", ".whl", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz",
    ".tar.lzma",
)  # fmt: skip
"""pip's archive extensions (``ARCHIVE_EXTENSIONS``): the files pip takes for distributions, by
name, in a requirement's path or URL and in a find-links location (compared lower-cased)."""
_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar")
_NAME_HINTS: dict[str, re.Pattern[str]] = {}


def _hint(project: str) -> re.Pattern[str]:
    """A pattern matching ``project``'s name as file names spell it (any case, any separator)."""
    pattern = _NAME_HINTS.get(project)
    if pattern is None:
        text = re.sub(r"[^A-Za-z0-9]+", "[-_.]+", project)
        text = re.sub(
            r"([A-Za-z])", lambda match: f"[{match.group(1).upper()}{match.group(1).lower()}]", text
        )
        pattern = _NAME_HINTS[project] = re.compile(text + r"(?=-)")
    return pattern


class VersionReader:
    """Reads versions from one project's file names; remembers the name spellings it has checked."""

    def __init__(self, project: str) -> None:
        self.project = canonicalize_name(project)
        self._prefixes: dict[str, bool] = {}

    def _is_project(self, prefix: str) -> bool:
        known = self._prefixes.get(prefix)
        if known is None:
            known = self._prefixes[prefix] = canonicalize_name(prefix) == self.project
        return known

    def version(self, filename: str) -> str | None:
        """The version ``filename`` carries, as written, or ``None`` when it cannot be read."""
        if filename.endswith(".whl"):
            parts = filename.split("-")
            if len(parts) >= 5:
                return parts[1]
        else:
            for suffix in _SDIST_SUFFIXES:
                if filename.endswith(suffix):
                    name, dash, version = filename[: -len(suffix)].rpartition("-")
                    if dash and version and self._is_project(name):
                        return version
                    break
        return self.full(filename)

    def full(self, filename: str) -> str | None:
        """Every pattern, in ``pypi-simple``'s order."""
        for pattern in _WELL_FORMED:
            match = re.match(pattern, filename)
            if match:
                return match.group("version")
        named = _hint(self.project).match(filename)
        if named:
            rest = filename[named.end() :]
            for pattern in _AFTER_NAME:
                match = re.match(pattern, rest)
                if match:
                    return match.group("version")
        for pattern in _WITH_ANY_NAME:
            match = re.match(pattern, filename)
            if match:
                return match.group("version")
        return None
