"""Container image references (``ghcr.io/astral-sh/uv:0.9.26@sha256:...``) split into their parts.

Dockerfiles and compose files name images the way ``docker pull`` accepts them; this module reads
such a reference the way Docker does (``distribution/reference``: ``ParseNormalizedNamed`` and
``splitDockerDomain``), so that depcheck asks the registry Docker would ask, for the repository
Docker would pull. The first path component is a registry host only when it contains ``.`` or
``:``, is ``localhost``, or has an uppercase letter (Docker Hub namespaces are lowercase, so Docker
takes such a component for a host); everything else is on Docker Hub, where one-component names
live under ``library/``. ``docker.io/`` and ``index.docker.io/`` prefixes also mean Docker Hub.
:func:`image_dependency` turns a reference found in a file into a
:class:`~depcheck.model.Dependency` with its location.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from depcheck.model import Dependency, Ecosystem, Role, SpanRole
from depcheck.sources.document import Document
from depcheck.sources.expansion import Sourced, Substitution

__all__ = [
    "FixSpan",
    "ImageRef",
    "InvalidImageReference",
    "fix_span",
    "image_dependency",
    "parse_image_ref",
]

DOCKER_HUB_HOSTS = frozenset({"docker.io", "index.docker.io"})
"""Registry prefixes that mean Docker Hub (``index.docker.io`` is the legacy name)."""

NAME_MAX_LENGTH = 255
"""distribution/reference's ``NameTotalLengthMax``: the longest repository name Docker accepts."""

# The grammar of distribution/reference (regexp.go), ASCII only as in Go.
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*", re.ASCII)
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?", re.ASCII
)
_TAG = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}", re.ASCII)
_HEX_IDENTIFIER = re.compile(r"[a-f0-9]{64}", re.ASCII)
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
"""Hex lengths go-digest enforces for the algorithms it knows."""


class InvalidImageReference(ValueError):
    """``reference`` is not an image reference Docker would accept; ``reason`` says why."""

    def __init__(self, reference: str, reason: str) -> None:
        super().__init__(f"invalid image reference {reference!r}: {reason}")
        self.reference = reference
        self.reason = reason


@dataclass(frozen=True)
class ImageRef:
    """One image reference, split the way Docker splits it.

    ``name`` is the reference as written without tag and digest (``docker.io/library/debian``,
    ``localhost:5000/app``); ``registry`` the host with its port, ``None`` for Docker Hub;
    ``repository`` the path on that registry, with ``library/`` added for one-component Docker
    Hub names (``library/python``).
    """

    name: str
    registry: str | None
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def reference(self) -> str:
        """The full reference: ``name[:tag][@digest]``."""
        text = self.name
        if self.tag is not None:
            text += f":{self.tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text

    @property
    def on_docker_hub(self) -> bool:
        return self.registry is None

    def __str__(self) -> str:
        return self.reference


@functools.lru_cache(maxsize=4096)
def parse_image_ref(text: str) -> ImageRef:
    """Split ``text`` into registry, repository, tag and digest; raise :class:`InvalidImageReference`.

    Cached (the answer is immutable): a Dockerfile parser splits each reference twice, and a tree's
    Dockerfiles and compose files name the same few base images over and over.
    """
    if not text:
        raise InvalidImageReference(text, "the image reference is empty")
    if any(character.isspace() for character in text):
        raise InvalidImageReference(text, "an image reference cannot contain whitespace")
    name, at, digest = text.partition("@")
    if at:
        _check_digest(text, digest)
    tag: str | None = None
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1 :]
        if not _TAG.fullmatch(tag):
            raise InvalidImageReference(
                text,
                f"invalid tag {tag!r}: a tag is 1 to 128 letters, digits, '_', '.' and '-', "
                "and cannot start with '.' or '-'",
            )
    if not name:
        raise InvalidImageReference(text, "the image name is empty")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidImageReference(text, f"the image name is longer than {NAME_MAX_LENGTH} characters")
    if _HEX_IDENTIFIER.fullmatch(name):
        raise InvalidImageReference(
            text, "a 64-character hexadecimal string is an image id, not a repository name"
        )
    registry, path = _split_registry(name)
    if registry is not None and not _DOMAIN.fullmatch(registry):
        raise InvalidImageReference(text, f"invalid registry host {registry!r}")
    if path.lower() != path:
        raise InvalidImageReference(text, f"repository name {path!r} must be lowercase")
    for component in path.split("/"):
        if not _PATH_COMPONENT.fullmatch(component):
            raise InvalidImageReference(
                text,
                f"invalid repository path component {component!r}: lowercase letters and digits, "
                "separated by '.', '_', '__' or dashes",
            )
    if registry in DOCKER_HUB_HOSTS:
        registry = None
    repository = path if registry is not None or "/" in path else f"library/{path}"
    return ImageRef(
        name=name, registry=registry, repository=repository, tag=tag, digest=digest if at else None
    )


def _check_digest(text: str, digest: str) -> None:
    if not _DIGEST.fullmatch(digest):
        raise InvalidImageReference(
            text, f"invalid digest {digest!r}: expected algorithm:hex, such as sha256: and 64 hex digits"
        )
    algorithm, _, hex_digits = digest.partition(":")
    expected = _DIGEST_LENGTHS.get(algorithm)
    if expected is not None and len(hex_digits) != expected:
        raise InvalidImageReference(
            text, f"invalid digest {digest!r}: a {algorithm} digest has {expected} hex digits"
        )


def _split_registry(name: str) -> tuple[str | None, str]:
    """``(host, path)``: the first component is a host by distribution's ``splitDockerDomain`` rule."""
    first, slash, rest = name.partition("/")
    if not slash:
        return None, name
    if first == "localhost" or any(mark in first for mark in ".:") or first.lower() != first:
        return first, rest
    return None, name


def image_dependency(
    document: Document,
    start: int,
    end: int,
    text: str,
    *,
    role: Role,
    section: str | None,
    span_role: SpanRole | None,
    unresolved: str | None = None,
    platform: str | None = None,
    span: tuple[int, int] | None = None,
    ignored_rules: frozenset[str] | None = None,
    span_affixes: tuple[str, str] = ("", ""),
    span_source: str | None = None,
) -> Dependency:
    """The dependency on image ``text`` written at characters ``[start, end)`` of ``document``.

    ``text`` is the reference as Docker would resolve it (variables expanded). The location points
    at ``start``; the fix span covers ``span`` (characters, defaulting to ``[start, end)``) when
    ``span_role`` is given, and nothing otherwise; ``span_affixes`` and ``span_source`` are carried
    to the location with it (see :class:`~depcheck.model.Location`). With ``unresolved`` the
    reference is not parsed: ``name`` is ``text`` as written and the reason is carried for the
    report. Raises :class:`InvalidImageReference` when ``text`` is not a reference.
    """
    location = document.location(start, section=section)
    if unresolved is not None:
        return Dependency(
            ecosystem=Ecosystem.DOCKER,
            name=text,
            text=text,
            location=location,
            role=role,
            platform=platform,
            unresolved=unresolved,
            ignored_rules=ignored_rules,
        )
    if span_role is not None:
        fix_start, fix_end = span if span is not None else (start, end)
        location = replace(
            location,
            span=document.span(fix_start, fix_end),
            span_role=span_role,
            span_affixes=span_affixes,
            span_source=span_source,
        )
    image = parse_image_ref(text)
    return Dependency(
        ecosystem=Ecosystem.DOCKER,
        name=image.name,
        text=image.reference,
        location=location,
        role=role,
        registry=image.registry,
        repository=image.repository,
        tag=image.tag,
        digest=image.digest,
        platform=platform,
        ignored_rules=ignored_rules,
    )


@dataclass(frozen=True)
class FixSpan:
    """The characters ``[start, end)`` a fix of a reference may rewrite, and what they hold.

    ``affixes`` is the literal text of the tag before and after a ``TAG`` span that holds only
    part of the tag (``("", "-slim")`` for ``python:${PY}-slim``). ``variable`` is the variable
    whose text the span is, ``None`` when it is written at the reference itself.
    """

    start: int
    end: int
    role: SpanRole
    affixes: tuple[str, str] = ("", "")
    variable: Substitution | None = None


def fix_span(
    document: Document, resolved: Sourced, image: ImageRef, substitutions: Sequence[Substitution] = ()
) -> FixSpan | None:
    """The characters a fix of ``image`` may rewrite, and what they hold; ``None`` if nothing is safe.

    ``resolved`` is the reference after variable expansion, with the document offset of each of
    its characters, and ``substitutions`` where its variables put their text. When the whole
    reference is written in one piece (a literal, an ``ARG`` default, a ``${X:-default}``), a fix
    rewrites it (``REFERENCE``); else when the tag alone is (``ARG PY=3.12`` with
    ``FROM python:${PY}``), a fix rewrites the tag (``TAG``). Else when exactly one variable
    supplies part of the tag, that part is written in one piece, and the rest of the tag is
    literal text of the reference (``python:${PY}-slim``, ``app:v${V}``), a fix rewrites that part
    and the literal text becomes the span's affixes. Anything else (a tag split across two
    variables, text from a build argument or the environment, an escape) gives ``None``.
    """
    text = document.text
    pieces = [piece for piece in substitutions if piece.end > piece.start]
    whole = resolved.written_range(text)
    if whole is not None:
        # Text written in one piece comes from one variable at most: a variable's text and the
        # literal text around its expression are never adjacent in the file.
        return FixSpan(*whole, SpanRole.REFERENCE, variable=pieces[0] if len(pieces) == 1 else None)
    if image.tag is None:
        return None
    begin = len(image.name) + 1
    end = begin + len(image.tag)
    inside = [piece for piece in pieces if piece.start < end and piece.end > begin]
    tag = resolved[begin:end].written_range(text)
    if tag is not None:
        return FixSpan(*tag, SpanRole.TAG, variable=inside[0] if len(inside) == 1 else None)
    if len(inside) != 1:
        return None
    piece = inside[0]
    middle_start, middle_end = max(begin, piece.start), min(end, piece.end)
    middle = resolved[middle_start:middle_end].written_range(text)
    if middle is None:
        return None
    affixes = (resolved.text[begin:middle_start], resolved.text[middle_end:end])
    return FixSpan(*middle, SpanRole.TAG, affixes, piece)
