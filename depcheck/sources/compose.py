"""Compose files: the image each service runs (``services.<name>.image``).

The file is read with PyYAML's node API (``yaml.compose`` with the safe loader) rather than
``yaml.safe_load``, because nodes keep their start and end marks: the character offset of every
scalar, so that a reference is reported on its line and a fix rewrites exactly its text (the
content inside the quotes for a quoted scalar). Anchors, aliases and merge keys (``<<: *base``,
``<<: [*a, *b]``) are followed; an image that several services inherit from one anchor is one
text in the file and is reported once, at the anchor.

Compose interpolation is applied to the image: ``$VAR``, ``${VAR}``, ``${VAR:-default}``,
``${VAR-default}``, ``${VAR:?message}``, ``${VAR?message}`` and ``$$`` for a literal ``$``, with
values from ``ParseContext.environ`` (empty unless the caller passes one), else from the ``.env``
file beside the compose file (read by :mod:`depcheck.sources.dotenv`, as Compose reads its
project folder's ``.env``; a value set but empty counts as set, so ``${VAR-default}`` gives the
empty value and ``${VAR:-default}`` the default), and defaults otherwise. The environment of the
depcheck process is never read: an audit must not depend on the machine it runs on. A variable
with no value and no default makes the reference unresolved; a ``.env`` line that cannot be read
is an ``invalid`` finding at its line of the ``.env`` file, and the rest of the file still counts.

Fix spans: when the whole reference, or its whole tag, is written in one piece (a literal, or one
``${VAR:-default}`` default), that text is the fix span. When one default supplies part of the
tag and the rest is literal text (``python:${PY:-3.12}-slim``), the default is the span and the
literal text its affixes (``Location.span_affixes``), so a fix writes ``${PY:-3.12.7}``. When that
text comes from ``.env`` instead (``TAG=3.12`` with ``image: python:${TAG}-slim``), the compose
file holds nothing to rewrite: the span is the value in ``.env`` (``Location.span_elsewhere``,
with ``span_source`` ``TAG in .env``), and the other lines of the compose file that use ``TAG``
are listed in ``span_shared_with``, so that a fix changes the value only when each of them gets
the very same change. A ``.env`` value that other ``.env`` values interpolate, or that is not
written as it reads (escapes, interpolation), gets no span. Otherwise (a tag split across two
variables, a value from the environment) there is none.

A service with a ``build:`` section builds its image locally, so its ``image:`` names the
result, not something to pull: it is skipped, and so is any other service running an image that
a service of the file builds.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePath
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from depcheck.model import Dependency, Ecosystem, FileKind, FileSpan, Finding, Location, ParseResult, Role
from depcheck.rules import invalid
from depcheck.sources.document import Document
from depcheck.sources.dotenv import DOTENV_FILE, Dotenv, parse_dotenv
from depcheck.sources.expansion import (
    COMPOSE,
    ExpansionSyntaxError,
    Sourced,
    UnresolvedVariable,
    expand,
    expand_traced,
)
from depcheck.sources.ignores import parse_ignore_comment
from depcheck.sources.image import (
    FixSpan,
    InvalidImageReference,
    fix_span,
    image_dependency,
    parse_image_ref,
)
from depcheck.sources.interface import FileReadError, ParseContext, Source
from depcheck.sources.names import is_compose

logger = logging.getLogger(__name__)

__all__ = ["ComposeSource"]

_MERGE_TAG = "tag:yaml.org,2002:merge"
_STRING_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
# A variable reference in a compose value; ``$$`` pairs are matched first, being a literal ``$``.
_REFERENCE = re.compile(r"\$\$|\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class ComposeSource(Source):
    """``docker-compose*.yml``, ``docker-compose*.yaml``, ``compose*.yml`` and ``compose*.yaml``."""

    kind = FileKind.COMPOSE

    def claims(self, path: PurePath) -> bool:
        return is_compose(path)

    def parse(self, document: Document, path: PurePath, context: ParseContext) -> ParseResult:
        return _Parser(document, context, path).parse()


class _Service(NamedTuple):
    name: str
    image: Node | None
    builds: bool


class _Parser:
    def __init__(self, document: Document, context: ParseContext, path: PurePath) -> None:
        self.document = document
        self.context = context
        self.findings: list[Finding] = []
        self.merged: dict[int, dict[str, tuple[Node, Node]]] = {}
        self.files: list[str] = []
        # Offsets of .env characters are moved past the compose text, so that one expanded
        # reference can say of each character which of the two files holds it.
        self.elsewhere = len(document.text) + 1
        self.dotenv = self._read_dotenv(path)
        self.root: Node | None = None
        self._references: dict[str, list[int]] | None = None

    def _read_dotenv(self, path: PurePath) -> Dotenv | None:
        """The ``.env`` file beside the compose file, or ``None`` when there is none."""
        reader = self.context.reader
        env_path = reader.resolve(path, DOTENV_FILE)
        if reader.escapes(env_path):
            # Only a symlink can take the .env beside a compose file out of the audited tree.
            logger.warning("%s: not read, it lies outside the audited tree", reader.display(env_path))
            return None
        try:
            document = reader.read(env_path)
        except FileReadError as exc:
            if exc.reason.startswith(("no such file", "is a directory")):
                # No .env, or a folder of that name (a Python virtual environment, often).
                return None
            self.findings.append(
                invalid(
                    Location(file=exc.path, line=exc.line),
                    f"cannot read {exc.path}: {exc.reason}",
                    Ecosystem.DOCKER,
                )
            )
            return None
        dotenv = parse_dotenv(document)
        self.files.append(document.path)
        for error in dotenv.errors:
            self.findings.append(
                invalid(
                    document.line_location(error.line), f"invalid .env line: {error.reason}", Ecosystem.DOCKER
                )
            )
        return dotenv

    def parse(self) -> ParseResult:
        result = self._parse()
        if self.files:
            result = replace(result, files=(*result.files, *self.files))
        return result

    def _parse(self) -> ParseResult:
        try:
            root = yaml.compose(self.document.text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            # Syntax errors, and "expected a single document" for a file with several documents.
            mark = exc.problem_mark or exc.context_mark
            line = self.document.line_of(mark.index) if mark is not None else 1
            reason = "; ".join(part for part in (exc.context, exc.problem) if part)
            return self._only(self.document.line_location(line), f"invalid YAML: {reason}")
        except yaml.YAMLError as exc:  # the reader rejects control characters without a mark
            return self._only(self.document.line_location(1), f"invalid YAML: {exc}")
        if root is None:
            return ParseResult(findings=tuple(self.findings))
        self.root = root
        if not isinstance(root, MappingNode):
            return self._only(self._location(root), "a compose file must be a mapping (services: ...)")
        services_node = _items(root, self.merged).get("services")
        if services_node is None or _is_null(services_node[1]):
            return ParseResult(findings=tuple(self.findings))
        services_value = services_node[1]
        if not isinstance(services_value, MappingNode):
            return self._only(
                self._location(services_value), "services must be a mapping of service names to services"
            )
        services = list(self._services(services_value))
        built = {
            text
            for service in services
            if service.builds and service.image is not None
            for text in [self._literal(service.image)]
            if text is not None
        }
        dependencies: list[Dependency] = []
        seen: set[int] = set()
        for service in services:
            image = service.image
            if image is None or service.builds or id(image) in seen:
                continue
            seen.add(id(image))
            if self._literal(image) in built:
                continue  # the image another service of this file builds
            dependency = self._dependency(service.name, image)
            if dependency is not None:
                dependencies.append(dependency)
        return ParseResult(dependencies=tuple(dependencies), findings=tuple(self.findings))

    def _only(self, location: Location, reason: str) -> ParseResult:
        return ParseResult(findings=(*self.findings, invalid(location, reason, Ecosystem.DOCKER)))

    def _services(self, services: MappingNode) -> Iterator[_Service]:
        for name, (_, node) in _items(services, self.merged).items():
            if _is_null(node):
                continue  # "web:" with nothing under it; compose rejects it, nothing to check here
            if not isinstance(node, MappingNode):
                self._invalid(node, f"services.{name} must be a mapping")
                continue
            fields = _items(node, self.merged)
            image = fields.get("image")
            yield _Service(name=name, image=image[1] if image else None, builds="build" in fields)

    def _dependency(self, service: str, node: Node) -> Dependency | None:
        section = f"services.{service}"
        if not isinstance(node, ScalarNode) or node.tag != _STRING_TAG:
            self._invalid(node, f"{section}.image must be a string")
            return None
        source = self._scalar(node)
        start = source.first_offset()
        if start is None:
            start = node.start_mark.index
        ignored = self._ignored(node)
        try:
            resolved, substitutions = expand_traced(source, self._value, COMPOSE, self._missing)
        except UnresolvedVariable as exc:
            return image_dependency(
                self.document,
                start,
                start + len(source),
                node.value,
                role=Role.IMAGE,
                section=section,
                span_role=None,
                unresolved=exc.reason,
                ignored_rules=ignored,
            )
        except ExpansionSyntaxError as exc:
            self._invalid(node, f"{section}.image: {exc}")
            return None
        if not resolved.text:
            self._invalid(node, f"{section}.image {node.value!r} is an empty image name")
            return None
        try:
            image = parse_image_ref(resolved.text)
        except InvalidImageReference as exc:
            self._invalid(node, f"{section}.image: {exc}")
            return None
        here, elsewhere = self._split(resolved)
        fix = fix_span(self.document, here, image, substitutions)
        dependency = image_dependency(
            self.document,
            start,
            start + len(source),
            image.reference,
            role=Role.IMAGE,
            section=section,
            span_role=fix.role if fix is not None else None,
            span=(fix.start, fix.end) if fix is not None else None,
            ignored_rules=ignored,
            span_affixes=fix.affixes if fix is not None else ("", ""),
            span_source=fix.variable.written if fix is not None and fix.variable is not None else None,
        )
        if fix is None and elsewhere is not None and self.dotenv is not None:
            dotenv_fix = fix_span(self.dotenv.document, elsewhere, image, substitutions)
            if dotenv_fix is not None:
                dependency = self._fixed_in_dotenv(dependency, dotenv_fix, self.dotenv)
        return dependency

    def _split(self, resolved: Sourced) -> tuple[Sourced, Sourced | None]:
        """``resolved`` with only the compose file's offsets, and with only the ``.env`` file's
        (``None`` when no character comes from ``.env``)."""
        boundary = self.elsewhere
        if all(offset is None or offset < boundary for offset in resolved.offsets):
            return resolved, None
        here = tuple(
            offset if offset is not None and offset < boundary else None for offset in resolved.offsets
        )
        there = tuple(
            offset - boundary if offset is not None and offset >= boundary else None
            for offset in resolved.offsets
        )
        return Sourced(resolved.text, here), Sourced(resolved.text, there)

    def _fixed_in_dotenv(self, dependency: Dependency, fix: FixSpan, dotenv: Dotenv) -> Dependency:
        """``dependency`` with the fix span ``fix`` in ``dotenv``, unless other values there use it."""
        statement = dotenv.statement_at(fix.start)
        if statement is None:  # a span is always inside a value; kept for safety
            return dependency
        users = dotenv.users(statement.name)
        if users:
            logger.debug(
                "%s: %s also feeds line(s) %s of %s; no fix span",
                dependency.location.file,
                statement.name,
                users,
                dotenv.path,
            )
            return dependency
        line = dependency.location.line
        shared = sorted({other for other in self._uses(statement.name) if other != line})
        location = replace(
            dependency.location,
            span_role=fix.role,
            span_affixes=fix.affixes,
            span_source=f"{statement.name} in {dotenv.path}",
            span_shared_with=tuple(shared),
            span_elsewhere=FileSpan(dotenv.path, dotenv.document.span(fix.start, fix.end)),
        )
        return replace(dependency, location=location)

    def _uses(self, name: str) -> list[int]:
        """The lines of the compose file's values that use variable ``name``."""
        if self._references is None:
            found: dict[str, list[int]] = {}
            for node in _scalars(self.root):
                if "$" not in node.value:
                    continue
                line = self.document.line_of(node.start_mark.index)
                for match in _REFERENCE.finditer(node.value):
                    if match.group(1) is not None:
                        found.setdefault(match.group(1), []).append(line)
            self._references = found
        return self._references.get(name, [])

    def _scalar(self, node: ScalarNode) -> Sourced:
        """The scalar's value with document offsets when it is written as it reads."""
        start, end = node.start_mark.index, node.end_mark.index
        raw = self.document.text[start:end]
        if node.style is None and raw == node.value:
            return Sourced.at(node.value, start)
        if node.style in ("'", '"') and raw[1:-1] == node.value:
            return Sourced.at(node.value, start + 1)
        # Escapes, folded lines or a block scalar: the value is right, its positions are not.
        return Sourced.detached(node.value)

    def _literal(self, node: Node) -> str | None:
        """The image text with defaults applied, for matching built images; ``None`` if unknown."""
        if not isinstance(node, ScalarNode) or node.tag != _STRING_TAG:
            return None
        try:
            return expand(Sourced.detached(node.value), self._value, COMPOSE, self._missing).text
        except (UnresolvedVariable, ExpansionSyntaxError):
            return None

    def _value(self, name: str) -> Sourced | None:
        """The variable's value: the caller's environment first (as the shell wins over ``.env``
        in Compose), else ``.env``, whose characters carry their offsets past :attr:`elsewhere`."""
        value = self.context.environ.get(name)
        if value is not None:
            return Sourced.detached(value)
        if self.dotenv is None:
            return None
        found = self.dotenv.lookup(name)  # raises UnresolvedVariable for a value it cannot work out
        if found is None:
            return None
        boundary = self.elsewhere
        return Sourced(
            found.text, tuple(None if offset is None else offset + boundary for offset in found.offsets)
        )

    def _missing(self, name: str) -> str:
        reason = _missing(name)
        return reason if self.dotenv is None else f"{reason} ({self.dotenv.path} does not set it)"

    def _ignored(self, node: Node) -> frozenset[str] | None:
        """A ``# depcheck: ignore[...]`` at the end of the image's line or alone on the line above."""
        text = self.document.text
        end = node.end_mark.index
        line_end = text.find("\n", end)
        rest = text[end : len(text) if line_end == -1 else line_end].strip()
        if rest.startswith("#"):
            found = parse_ignore_comment(rest)
            if found is not None:
                return found
        line = self.document.line_of(node.start_mark.index)
        if line > 1:
            above_start = self.document.line_start(line - 1)
            above = text[above_start : self.document.line_start(line)].strip()
            if above.startswith("#"):
                return parse_ignore_comment(above)
        return None

    def _location(self, node: Node) -> Location:
        return self.document.location(node.start_mark.index)

    def _invalid(self, node: Node, reason: str) -> None:
        self.findings.append(invalid(self.document.location(node.start_mark.index), reason, Ecosystem.DOCKER))


def _missing(name: str) -> str:
    return f"${name} has no value and no default"


def _scalars(root: Node | None) -> Iterator[ScalarNode]:
    """Every scalar of the document under ``root``, each node once (an alias is the same node)."""
    if root is None:
        return
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            yield node
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


def _items(node: MappingNode, cache: dict[int, dict[str, tuple[Node, Node]]]) -> dict[str, tuple[Node, Node]]:
    """The mapping's entries by key, merge keys resolved the way YAML 1.1 defines them.

    Keys written in the mapping win over merged ones; among merged mappings
    (``<<: [*a, *b]``) the earlier wins. Each mapping is resolved once (``cache``), so that
    anchors merged into anchors merged into anchors cost no more than the file is long, and a
    mapping merging itself (through an alias of an enclosing anchor) merges nothing.
    """
    known = cache.get(id(node))
    if known is not None:
        return known
    cache[id(node)] = {}  # while being resolved: a merge of itself adds nothing
    explicit: dict[str, tuple[Node, Node]] = {}
    merged: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if key.tag == _MERGE_TAG:
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if isinstance(source, MappingNode):
                    for name, entry in _items(source, cache).items():
                        merged.setdefault(name, entry)
        elif isinstance(key, ScalarNode):
            explicit[str(key.value)] = (key, value)
    result = {**merged, **explicit}
    cache[id(node)] = result
    return result
