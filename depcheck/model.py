"""The records that flow through depcheck: dependency references, findings and their severities.

Data flows one way: files -> :class:`Dependency` -> registry facts -> :class:`Finding` -> report.
Everything here is a frozen dataclass so that a record read from a file can be shared between
the rules, the reports and the fixers without anyone changing it behind the others' backs.
Byte offsets (:class:`Span`) always index the file's raw bytes, BOM included, so a fixer can
splice a replacement in without re-encoding anything else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Ecosystem(enum.StrEnum):
    """Where a dependency is published."""

    PYPI = "pypi"
    DOCKER = "docker"


class Severity(enum.StrEnum):
    """How serious a finding is; ordered so that ``ERROR > WARNING > INFO``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class FileKind(enum.StrEnum):
    """The kinds of file depcheck reads."""

    REQUIREMENTS = "requirements"
    PYPROJECT = "pyproject"
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"


class Role(enum.StrEnum):
    """What a dependency reference is used for in its file.

    The role decides which rules apply: an ``INTERPRETER`` constraint (``requires-python``,
    Poetry's ``python`` key) is recorded but never looked up, a ``CONSTRAINT`` line pins like a
    requirement, a ``SYNTAX`` image is the BuildKit frontend named on line 1 of a Dockerfile.
    """

    REQUIREMENT = "requirement"
    CONSTRAINT = "constraint"
    BUILD_REQUIREMENT = "build-requirement"
    INTERPRETER = "interpreter"
    IMAGE = "image"
    SYNTAX = "syntax"
    COPY_FROM = "copy-from"
    MOUNT_FROM = "mount-from"


class SpanRole(enum.StrEnum):
    """What the bytes under :attr:`Location.span` hold, and so what a fix writes there.

    ``REQUIREMENT``: a PEP 508 requirement without its marker (``httpx[http2]>=0.27``); a fix
    writes ``name[extras]==V`` keeping the name and extras exactly as written.
    ``VERSION``: a bare version (a Poetry ``"^1.2"`` value, a ``version = "..."`` key); a fix
    writes the version text in that file's own syntax.
    ``REFERENCE``: a whole image reference (``python:3.12-slim``); a fix writes ``image:tag``.
    ``TAG``: only the tag part (an ``ARG`` default or a compose ``${TAG:-3.12}``); a fix writes the tag,
    or, when :attr:`Location.span_affixes` are set, the part of it between them.
    """

    REQUIREMENT = "requirement"
    VERSION = "version"
    REFERENCE = "reference"
    TAG = "tag"


@dataclass(frozen=True, order=True)
class Span:
    """A half-open byte range ``[start, end)`` in a file's raw bytes."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span {self.start}..{self.end}")


@dataclass(frozen=True)
class FileSpan:
    """A byte range of another file than the one a reference is written in (see :class:`Location`)."""

    file: str
    span: Span


@dataclass(frozen=True)
class Location:
    """Where something was read: the file as shown to the user, 1-based line and column.

    ``span`` is the exact byte range a fix would replace (``None`` when there is nothing a fix
    could safely rewrite, for example a version assembled from several ``ARG`` values);
    ``span_role`` says what those bytes hold. ``section`` names the table, group or build stage
    (``project.dependencies``, ``dependency-groups.test``, ``stage builder``).

    The other ``span_*`` fields describe a span that is not the reference's own text, and keep
    their defaults otherwise. A tag is often assembled from a variable and literal text
    (``ARG PY=3.12`` with ``FROM python:${PY}-slim``, compose's ``python:${PY:-3.12}-slim``): the
    span then covers only the variable's text (``3.12``) and ``span_affixes`` holds the literal
    text written before and after it within the tag (``("", "-slim")``), so that for
    ``SpanRole.TAG`` the tag is ``span_affixes[0] + <span text> + span_affixes[1]``. A fix may only
    change the middle: a new tag that does not keep both affixes cannot be written there.
    ``span_source`` names, for messages, where the span's text lives when it is a variable's
    (``ARG PY``, ``${PY:-3.12}``). ``span_shared_with`` lists the other lines whose meaning the
    same text feeds (other ``FROM`` lines using ``ARG PY``, a stage's ``ARG PY`` that imports it):
    rewriting the span changes them too, so a fix is only safe when each of those lines gets the
    very same edit.

    ``span_elsewhere`` is set instead of ``span`` when the text a fix would rewrite lives in
    another file: a compose image whose tag is set in the ``.env`` file beside it. ``span`` then
    stays ``None``, because nothing in ``file`` may be rewritten for this reference (whatever reads
    ``span`` as bytes of ``file`` rightly finds nothing), while ``span_role``, ``span_affixes``,
    ``span_source`` and ``span_shared_with`` (lines of ``file``) describe the text elsewhere as they
    would describe ``span``.
    """

    file: str
    line: int
    column: int = 1
    span: Span | None = None
    span_role: SpanRole | None = None
    section: str | None = None
    span_affixes: tuple[str, str] = ("", "")
    span_source: str | None = None
    span_shared_with: tuple[int, ...] = ()
    span_elsewhere: FileSpan | None = None


@dataclass(frozen=True)
class Dependency:
    """One dependency reference, exactly as a file names it.

    For PyPI, ``name`` is the PEP 503 normalised project name and ``specifier`` the specifier set
    as text (``""`` when there is none). For Docker, ``name`` is the image repository as written
    without tag and digest (``ghcr.io/astral-sh/uv``, ``python``), ``registry`` the host (``None``
    for Docker Hub) and ``repository`` the path on that registry (``library/python``).

    ``unresolved`` carries the reason a reference cannot be checked (an ``ARG`` without a value, a
    local path); such a reference is reported, never looked up.
    """

    ecosystem: Ecosystem
    name: str
    text: str
    location: Location
    role: Role = Role.REQUIREMENT
    # PyPI
    specifier: str = ""
    extras: tuple[str, ...] = ()
    marker: str | None = None
    url: str | None = None
    editable: bool = False
    hashes: tuple[str, ...] = ()
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    # Docker
    registry: str | None = None
    repository: str | None = None
    tag: str | None = None
    digest: str | None = None
    platform: str | None = None
    # Either
    unresolved: str | None = None
    ignored_rules: frozenset[str] | None = None
    """Rules silenced by an inline ``# depcheck: ignore[...]``; an empty set silences every rule."""


@dataclass(frozen=True)
class Finding:
    """One problem with one reference (or with a file that could not be read).

    ``suggestion`` is the bare version or tag to use; ``replacement`` the full text a fix writes
    over ``location.span``. Both are ``None`` when there is nothing exact to suggest.
    """

    rule: str
    severity: Severity
    location: Location
    message: str
    ecosystem: Ecosystem | None = None
    name: str | None = None
    current: str | None = None
    suggestion: str | None = None
    replacement: str | None = None
    dependency: Dependency | None = field(default=None, compare=False, repr=False)

    @classmethod
    def about(
        cls,
        dependency: Dependency,
        rule: str,
        severity: Severity,
        message: str,
        *,
        suggestion: str | None = None,
        replacement: str | None = None,
    ) -> Finding:
        """A finding about ``dependency``, located where it was read."""
        return cls(
            rule=rule,
            severity=severity,
            location=dependency.location,
            message=message,
            ecosystem=dependency.ecosystem,
            name=dependency.name,
            current=dependency.text,
            suggestion=suggestion,
            replacement=replacement,
            dependency=dependency,
        )


@dataclass(frozen=True)
class ParseResult:
    """What a parser read from one file.

    ``findings`` holds what the file itself is wrong about (``invalid`` lines, ``unresolved``
    includes); ``files`` every file that was read, includes first-class, so discovery does not read
    them twice.
    """

    dependencies: tuple[Dependency, ...] = ()
    findings: tuple[Finding, ...] = ()
    files: tuple[str, ...] = ()
