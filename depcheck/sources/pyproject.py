"""``pyproject.toml``: every place a project, Poetry, PDM or uv names a dependency.

Read: ``[project].dependencies``, ``[project.optional-dependencies]``, ``requires-python``,
``[build-system].requires``, ``[dependency-groups]`` (PEP 735, ``{include-group}`` checked),
Poetry's ``dependencies``, ``dev-dependencies`` and ``group.*.dependencies`` (constraints
translated to PEP 440 by :mod:`depcheck.sources.poetry_constraints`), PDM's ``dev-dependencies``,
uv's ``dev-``, ``constraint-``, ``override-`` and ``build-constraint-dependencies``, and
``[tool.uv.sources]``, which moves a dependency off the index (a path, a workspace member, a git
or archive URL, a named index). ``tomllib`` reads and validates the structure; positions come from
:mod:`depcheck.sources.toml_positions`, since no TOML library reports them.

Spans: a PEP 508 string gets a ``REQUIREMENT`` span over its raw content, a Poetry version string
a ``VERSION`` span over its raw content. When the raw text differs from the decoded value inside
the part a fix would rewrite (an escape such as ``\\"`` or ``\\u00e9``), the location keeps the
line and column of the string but carries no span: offsets computed on the value would not fit
the file, and rewriting escaped text is not a safe fix.

A ``# depcheck: ignore[...]`` comment applies to the entries on its line (for Poetry, the key's
line too). ``[tool.uv.sources]`` applies to every PEP 508 entry of the file with that name; its
``extra``/``group`` conditions are not honoured, and a list of sources (chosen by marker) makes
the entry ``unresolved``.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import PurePath, PurePosixPath
from typing import Any, NamedTuple

from packaging.requirements import InvalidRequirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name

from depcheck.model import (
    Dependency,
    Ecosystem,
    FileKind,
    Finding,
    Location,
    ParseResult,
    Role,
    SpanRole,
)
from depcheck.rules import invalid
from depcheck.sources.document import Document
from depcheck.sources.ignores import parse_ignore_comment
from depcheck.sources.interface import ParseContext, Source
from depcheck.sources.names import is_pyproject
from depcheck.sources.pep508 import marker_start, requirement_dependency
from depcheck.sources.poetry_constraints import PoetryConstraintError, poetry_specifier
from depcheck.sources.toml_positions import (
    KeyPath,
    TomlPositions,
    TomlScanError,
    identical_prefix,
    locate,
)
from depcheck.toml_values import kind_of

logger = logging.getLogger(__name__)

_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_EDITABLE = re.compile(r"-e\s+|--editable(?:\s+|=)")
_EGG = re.compile(r"[#&]egg=([^&]+)")

_MISSING: Any = object()

_UV_LISTS = (
    ("dev-dependencies", Role.REQUIREMENT),
    ("constraint-dependencies", Role.CONSTRAINT),
    ("override-dependencies", Role.CONSTRAINT),
    ("build-constraint-dependencies", Role.CONSTRAINT),
)


class PyprojectSource(Source):
    """``pyproject.toml`` files: PEP 621, PEP 517, PEP 735, Poetry, PDM and uv tables."""

    kind = FileKind.PYPROJECT

    def claims(self, path: PurePath) -> bool:
        return is_pyproject(path)

    def parse(self, document: Document, path: PurePath, context: ParseContext) -> ParseResult:
        try:
            data = tomllib.loads(document.text)
        except tomllib.TOMLDecodeError as exc:
            return ParseResult(findings=(_toml_error(document, exc),), files=(document.path,))
        try:
            positions = locate(document.text)
        except TomlScanError as exc:
            # tomllib accepted the file, so this is a gap in the scanner: the dependencies are
            # still reported, at line 1 and without fix spans, rather than not at all.
            logger.warning("%s: positions unavailable (%s); reporting entries at line 1", document.path, exc)
            positions = TomlPositions()
        reader = _Reader(document, data, positions)
        reader.read()
        return ParseResult(
            dependencies=tuple(sorted(reader.dependencies, key=_order)),
            findings=tuple(sorted(reader.findings, key=_order)),
            files=(document.path,),
        )


def _order(record: Dependency | Finding) -> tuple[int, int]:
    return record.location.line, record.location.column


def _toml_error(document: Document, exc: tomllib.TOMLDecodeError) -> Finding:
    """One ``invalid`` finding at the line tomllib names (its message ends ``(at line N, column M)``)."""
    message = str(exc)
    match = _TOML_ERROR_AT.search(message)
    if match is not None:
        line, column = int(match.group(1)), int(match.group(2))
    else:  # "(at end of document)": point at the last line that holds anything
        line, column = document.line_of(max(len(document.text.rstrip()) - 1, 0)), 1
    return invalid(Location(file=document.path, line=line, column=column), f"not valid TOML: {message}")


def _dotted(path: KeyPath) -> str:
    """``("project", "dependencies", 2)`` -> ``project.dependencies[2]``, as a user would find it."""
    shown = ""
    for part in path:
        if isinstance(part, int):
            shown += f"[{part}]"
        else:
            key = part if _BARE_KEY.fullmatch(part) else '"' + part.replace('"', '\\"') + '"'
            shown += f".{key}" if shown else key
    return shown


def _git_url(repository: str, ref: str | None, subdirectory: str | None) -> str:
    """A pip-style VCS URL (``git+https://host/repo.git@ref``), so the VCS rule sees the ref."""
    url = repository if repository.startswith("git+") else f"git+{repository}"
    if ref:
        url += f"@{ref}"
    if subdirectory:
        url += f"#subdirectory={subdirectory}"
    return url


class _Origin(NamedTuple):
    """Where ``[tool.uv.sources]`` says a dependency comes from instead of the default index.

    A NamedTuple rather than a frozen dataclass: as immutable, and several times cheaper to
    define when the module is imported.
    """

    url: str | None = None
    index_url: str | None = None
    unresolved: str | None = None


class _Reader:
    """Reads one parsed document; collects dependencies and findings as it goes."""

    def __init__(self, document: Document, data: dict[str, Any], positions: TomlPositions) -> None:
        self.document = document
        self.data = data
        self.positions = positions
        self.dependencies: list[Dependency] = []
        self.findings: list[Finding] = []
        # Indexes into self.dependencies of the PEP 508 entries [tool.uv.sources] may redirect.
        self.pep508: list[int] = []
        self.reported: set[KeyPath] = set()
        self.comments: dict[int, list[str]] = {}
        for offset, comment in positions.comments:
            self.comments.setdefault(document.line_of(offset), []).append(comment)

    def read(self) -> None:
        self.project()
        self.requirement_array(("build-system", "requires"), "build-system.requires", Role.BUILD_REQUIREMENT)
        self.dependency_groups()
        self.poetry()
        self.pdm()
        for key, role in _UV_LISTS:
            self.requirement_array(("tool", "uv", key), f"tool.uv.{key}", role)
        self.uv_sources()

    # --- lookups, locations and findings --------------------------------------------------------

    def get(self, path: KeyPath) -> Any:
        """The value at ``path``, or ``_MISSING``; a parent that is not a table is reported once."""
        node: Any = self.data
        for depth, key in enumerate(path):
            if not isinstance(node, dict):
                parent = path[:depth]
                if parent not in self.reported:
                    self.reported.add(parent)
                    self.wrong_type(parent, node, "a table")
                return _MISSING
            if key not in node:
                return _MISSING
            node = node[key]
        return node

    def offset(self, path: KeyPath, *, key: bool = False) -> int | None:
        """Where ``path`` is written: its key when ``key`` (and it has one), else its value."""
        if key and path in self.positions.keys:
            return self.positions.keys[path]
        located = self.positions.values.get(path)
        if located is not None:
            return located.content_start
        return self.positions.keys.get(path)

    def location(self, path: KeyPath, section: str | None, *, key: bool = False) -> Location:
        """A location without a fix span (line 1 when the scanner could not place ``path``)."""
        offset = self.offset(path, key=key)
        if offset is None:
            return self.document.line_location(1, section=section)
        return self.document.location(offset, section=section)

    def invalid_at(
        self, path: KeyPath, reason: str, section: str | None = None, *, key: bool = False
    ) -> None:
        self.findings.append(invalid(self.location(path, section, key=key), reason, Ecosystem.PYPI))

    def wrong_type(self, path: KeyPath, value: object, expected: str, section: str | None = None) -> None:
        self.invalid_at(path, f"{_dotted(path)} must be {expected}, not {kind_of(value)}", section, key=True)

    def lines(self, path: KeyPath, *, key: bool, value: bool) -> set[int]:
        """The lines holding the key and/or the value at ``path``."""
        found: set[int] = set()
        if key and path in self.positions.keys:
            found.add(self.document.line_of(self.positions.keys[path]))
        located = self.positions.values.get(path)
        if value and located is not None:
            last = self.document.line_of(max(located.end - 1, located.start))
            found.update(range(self.document.line_of(located.start), last + 1))
        return found

    def ignored(self, lines: Iterable[int]) -> frozenset[str] | None:
        """The rules silenced by ``# depcheck: ignore`` comments on ``lines`` (empty: every rule)."""
        silenced: frozenset[str] | None = None
        for line in sorted(lines):
            for comment in self.comments.get(line, ()):
                rules = parse_ignore_comment(comment)
                if rules is None:
                    continue
                if not rules or silenced == frozenset():
                    silenced = frozenset()
                else:
                    silenced = rules | (silenced or frozenset())
        return silenced

    def add(self, dependency: Dependency, lines: Iterable[int], *, pep508: bool = False) -> None:
        rules = self.ignored(lines)
        if rules is not None:
            dependency = replace(dependency, ignored_rules=rules)
        if pep508:
            self.pep508.append(len(self.dependencies))
        self.dependencies.append(dependency)

    # --- PEP 508 strings ------------------------------------------------------------------------

    def requirement_array(self, path: KeyPath, section: str, role: Role) -> None:
        entries = self.get(path)
        if entries is _MISSING:
            return
        if not isinstance(entries, list):
            self.wrong_type(path, entries, "an array of PEP 508 requirement strings", section)
            return
        for index, entry in enumerate(entries):
            self.requirement((*path, index), entry, section, role)

    def requirement(
        self, path: KeyPath, entry: object, section: str, role: Role, *, editable: bool = False
    ) -> None:
        if not isinstance(entry, str):
            self.wrong_type(path, entry, "a PEP 508 requirement string", section)
            return
        located = self.positions.values.get(path)
        if editable and (prefix := _EDITABLE.match(entry)) is not None:
            self.editable(path, entry, prefix.end(), section, role)
            return
        start = located.content_start if located is not None else 0
        try:
            dependency = requirement_dependency(self.document, start, entry, role=role, section=section)
        except InvalidRequirement as exc:
            # packaging's message repeats the text with a caret line under it; the first line says why.
            reason = str(exc).splitlines()[0]
            self.invalid_at(
                path, f"{_dotted(path)}: {entry!r} is not a PEP 508 requirement: {reason}", section
            )
            return
        rewritten = len(entry[: marker_start(entry, dependency.url is not None)].rstrip())
        if located is None or identical_prefix(self.document.text, located, entry) < rewritten:
            # An escape inside the requirement: see the module docstring.
            dependency = replace(dependency, location=self.location(path, section))
        self.add(dependency, self.lines(path, key=False, value=True), pep508=True)

    def editable(self, path: KeyPath, entry: str, skip: int, section: str, role: Role) -> None:
        """A PDM ``-e <path or URL>`` entry, or ``-e name @ URL``."""
        target = entry[skip:].strip()
        located = self.positions.values.get(path)
        exact = located is not None and identical_prefix(self.document.text, located, entry) >= len(entry)
        start = (located.content_start if located is not None else 0) + skip
        try:
            dependency = requirement_dependency(
                self.document, start, target, role=role, section=section, editable=True
            )
        except InvalidRequirement:
            # A bare path or URL, as pip's -e takes it: named by its #egg= or its last segment.
            egg = _EGG.search(target)
            stem = egg.group(1) if egg else PurePosixPath(target.split("#", 1)[0].rstrip("/")).name
            dependency = Dependency(
                ecosystem=Ecosystem.PYPI,
                name=canonicalize_name(stem or target),
                text=target,
                location=self.document.location(start, section=section),
                role=role,
                url=target,
                editable=True,
            )
        if not exact:
            dependency = replace(dependency, location=self.location(path, section))
        self.add(dependency, self.lines(path, key=False, value=True), pep508=True)

    # --- PEP 621, PEP 735 -----------------------------------------------------------------------

    def project(self) -> None:
        self.requirement_array(("project", "dependencies"), "project.dependencies", Role.REQUIREMENT)
        optional = self.get(("project", "optional-dependencies"))
        if optional is not _MISSING:
            if isinstance(optional, dict):
                for group in optional:
                    self.requirement_array(
                        ("project", "optional-dependencies", group),
                        f"project.optional-dependencies.{group}",
                        Role.REQUIREMENT,
                    )
            else:
                self.wrong_type(
                    ("project", "optional-dependencies"), optional, "a table of arrays", "project"
                )
        self.requires_python()

    def requires_python(self) -> None:
        path = ("project", "requires-python")
        section = "project.requires-python"
        value = self.get(path)
        if value is _MISSING:
            return
        if not isinstance(value, str):
            self.wrong_type(path, value, "a version specifier string", section)
            return
        try:
            specifier = str(SpecifierSet(value))
        except InvalidSpecifier as exc:
            self.invalid_at(path, f"{_dotted(path)}: {value!r} is not a version specifier: {exc}", section)
            return
        self.add(
            Dependency(
                ecosystem=Ecosystem.PYPI,
                name="python",
                text=value,
                location=self.version_location(path, value, section),
                role=Role.INTERPRETER,
                specifier=specifier,
            ),
            self.lines(path, key=True, value=True),
        )

    def version_location(self, path: KeyPath, value: str, section: str) -> Location:
        """A ``VERSION`` span over the raw content of the string at ``path`` (none if escaped)."""
        located = self.positions.values.get(path)
        if (
            located is None
            or located.content_end - located.content_start != len(value)
            or identical_prefix(self.document.text, located, value) < len(value)
        ):
            return self.location(path, section)
        return self.document.location(
            located.content_start, located.content_end, role=SpanRole.VERSION, section=section
        )

    def dependency_groups(self) -> None:
        """PEP 735 groups: each string entry where it is written; includes checked, not repeated."""
        root = ("dependency-groups",)
        groups = self.get(root)
        if groups is _MISSING:
            return
        if not isinstance(groups, dict):
            self.wrong_type(root, groups, "a table of arrays", "dependency-groups")
            return
        # PEP 735 compares group names normalised, like project names.
        includes: dict[str, list[str]] = {}
        for group, entries in groups.items():
            includes[canonicalize_name(group)] = [
                canonicalize_name(entry["include-group"])
                for entry in (entries if isinstance(entries, list) else ())
                if isinstance(entry, dict) and isinstance(entry.get("include-group"), str)
            ]
        for group, entries in groups.items():
            path = (*root, group)
            section = f"dependency-groups.{group}"
            if not isinstance(entries, list):
                self.wrong_type(path, entries, "an array", section)
                continue
            for index, entry in enumerate(entries):
                entry_path = (*path, index)
                if isinstance(entry, dict):
                    self.include(entry_path, entry, group, includes, section)
                else:
                    self.requirement(entry_path, entry, section, Role.REQUIREMENT)

    def include(
        self, path: KeyPath, entry: dict[str, Any], group: str, includes: dict[str, list[str]], section: str
    ) -> None:
        target = entry.get("include-group")
        if set(entry) != {"include-group"} or not isinstance(target, str):
            self.invalid_at(
                path,
                f'{_dotted(path)} must be a PEP 508 string or {{include-group = "<group>"}}',
                section,
            )
            return
        if canonicalize_name(target) not in includes:
            self.invalid_at(
                path,
                f"{_dotted(path)} includes the group {target!r}, which [dependency-groups] does not define",
                section,
            )
            return
        cycle = _cycle(canonicalize_name(target), canonicalize_name(group), includes)
        if cycle is not None:
            chain = " -> ".join([canonicalize_name(group), *cycle])
            self.invalid_at(path, f"{_dotted(path)} makes an include-group cycle: {chain}", section)

    # --- Poetry ---------------------------------------------------------------------------------

    def poetry(self) -> None:
        self.poetry_table(("tool", "poetry", "dependencies"))
        self.poetry_table(("tool", "poetry", "dev-dependencies"))
        groups = self.get(("tool", "poetry", "group"))
        if groups is _MISSING:
            return
        if not isinstance(groups, dict):
            self.wrong_type(("tool", "poetry", "group"), groups, "a table of groups")
            return
        for group in groups:
            self.poetry_table(("tool", "poetry", "group", group, "dependencies"))

    def poetry_table(self, path: KeyPath) -> None:
        section = _dotted(path)
        table = self.get(path)
        if table is _MISSING:
            return
        if not isinstance(table, dict):
            self.wrong_type(path, table, "a table of dependencies", section)
            return
        for key, value in table.items():
            entry_path = (*path, key)
            if not isinstance(value, list):
                self.poetry_entry(key, entry_path, entry_path, value, section)
                continue
            # Multiple-constraint dependencies: one record per element, each with its own span.
            if not value:
                self.invalid_at(entry_path, f"{_dotted(entry_path)} is an empty array", section, key=True)
            for index, element in enumerate(value):
                element_path = (*entry_path, index)
                if isinstance(element, dict):
                    self.poetry_entry(key, entry_path, element_path, element, section)
                else:
                    self.wrong_type(element_path, element, 'a table such as {version = "..."}', section)

    def poetry_entry(self, key: str, key_path: KeyPath, path: KeyPath, value: object, section: str) -> None:
        """One Poetry dependency: ``key`` names it, ``path`` is its value (or array element)."""
        if key == "python":
            name, role = "python", Role.INTERPRETER
            if not isinstance(value, str):
                self.wrong_type(path, value, "a version constraint string", section)
                return
        else:
            try:
                name, role = canonicalize_name(key, validate=True), Role.REQUIREMENT
            except InvalidName:
                self.invalid_at(
                    key_path, f"{_dotted(key_path)}: {key!r} is not a valid project name", section
                )
                return
        element = isinstance(path[-1], int)
        lines = self.lines(key_path, key=True, value=not element) | self.lines(path, key=False, value=element)
        if isinstance(value, str):
            self.poetry_version(name, role, value, path, section, lines)
            return
        if not isinstance(value, dict):
            self.wrong_type(path, value, "a version string, a table or an array of tables", section)
            return
        for field in (
            "version",
            "git",
            "rev",
            "tag",
            "branch",
            "subdirectory",
            "path",
            "url",
            "markers",
            "source",
        ):
            if field in value and not isinstance(value[field], str):
                self.wrong_type((*path, field), value[field], "a string", section)
                return
        extras = value.get("extras", [])
        if not isinstance(extras, list) or not all(isinstance(extra, str) for extra in extras):
            self.wrong_type((*path, "extras"), extras, "an array of strings", section)
            return
        markers = [value["markers"]] if "markers" in value else []
        if "python" in value:
            # Poetry's per-dependency python restriction is an environment marker in PEP 508 terms.
            try:
                markers.append(_python_marker(value["python"]))
            except (PoetryConstraintError, TypeError) as exc:
                reason = (
                    f"{_dotted((*path, 'python'))}: {value['python']!r} is not a Python constraint: {exc}"
                )
                self.invalid_at((*path, "python"), reason, section)
                return
        record = Dependency(
            ecosystem=Ecosystem.PYPI,
            name=name,
            text="",
            location=self.location(path if element else key_path, section, key=not element),
            role=role,
            extras=tuple(sorted(extras)),
            marker=" and ".join(f"({marker})" if len(markers) > 1 else marker for marker in markers if marker)
            or None,
        )
        if "git" in value:
            ref = value.get("rev") or value.get("tag") or value.get("branch")
            url = _git_url(value["git"], ref, value.get("subdirectory"))
            self.add(replace(record, text=value["git"], url=url), lines)
        elif "path" in value:
            reason = (
                f"{name} comes from a local path ({value['path']}); it cannot be checked against a registry"
            )
            self.add(replace(record, text=value["path"], unresolved=reason), lines)
        elif "url" in value:
            self.add(replace(record, text=value["url"], url=value["url"]), lines)
        else:
            if "source" in value:
                record = self.poetry_source(record, value["source"])
            if "version" in value:
                self.poetry_version(name, role, value["version"], (*path, "version"), section, lines, record)
            else:  # a table with no version, such as {extras = [...]}: any version
                self.add(record, lines)

    def poetry_version(
        self,
        name: str,
        role: Role,
        constraint: str,
        path: KeyPath,
        section: str,
        lines: set[int],
        record: Dependency | None = None,
    ) -> None:
        try:
            specifier = poetry_specifier(constraint)
        except PoetryConstraintError as exc:
            self.invalid_at(
                path, f"{_dotted(path)}: {constraint!r} is not a Poetry version constraint: {exc}", section
            )
            return
        location = self.version_location(path, constraint, section)
        if record is None:
            record = Dependency(ecosystem=Ecosystem.PYPI, name=name, text=constraint, location=location)
        self.add(replace(record, text=constraint, location=location, role=role, specifier=specifier), lines)

    def poetry_source(self, record: Dependency, source: str) -> Dependency:
        """The ``source = "name"`` of a Poetry dependency: the index named in ``[[tool.poetry.source]]``."""
        if source.lower() == "pypi":  # Poetry's reserved name for the default index
            return record
        url = _named_index(self.get(("tool", "poetry", "source")), source)
        if url is None:
            reason = f"{record.name} comes from the source {source!r}, which [[tool.poetry.source]] does not define"
            return replace(record, unresolved=reason)
        return replace(record, index_url=url)

    # --- PDM and uv -----------------------------------------------------------------------------

    def pdm(self) -> None:
        path = ("tool", "pdm", "dev-dependencies")
        groups = self.get(path)
        if groups is _MISSING:
            return
        if not isinstance(groups, dict):
            self.wrong_type(path, groups, "a table of arrays", "tool.pdm.dev-dependencies")
            return
        for group, entries in groups.items():
            section = f"tool.pdm.dev-dependencies.{group}"
            group_path = (*path, group)
            if not isinstance(entries, list):
                self.wrong_type(group_path, entries, "an array of PEP 508 requirement strings", section)
                continue
            for index, entry in enumerate(entries):
                self.requirement((*group_path, index), entry, section, Role.REQUIREMENT, editable=True)

    def uv_sources(self) -> None:
        """Redirect the PEP 508 entries that ``[tool.uv.sources]`` names to their source."""
        path = ("tool", "uv", "sources")
        sources = self.get(path)
        if sources is _MISSING:
            return
        if not isinstance(sources, dict):
            self.wrong_type(path, sources, "a table", "tool.uv.sources")
            return
        origins: dict[str, _Origin] = {}
        for key, spec in sources.items():
            entry_path = (*path, key)
            try:
                name = canonicalize_name(key, validate=True)
            except InvalidName:
                self.invalid_at(
                    entry_path, f"{_dotted(entry_path)}: {key!r} is not a valid project name", key=True
                )
                continue
            if isinstance(spec, list):
                # uv picks among several sources by marker, extra or group; depcheck does not.
                reason = f"{name} has several sources in tool.uv.sources, chosen by marker; it is not checked"
                origins[name] = _Origin(unresolved=reason)
            elif isinstance(spec, dict):
                origin = self.uv_origin(name, spec, entry_path)
                if origin is not None:
                    origins[name] = origin
            else:
                self.wrong_type(entry_path, spec, "a table or an array of tables", "tool.uv.sources")
        for index in self.pep508:
            dependency = self.dependencies[index]
            origin = origins.get(dependency.name)
            if origin is None or dependency.url is not None:
                continue
            self.dependencies[index] = replace(
                dependency,
                url=origin.url,
                index_url=origin.index_url or dependency.index_url,
                unresolved=origin.unresolved,
            )

    def uv_origin(self, name: str, spec: dict[str, Any], path: KeyPath) -> _Origin | None:
        for field in ("git", "rev", "tag", "branch", "subdirectory", "path", "url", "index"):
            if field in spec and not isinstance(spec[field], str):
                self.wrong_type((*path, field), spec[field], "a string", "tool.uv.sources")
                return None
        if spec.get("workspace") is True:
            return _Origin(
                unresolved=f"{name} is a workspace member (tool.uv.sources); it is built from this "
                "repository, not taken from an index"
            )
        if "path" in spec:
            return _Origin(
                unresolved=f"{name} comes from a local path via tool.uv.sources ({spec['path']}); "
                "it cannot be checked against a registry"
            )
        if "git" in spec:
            ref = spec.get("rev") or spec.get("tag") or spec.get("branch")
            return _Origin(url=_git_url(spec["git"], ref, spec.get("subdirectory")))
        if "url" in spec:
            return _Origin(url=spec["url"])
        if "index" in spec:
            url = _named_index(self.get(("tool", "uv", "index")), spec["index"])
            if url is None:
                return _Origin(
                    unresolved=f"{name} comes from the index {spec['index']!r}, which [[tool.uv.index]] "
                    "does not define"
                )
            return _Origin(index_url=url)
        logger.debug(
            "%s: tool.uv.sources entry for %s names no source depcheck knows", self.document.path, name
        )
        return None


def _python_marker(constraint: object) -> str:
    """Poetry's ``python = "..."`` of one dependency as a PEP 508 marker (``python_version >= "3.8"``)."""
    if not isinstance(constraint, str):
        raise TypeError(f"expected a string, not {kind_of(constraint)}")
    clauses = []
    for specifier in sorted(SpecifierSet(poetry_specifier(constraint)), key=str):
        # Poetry's own choice: python_full_version once a bound names the micro version.
        variable = "python_full_version" if specifier.version.count(".") >= 2 else "python_version"
        clauses.append(f'{variable} {specifier.operator} "{specifier.version}"')
    return " and ".join(clauses)


def _named_index(indexes: object, name: str) -> str | None:
    """The ``url`` of the entry called ``name`` in an array of ``{name, url}`` tables."""
    if not isinstance(indexes, list):
        return None
    for index in indexes:
        if isinstance(index, dict) and index.get("name") == name and isinstance(index.get("url"), str):
            return str(index["url"])
    return None


def _cycle(start: str, back_to: str, includes: dict[str, list[str]]) -> list[str] | None:
    """The chain of groups from ``start`` that includes ``back_to`` again, if there is one."""
    seen: set[str] = set()
    trail: list[str] = []

    def visit(group: str) -> bool:
        trail.append(group)
        if group == back_to:
            return True
        if group not in seen:
            seen.add(group)
            for included in includes.get(group, ()):
                if visit(included):
                    return True
        trail.pop()
        return False

    return trail if visit(start) else None
