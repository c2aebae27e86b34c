"""pypi-simple's reading of a Simple API page, as depcheck's records: the tests' oracle.

depcheck reads pages itself (:mod:`depcheck.registries.pep691`, :mod:`depcheck.registries.pep503`);
pypi-simple, a development dependency, reads the same pages independently. The reader tests
compare the two over every recorded page, and the rule and suggestion tests build their
:class:`~depcheck.registries.interface.ProjectFacts` through pypi-simple so that they do not lean
on the reader they would then be testing.
"""

from __future__ import annotations

import datetime as dt

from packaging.utils import canonicalize_name
from pypi_simple import DistributionPackage, ProjectPage

from depcheck.registries.interface import ProjectFacts, Release, ReleaseFile
from depcheck.registries.pypi import releases_from_files


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


def releases_from_page(page: ProjectPage) -> dict[str, Release]:
    """A page's files grouped into releases by the (PEP 440) version pypi-simple reads in their
    names, each keyed as the index writes it (the PEP 700 ``versions`` spelling when listed)."""
    return releases_from_files(
        page.project,
        ((package.version, _file(package)) for package in page.packages),
        page.versions or (),
    )


def facts_from_project_page(name: str, page: ProjectPage, index: str) -> ProjectFacts:
    """The facts a pypi-simple page describes, as the index would answer them (files read)."""
    return ProjectFacts(
        name=canonicalize_name(name),
        found=True,
        releases=releases_from_page(page),
        index=index,
        status=str(page.status) if page.status is not None else None,
        files_read=True,
    )
