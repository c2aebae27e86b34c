"""The audit pipeline: discover -> parse -> look up (deduplicated, concurrent) -> rules -> report.

This is the one place that wires the seams together; the CLI and the service both call
:func:`run_audit`. Everything that can go wrong with one file or one line is carried as a finding,
so a single bad file never stops an audit; only a bad command line (a missing path) raises.
"""

from __future__ import annotations

import abc
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from depcheck.discovery import Discovered, Excluded, discover
from depcheck.model import Dependency, Finding, Location, ParseResult, Role
from depcheck.policy import Policy
from depcheck.report import Checked, Report
from depcheck.rules import check_static, invalid
from depcheck.sources.interface import FileReader, FileReadError, LocalFileReader, ParseContext

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verification:
    """What the registries said about a set of dependencies.

    ``findings`` maps each dependency to its complete list of findings (registry-free ones
    included, now with suggestions); ``resolved`` to the exact version or tag it resolves to.
    """

    findings: Mapping[Dependency, Sequence[Finding]] = field(default_factory=dict)
    resolved: Mapping[Dependency, str | None] = field(default_factory=dict)
    registry_failed: bool = False


class Verifier(abc.ABC):
    """Asks the registries about dependencies (see :mod:`depcheck.verify`)."""

    @abc.abstractmethod
    async def verify(self, dependencies: Sequence[Dependency], policy: Policy) -> Verification:
        """Look every dependency up once and apply the registry rules."""


@dataclass(frozen=True)
class AuditOptions:
    """What to audit and how; built by the CLI or the service."""

    paths: tuple[Path, ...] = (Path("."),)
    static: bool = False
    build_args: Mapping[str, str] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict)
    excluded: Excluded | None = None
    policy: Policy = field(default_factory=Policy)


def repository_root(path: Path) -> Path:
    """The git work tree holding ``path``, else ``path`` itself (its folder for a file)."""
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


class _Readers:
    """One disk reader per audited tree, whose root is the git work tree holding the audited path
    (else the audited folder itself): an include may go anywhere inside it, and what lies outside
    it "escapes". A file named on its own gets the tree of its own folder."""

    def __init__(self, paths: Sequence[Path]) -> None:
        # Only folders hold other files; which given paths are folders is asked once, not per file.
        self._folders = [absolute for absolute in (path.resolve() for path in paths) if absolute.is_dir()]
        self._by_root: dict[Path, LocalFileReader] = {}
        # Finding the work tree walks up the folders with a stat each: once per base, not per file.
        self._root_of: dict[Path, Path] = {}

    def for_file(self, path: Path) -> LocalFileReader:
        resolved = path.resolve()
        base = next((absolute for absolute in self._folders if resolved.is_relative_to(absolute)), path)
        root = self._root_of.get(base)
        if root is None:
            root = self._root_of[base] = repository_root(base)
        reader = self._by_root.get(root)
        if reader is None:
            reader = self._by_root[root] = LocalFileReader(root=root)
        return reader


def parse_file(item: Discovered, reader: FileReader, context: ParseContext) -> ParseResult:
    """Parse one discovered file; an unreadable file or a parser failure becomes ``invalid``."""
    shown = reader.display(item.path)
    try:
        document = reader.read(item.path)
    except FileReadError as exc:
        return ParseResult(
            findings=(invalid(_file_location(shown, exc.line), f"cannot read {shown}: {exc.reason}"),),
            files=(shown,),
        )
    try:
        result = item.source.parse(document, item.path, context)
    except Exception as exc:
        # A parser bug must not end the audit or pass silently: log the traceback for a bug
        # report and show the file as invalid.
        logger.exception("internal error while parsing %s", shown)
        return ParseResult(
            findings=(invalid(_file_location(shown, 1), f"depcheck could not parse this file: {exc!r}"),),
            files=(shown,),
        )
    if shown not in result.files:
        result = dataclasses.replace(result, files=(shown, *result.files))
    return result


def _file_location(shown: str, line: int) -> Location:
    return Location(file=shown, line=line)


def collect(results: Sequence[ParseResult]) -> tuple[list[str], list[Dependency], list[Finding]]:
    """Merge parse results; a file reached both directly and through an include counts once."""
    files: dict[str, None] = {}
    dependencies: dict[tuple[str, int, int, str, Role], Dependency] = {}
    findings: dict[Finding, None] = {}
    for result in results:
        files.update(dict.fromkeys(result.files))
        for dependency in result.dependencies:
            where = dependency.location
            # The role itself, not ``.value``: a StrEnum member hashes and compares as its value,
            # and the enum property lookup cost more than the rest of the key.
            key = (where.file, where.line, where.column, dependency.name, dependency.role)
            dependencies.setdefault(key, dependency)
        findings.update(dict.fromkeys(result.findings))
    return list(files), list(dependencies.values()), list(findings)


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.location.file, finding.location.line, finding.location.column, finding.rule)


@dataclass(frozen=True)
class Parsed:
    """What the files say, before any registry is asked (see :func:`parse_all`)."""

    files: list[str]
    dependencies: list[Dependency]
    findings: list[Finding]


def parse_all(
    options: AuditOptions, reader: FileReader | None = None, discovered: Sequence[Discovered] | None = None
) -> Parsed:
    """Discover and read every file of ``options.paths``: their dependencies and their findings so far."""
    items = list(discovered) if discovered is not None else discover(list(options.paths), options.excluded)
    results = []
    readers = _Readers(options.paths)
    for item in items:
        file_reader = reader or readers.for_file(item.path)
        context = ParseContext(reader=file_reader, build_args=options.build_args, environ=options.environ)
        results.append(parse_file(item, file_reader, context))
    return Parsed(*collect(results))


def report_of(options: AuditOptions, parsed: Parsed, verification: Verification | None) -> Report:
    """The report for ``parsed``: the registry rules' findings from ``verification`` when there is
    one, else the registry-free rules' (a static audit)."""
    findings = list(parsed.findings)
    resolved: Mapping[Dependency, str | None] = {}
    registry_failed = False
    if verification is None:
        for dependency in parsed.dependencies:
            findings.extend(check_static(dependency))
    else:
        for dependency in parsed.dependencies:
            findings.extend(verification.findings.get(dependency, ()))
        resolved = verification.resolved
        registry_failed = verification.registry_failed

    findings.sort(key=sort_key)
    checked = tuple(
        # A static audit resolves nothing: skip hashing every dependency to learn that.
        Checked(dependency=dependency, resolved=resolved.get(dependency) if resolved else None)
        for dependency in sorted(
            parsed.dependencies, key=lambda d: (d.location.file, d.location.line, d.location.column)
        )
        # An interpreter constraint (requires-python) steers suggestions; it is not a dependency.
        if dependency.role is not Role.INTERPRETER
    )
    return Report(
        files=tuple(sorted(parsed.files)),
        dependencies=checked,
        findings=tuple(findings),
        registry_failed=registry_failed,
        static=verification is None,
    )


async def run_audit(
    options: AuditOptions,
    verifier: Verifier | None = None,
    reader: FileReader | None = None,
    discovered: Sequence[Discovered] | None = None,
) -> Report:
    """Audit ``options.paths``; without a verifier (or with ``static``) only registry-free rules run."""
    parsed = parse_all(options, reader, discovered)
    if options.static or verifier is None:
        return report_of(options, parsed, None)
    return report_of(options, parsed, await verifier.verify(parsed.dependencies, options.policy))
