"""The registry rules for a PyPI reference: every finding, each with the exact version to use.

Pure: :func:`check_pypi` reads a :class:`~depcheck.model.Dependency`, the
:class:`~depcheck.registries.interface.ProjectFacts` the index returned for its project, a
:class:`~depcheck.policy.Policy` and the project's ``requires-python``, and returns the complete
list of findings for that reference (the registry-free ``unpinned``/``ranged`` ones from
:func:`depcheck.rules.check_pypi_static`, now carrying a suggestion, then ``unknown-package``,
``unknown-version``, ``yanked``, ``prerelease`` and ``outdated``) plus the exact version the
reference resolves to. The version choice is :mod:`depcheck.suggest.pypi`'s.

A pinned version is looked up by PEP 440 equality (``==1.0`` names the release ``1.0.0``;
``===`` compares the text), so a pin is never reported missing for a spelling difference.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from depcheck.model import Dependency, Finding, Role, SpanRole
from depcheck.policy import Policy, Strategy
from depcheck.registries.interface import ProjectFacts, Release
from depcheck.rules import RULES, check_pypi_static, exact_version
from depcheck.suggest.pypi import (
    candidates,
    count_between,
    has_files,
    parsed_releases,
    release_named,
    suggest_version,
    target_python,
    version_of,
)
from depcheck.versions import parse_version

_SUGGESTIBLE = frozenset({"unpinned", "ranged"})
_NAME_AND_EXTRAS = re.compile(r"\s*[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\s*\[[^\]]*\])?")


@dataclass(frozen=True)
class PypiVerdict:
    """The findings for one PyPI reference and the exact version it resolves to (``None`` if none)."""

    findings: tuple[Finding, ...]
    resolved: str | None


def replacement_for(dependency: Dependency, version: str) -> str | None:
    """The text a fix writes over the reference's span to pin ``version``, or ``None`` if none is safe.

    A requirement span becomes ``name[extras]==V`` with the name and extras exactly as written
    (``===`` stays ``===``); a bare version span (a Poetry value) becomes ``V``.
    """
    role = dependency.location.span_role
    if role is SpanRole.VERSION:
        return version
    if role is not SpanRole.REQUIREMENT or dependency.url is not None:
        return None
    match = _NAME_AND_EXTRAS.match(dependency.text)
    if match is None:
        return None
    operator = "===" if dependency.specifier.startswith("===") else "=="
    return f"{match.group(0).strip()}{operator}{version}"


def _pin_text(dependency: Dependency, version: str) -> str:
    return f"{dependency.name}=={version}"


def _find(facts: ProjectFacts, pinned: str, arbitrary: bool) -> Release | None:
    """The release a pin names: PEP 440 equality, or the exact text for ``===``."""
    wanted = None if arbitrary else parse_version(pinned)
    if wanted is None:
        return facts.releases.get(pinned)
    return release_named(facts, wanted)


def _parsed(facts: ProjectFacts, text: str) -> Version:
    """``text`` (a version ``facts`` lists) parsed, once per run; raises ``InvalidVersion`` as ``Version`` does."""
    version = version_of(facts, text)
    return version if version is not None else Version(text)


def _newer(facts: ProjectFacts, text: str, than: str) -> bool:
    return _parsed(facts, text) > _parsed(facts, than)


@functools.lru_cache(maxsize=1024)
def _prereleases_named(specifier: str) -> bool:
    """Whether the specifier itself names a pre-release (``>=2.0b1``), which opts in to them (PEP 440)."""
    try:
        return bool(SpecifierSet(specifier).prereleases)
    except InvalidSpecifier:
        return False


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _is_prerelease(text: str) -> bool:
    version = parse_version(text)
    return version is not None and version.is_prerelease


def check_pypi(
    dependency: Dependency,
    facts: ProjectFacts,
    policy: Policy,
    requires_python: str | None,
) -> PypiVerdict:
    """Every finding for ``dependency`` given the index's ``facts``, and what it resolves to."""
    static = check_pypi_static(dependency)
    if (
        dependency.role is Role.INTERPRETER
        or dependency.unresolved is not None
        or dependency.url is not None
        or dependency.editable
    ):
        return PypiVerdict(tuple(static), None)
    name = dependency.name
    if not facts.found:
        where = f" on {facts.index}" if facts.index else ""
        unknown = Finding.about(
            dependency,
            "unknown-package",
            RULES["unknown-package"].severity,
            f"{name} does not exist{where}: no such project (a misspelt or invented name, or one "
            "private to another index)",
        )
        return PypiVerdict((*static, unknown), None)

    pinned = exact_version(dependency.specifier)
    if pinned is None:
        return _unpinned_or_ranged(dependency, facts, policy, requires_python, static)

    arbitrary = dependency.specifier.lstrip().startswith("===")
    release = _find(facts, pinned, arbitrary)
    pinned_pre = _is_prerelease(pinned)

    def suggestion(allow_prerelease: bool) -> str | None:
        return suggest_version(
            facts,
            current_specifier="",
            policy=policy,
            requires_python=requires_python,
            allow_prerelease=allow_prerelease,
        )

    if release is None:
        better = suggestion(pinned_pre)
        advice = f"; the newest release is {_pin_text(dependency, better)}" if better else ""
        return PypiVerdict(
            (
                *static,
                _about(dependency, "unknown-version", f"{name}=={pinned} is not published{advice}", better),
            ),
            None,
        )
    if release.yanked:
        better = suggestion(pinned_pre)
        reason = f'"{release.yanked_reason}"' if release.yanked_reason else "no reason given"
        advice = f"; use {_pin_text(dependency, better)}" if better else ""
        message = f"{name}=={pinned} is yanked ({reason}){advice}"
        return PypiVerdict((*static, _about(dependency, "yanked", message, better)), release.version)

    findings = list(static)
    newest = suggest_version(
        facts, current_specifier="", policy=policy, requires_python=requires_python, allow_prerelease=False
    )
    if pinned_pre:
        newer_final = newest if newest is not None and _newer(facts, newest, release.version) else None
        if newer_final:
            advice = f"; pin a final release: {_pin_text(dependency, newer_final)}"
        elif _any_newer_final(facts, _parsed(facts, release.version)):
            target = target_python(policy, requires_python)
            advice = f"; no newer final release fits Python {target.major}.{target.minor}"
        else:
            advice = "; no newer final release exists yet"
        findings.append(
            _about(dependency, "prerelease", f"{name}=={pinned} is a pre-release{advice}", newer_final)
        )
    elif newest is not None and _newer(facts, newest, release.version):
        findings.append(_outdated(dependency, facts, policy, requires_python, release, newest))
    return PypiVerdict(tuple(findings), release.version)


def _suggest(
    facts: ProjectFacts, specifier: str, policy: Policy, requires_python: str | None, allow_prerelease: bool
) -> str | None:
    """:func:`suggest_version`, falling back to pre-releases when nothing else qualifies.

    pip does the same (packaging's ``SpecifierSet.filter``): a project that has published only
    pre-releases, or a range only pre-releases satisfy, installs the newest pre-release.
    """
    chosen = suggest_version(
        facts,
        current_specifier=specifier,
        policy=policy,
        requires_python=requires_python,
        allow_prerelease=allow_prerelease,
    )
    if chosen is None and not allow_prerelease:
        chosen = suggest_version(
            facts,
            current_specifier=specifier,
            policy=policy,
            requires_python=requires_python,
            allow_prerelease=True,
        )
    return chosen


def _any_newer_final(facts: ProjectFacts, than: Version) -> bool:
    return any(
        version > than and not version.is_prerelease and not release.yanked and has_files(release)
        for version, release in parsed_releases(facts)
    )


def _why_nothing(facts: ProjectFacts, specifier: str, policy: Policy, requires_python: str | None) -> str:
    """Why no release qualifies, found by relaxing one filter at a time."""
    installable = [
        version for version, release in parsed_releases(facts) if not release.yanked and has_files(release)
    ]
    if not installable:
        return "the index lists no installable (unyanked, with files) release"
    relaxed_age = dataclasses.replace(policy, min_age=None)
    if policy.min_age is not None and _suggest(facts, specifier, relaxed_age, requires_python, True):
        return f"no release is older than the minimum age of {policy.min_age.days} days"
    unbounded = dataclasses.replace(policy, strategy=Strategy.LATEST)
    if _suggest(facts, specifier, unbounded, requires_python, True):
        return f"no published release satisfies {specifier}"
    target = target_python(policy, requires_python)
    return f"no release supports Python {target.major}.{target.minor}"


def _about(dependency: Dependency, rule: str, message: str, suggestion: str | None) -> Finding:
    return Finding.about(
        dependency,
        rule,
        RULES[rule].severity,
        message,
        suggestion=suggestion,
        replacement=replacement_for(dependency, suggestion) if suggestion else None,
    )


def _outdated(
    dependency: Dependency,
    facts: ProjectFacts,
    policy: Policy,
    requires_python: str | None,
    release: Release,
    newest: str,
) -> Finding:
    """``outdated``: how many eligible releases and how many days lie between the pin and ``newest``."""
    pinned_version = _parsed(facts, release.version)
    newest_version = _parsed(facts, newest)
    eligible = candidates(
        facts, current_specifier="", policy=policy, requires_python=requires_python, allow_prerelease=False
    )
    behind = count_between(eligible, pinned_version, newest_version)
    newest_release = facts.releases[newest]
    days = ""
    if release.upload_time is not None and newest_release.upload_time is not None:
        gap = (newest_release.upload_time - release.upload_time).days
        days = f" and {_plural(max(gap, 0), 'day')}"
    message = f"{dependency.name}=={release.version} is {_plural(behind, 'release')}{days} behind {newest}"
    return _about(dependency, "outdated", message, newest)


def _unpinned_or_ranged(
    dependency: Dependency,
    facts: ProjectFacts,
    policy: Policy,
    requires_python: str | None,
    static: list[Finding],
) -> PypiVerdict:
    """``unpinned`` and ``ranged`` gain the exact version to pin (inside the range, by default)."""
    chosen = _suggest(
        facts, dependency.specifier, policy, requires_python, _prereleases_named(dependency.specifier)
    )
    findings = []
    for finding in static:
        if finding.rule not in _SUGGESTIBLE:
            findings.append(finding)
            continue
        if chosen is None:
            reason = _why_nothing(facts, dependency.specifier, policy, requires_python)
            findings.append(dataclasses.replace(finding, message=f"{finding.message}; {reason}"))
            continue
        findings.append(
            dataclasses.replace(
                finding,
                message=finding.message,
                suggestion=chosen,
                replacement=replacement_for(dependency, chosen),
            )
        )
    return PypiVerdict(tuple(findings), chosen)
