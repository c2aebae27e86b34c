"""PEP 508 requirement strings turned into :class:`~depcheck.model.Dependency` records.

Shared by every file kind that writes pip requirements: requirements files, ``pyproject.toml``
arrays and ``pip install`` arguments inside a Dockerfile ``RUN``. Parsing is ``packaging``'s;
this module adds the one thing ``packaging`` does not keep, the exact position of the text a fix
would replace (name, extras and specifier, without the marker).
"""

from __future__ import annotations

import re

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from depcheck.model import Dependency, Ecosystem, Role, SpanRole
from depcheck.sources.document import Document

__all__ = ["InvalidRequirement", "marker_start", "requirement_dependency"]

_URL_MARKER = re.compile(r"\s;")


def marker_start(text: str, has_url: bool) -> int:
    """Where the ``;`` that opens the marker stands in ``text``, or ``len(text)``.

    After a URL the marker needs whitespace before the ``;`` (PEP 508), because ``;`` is legal in
    URLs; otherwise the first ``;`` opens it.
    """
    if has_url:
        match = _URL_MARKER.search(text)
        return match.start() + 1 if match else len(text)
    index = text.find(";")
    return index if index != -1 else len(text)


def requirement_dependency(
    document: Document,
    start: int,
    text: str,
    *,
    role: Role = Role.REQUIREMENT,
    section: str | None = None,
    hashes: tuple[str, ...] = (),
    editable: bool = False,
    index_url: str | None = None,
    extra_index_urls: tuple[str, ...] = (),
) -> Dependency:
    """The dependency written as ``text`` at character ``start`` of ``document``.

    Raises :class:`packaging.requirements.InvalidRequirement` with packaging's reason when
    ``text`` is not a PEP 508 requirement.
    """
    requirement = Requirement(text)
    cut = marker_start(text, requirement.url is not None)
    body = text[:cut].rstrip()
    leading = len(body) - len(body.lstrip())
    body_start = start + leading
    body = body.strip()
    location = document.location(
        body_start, body_start + len(body), role=SpanRole.REQUIREMENT, section=section
    )
    return Dependency(
        ecosystem=Ecosystem.PYPI,
        name=canonicalize_name(requirement.name),
        text=body,
        location=location,
        role=role,
        specifier=str(requirement.specifier),
        extras=tuple(sorted(requirement.extras)),
        marker=str(requirement.marker) if requirement.marker is not None else None,
        url=requirement.url,
        editable=editable,
        hashes=hashes,
        index_url=index_url,
        extra_index_urls=extra_index_urls,
    )
