"""Project settings and inline ignore comments applied to the findings of an audit.

Pure: takes findings (and the dependencies they were raised on) and a
:class:`~depcheck.config.Config` and returns the findings the project wants to see, with their
severities adjusted. The order of decisions, per finding: a disabled rule, an ignored package or
image, an allowed moving tag, an accepted lower bound (``pyproject-dependencies = "bounded"``)
drop it; then an inline ``# depcheck: ignore[...]`` on its dependency silences it; what is left
gets the severity the configuration gives its rule for its file (global, then matching
overrides). An ignore comment that silenced nothing becomes an ``unused-ignore`` finding, so
stale suppressions do not pile up and hide the next real problem (hadolint's DL1001 idea).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import logging
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from depcheck.config import Config, PyprojectDependencies, Scoped, matches_any
from depcheck.model import Dependency, Ecosystem, Finding, Role
from depcheck.rules import RULES

logger = logging.getLogger(__name__)

UNUSED_IGNORE = "unused-ignore"

MOVING_TAG_RULES = frozenset({"floating-tag", "latest-tag"})
"""The rules ``allow-tags`` can silence."""

_UNCHECKABLE = frozenset({"registry-error", "unresolved"})
"""When one of these fired on a dependency, the registry rules did not run on it, so an ignore
comment naming them cannot be judged unused (an unresolved reference is never looked up)."""

_BOUNDED_SECTION = "project.dependencies"


def lower_bound(specifier: str) -> str | None:
    """The lowest version ``specifier`` allows, as written, or ``None`` when it has no floor.

    Clauses that set a floor: ``>=V`` and ``~=V`` (V itself), ``>V`` (V, the bound the registry
    rules check exists), ``==V.*`` (the prefix ``V``: any release in that series satisfies it)
    and an exact ``==V``. With several floors the highest wins. ``<``, ``<=``, ``!=`` alone, an
    empty specifier, ``===`` and an unparsable specifier have none.
    """
    try:
        clauses = list(SpecifierSet(specifier))
    except InvalidSpecifier:
        return None
    best: tuple[Version, str] | None = None
    for clause in clauses:
        if clause.operator not in (">=", "~=", ">", "=="):
            continue
        text = clause.version.removesuffix(".*")
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if best is None or version > best[0]:
            best = (version, text)
    return best[1] if best is not None else None


def accepts_bounded(dependency: Dependency, mode: PyprojectDependencies) -> bool:
    """Whether a ``ranged`` finding on ``dependency`` is acceptable under ``mode``.

    True only in bounded mode, for a plain requirement (no URL) read from
    ``[project].dependencies`` whose specifier has a lower bound. Whether that bound is a
    published version is for the registry rules to check (they use :func:`lower_bound`).
    """
    if mode is not PyprojectDependencies.BOUNDED:
        return False
    section = dependency.location.section or ""
    if not section.startswith(_BOUNDED_SECTION):
        return False
    if dependency.ecosystem is not Ecosystem.PYPI or dependency.role is not Role.REQUIREMENT:
        return False
    if dependency.url is not None:
        return False
    return lower_bound(dependency.specifier) is not None


def tag_allowed(dependency: Dependency, allow_tags: Mapping[str, Collection[str]]) -> bool:
    """Whether ``allow-tags`` lets this image's tag float (``node = ["lts"]`` allows ``node:lts``).

    Keys are image names as written, or globs over them; values are tag globs. An untagged
    image has no tag to allow.
    """
    if dependency.ecosystem is not Ecosystem.DOCKER or dependency.tag is None:
        return False
    return any(
        fnmatch.fnmatchcase(dependency.name, image) and matches_any(dependency.tag, list(tags))
        for image, tags in allow_tags.items()
    )


def _ignored_by_name(name: str | None, ecosystem: Ecosystem | None, scoped: Scoped) -> bool:
    if name is None:
        return False
    if ecosystem is Ecosystem.PYPI:
        return matches_any(name, scoped.ignore_packages)
    if ecosystem is Ecosystem.DOCKER:
        return matches_any(name, scoped.ignore_images)
    return False


def _silences(ignored: frozenset[str], rule: str) -> bool:
    return not ignored or rule in ignored


def apply_config(
    findings: Iterable[Finding],
    config: Config,
    *,
    dependencies: Iterable[Dependency] = (),
    no_ignore_comments: bool = False,
    checked_rules: Collection[str] | None = None,
    cwd: Path | None = None,
) -> list[Finding]:
    """The findings the project wants reported, in their input order, then ``unused-ignore`` ones.

    ``dependencies`` are every dependency the audit read: an ignore comment on a dependency
    with no finding at all is unused too, and only this list shows it. ``no_ignore_comments``
    (``--no-ignore-comments``) disregards inline comments, and then none is reported unused.
    ``checked_rules`` are the rules that ran (``None``: all of them); an ignore for a rule that
    did not run (registry rules under ``--static``) is never called unused, and a bare
    ``# depcheck: ignore`` is judged only when every rule ran. ``cwd`` is the folder the
    findings' paths are relative to (default: the current directory), used for path globs.
    """
    scopes: dict[str, Scoped] = {}

    def scope(file: str) -> Scoped:
        if file not in scopes:
            scopes[file] = config.scoped(file, cwd=cwd)
        return scopes[file]

    kept: list[Finding] = []
    silenced: dict[Dependency, set[str]] = {}
    uncheckable: set[Dependency] = set()
    commented: dict[Dependency, None] = {}
    for read in dependencies:
        if read.ignored_rules is not None:
            commented[read] = None

    for finding in findings:
        scoped = scope(finding.location.file)
        dependency = finding.dependency
        if dependency is not None and dependency.ignored_rules is not None:
            commented[dependency] = None
        if dependency is not None and finding.rule in _UNCHECKABLE:
            uncheckable.add(dependency)
        if finding.rule in scoped.disable:
            continue
        if _ignored_by_name(finding.name, finding.ecosystem, scoped):
            continue
        if dependency is not None:
            if finding.rule in MOVING_TAG_RULES and tag_allowed(dependency, config.allow_tags):
                continue
            if finding.rule == "ranged" and accepts_bounded(dependency, config.pyproject_dependencies):
                continue
            ignored = dependency.ignored_rules
            if ignored is not None and not no_ignore_comments and _silences(ignored, finding.rule):
                silenced.setdefault(dependency, set()).add(finding.rule)
                continue
        kept.append(_with_severity(finding, scoped))

    if no_ignore_comments:
        return kept
    all_checked = checked_rules is None or set(RULES) <= set(checked_rules)
    for dependency in commented:
        if dependency in uncheckable:
            continue
        scoped = scope(dependency.location.file)
        if _ignored_by_name(dependency.name, dependency.ecosystem, scoped):
            continue
        unused = _unused(dependency, silenced.get(dependency, set()), checked_rules, all_checked)
        if unused is None or UNUSED_IGNORE in scoped.disable:
            continue
        kept.append(
            _with_severity(
                Finding.about(dependency, UNUSED_IGNORE, RULES[UNUSED_IGNORE].severity, unused), scoped
            )
        )
    return kept


def _unused(
    dependency: Dependency,
    used: set[str],
    checked_rules: Collection[str] | None,
    all_checked: bool,
) -> str | None:
    """The message of the ``unused-ignore`` finding for ``dependency``'s comment, or ``None``."""
    ignored = dependency.ignored_rules
    if ignored is None or UNUSED_IGNORE in ignored:
        # A comment that names unused-ignore asks not to be reported, whatever else it names.
        return None
    if not ignored:
        return None if used or not all_checked else "ignore comment silences nothing"
    unused = sorted(
        rule
        for rule in ignored
        if rule not in used and (rule not in RULES or checked_rules is None or rule in checked_rules)
    )
    if not unused:
        return None
    message = f"ignore comment for {', '.join(unused)} silences nothing"
    unknown = [rule for rule in unused if rule not in RULES]
    if unknown:
        names = ", ".join(unknown)
        message += f" ({names} {'is not a depcheck rule' if len(unknown) == 1 else 'are not depcheck rules'})"
    return message


def _with_severity(finding: Finding, scoped: Scoped) -> Finding:
    severity = scoped.severity.get(finding.rule)
    if severity is None or severity is finding.severity:
        return finding
    return dataclasses.replace(finding, severity=severity)
