"""The rules: each rule's id, default severity, help text and the check that raises it.

This module is pure: it turns a :class:`~depcheck.model.Dependency` (and, for the registry
rules, the facts a registry returned) into :class:`~depcheck.model.Finding` records and never
touches a file or the network. Rule ids and default severities are a public contract (see
DESIGN.md): extend, never rename.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet

from depcheck.model import Dependency, Ecosystem, Finding, Location, Role, Severity


@dataclass(frozen=True)
class Rule:
    """A rule's contract: id, default severity, one-line summary and the help shown in reports."""

    id: str
    severity: Severity
    summary: str
    help: str
    static: bool
    """Whether the rule needs no registry (``audit --static`` runs only these)."""


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "unpinned",
            Severity.ERROR,
            "A requirement with no version, or a URL/VCS requirement without an immutable ref.",
            "Pin the requirement to one exact published version (`name==1.2.3`), or pin a VCS URL "
            "to a full commit hash.",
            True,
        ),
        Rule(
            "ranged",
            Severity.ERROR,
            "A version specifier that is not one exact `==V` or `===V`.",
            "Replace the range (`>=`, `~=`, `<`, `!=`, `==1.*`, Poetry `^`/`~`/`*`) with one exact "
            "version inside it.",
            True,
        ),
        Rule(
            "untagged-image",
            Severity.ERROR,
            "An image with neither tag nor digest.",
            "Docker takes `latest` for an untagged image, which moves. Name an exact tag.",
            True,
        ),
        Rule(
            "latest-tag",
            Severity.ERROR,
            "An image pinned to the tag `latest`.",
            "`latest` moves with every release. Name an exact version tag.",
            True,
        ),
        Rule(
            "floating-tag",
            Severity.ERROR,
            "An image tag that moves: a word tag or fewer version parts than the image's most specific tags.",
            "Tags such as `stable`, `alpine`, `3.12-slim` or `20` are re-pointed at new builds. "
            "Use the most specific tag of the same line (`3.12.7-slim`).",
            True,
        ),
        Rule(
            "unknown-package",
            Severity.ERROR,
            "The registry has no such project or image repository.",
            "The name is misspelt, invented, or private to a registry depcheck was not told about.",
            False,
        ),
        Rule(
            "unknown-version",
            Severity.ERROR,
            "The pinned version or tag is not published.",
            "The version was never released (or was deleted). Use a published version.",
            False,
        ),
        Rule(
            "yanked",
            Severity.ERROR,
            "The pinned version is yanked.",
            "Its authors withdrew this release; pick the suggested release instead.",
            False,
        ),
        Rule(
            "prerelease",
            Severity.WARNING,
            "Pinned to a pre-release or development release.",
            "Pre-releases are not meant for production use; pin a final release.",
            False,
        ),
        Rule(
            "outdated",
            Severity.INFO,
            "A newer stable release exists.",
            "Shows how many releases and days the pin is behind.",
            False,
        ),
        Rule(
            "unresolved",
            Severity.WARNING,
            "A reference that cannot be checked.",
            "An ARG without a value, a local path or a private URL cannot be looked up; the reason is given.",
            True,
        ),
        Rule(
            "invalid",
            Severity.ERROR,
            "A line or file that cannot be parsed.",
            "The parser's reason is given; fix the line so tools read it the way you meant.",
            True,
        ),
        Rule(
            "registry-error",
            Severity.ERROR,
            "A registry could not answer after retries.",
            "The reference was not verified. It is never reported as a pass.",
            False,
        ),
        Rule(
            "index-confusion",
            Severity.WARNING,
            "A project the primary index lists, for which an extra index offers a version the primary lacks.",
            "pip installs the highest version found on any of its indexes, so whoever publishes a "
            "higher version on either one decides what is installed (dependency confusion). Install the "
            "project from one index, pin it with `--hash`, or make sure both indexes are yours.",
            False,
        ),
        Rule(
            "unused-ignore",
            Severity.INFO,
            "A `# depcheck: ignore` comment that silences nothing.",
            "The rules it names no longer fire on that line (the pin was fixed, or the rule id is "
            "misspelt). Remove the comment, or correct the rule id, so it cannot hide a future problem.",
            True,
        ),
    )
}

STATIC_RULES = frozenset(rule.id for rule in RULES.values() if rule.static)


def invalid(location: Location, reason: str, ecosystem: Ecosystem | None = None) -> Finding:
    """An ``invalid`` finding: the file or line at ``location`` cannot be read, for ``reason``."""
    return Finding(
        rule="invalid",
        severity=RULES["invalid"].severity,
        location=location,
        message=reason,
        ecosystem=ecosystem,
    )


def unresolved_at(location: Location, reason: str, ecosystem: Ecosystem | None = None) -> Finding:
    """An ``unresolved`` finding for something at ``location`` that is not a dependency record."""
    return Finding(
        rule="unresolved",
        severity=RULES["unresolved"].severity,
        location=location,
        message=reason,
        ecosystem=ecosystem,
    )


def _finding(dependency: Dependency, rule: str, message: str, severity: Severity | None = None) -> Finding:
    return Finding.about(dependency, rule, severity or RULES[rule].severity, message)


# --- PyPI ---------------------------------------------------------------------------------------

# Only URL requirements need these patterns: they are kept as text and compiled by ``re`` (which
# caches them) on first use, so that importing the rules does not pay for them.
_COMMIT = r"^[0-9a-f]{40}([0-9a-f]{24})?$"
_VCS_SCHEMES = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVE_HASH = r"[#&](sha256|sha384|sha512)=[0-9a-fA-F]+"


@functools.lru_cache(maxsize=4096)
def exact_version(specifier: str) -> str | None:
    """The version an exact pin names (``==1.2.3`` or ``===1.2.3``), else ``None``.

    Decided on the parsed specifier set: exactly one clause, operator ``==`` or ``===``, and no
    ``.*`` wildcard. ``==1.2.3+local`` is exact; ``==1.*`` and ``==1.2,<2`` are ranges.
    """
    try:
        specifiers = list(SpecifierSet(specifier))
    except InvalidSpecifier:
        return None
    if len(specifiers) != 1:
        return None
    only: Specifier = specifiers[0]
    if only.operator == "===" or (only.operator == "==" and not only.version.endswith(".*")):
        return only.version
    return None


def vcs_ref(url: str) -> str | None:
    """The ``@ref`` of a VCS URL (``git+https://host/repo.git@v1.0#egg=x`` -> ``v1.0``)."""
    path = url.split("#", 1)[0]
    scheme_end = path.find("://")
    rest = path[scheme_end + 3 :] if scheme_end != -1 else path
    # The host part may hold user@host; the ref is an @ after the first path slash.
    slash = rest.find("/")
    if slash == -1:
        return None
    tail = rest[slash:]
    if "@" not in tail:
        return None
    return tail.rsplit("@", 1)[1] or None


def _check_url(dependency: Dependency) -> list[Finding]:
    url = dependency.url or ""
    if url.startswith("file:") or (dependency.editable and "://" not in url):
        return [
            _finding(
                dependency,
                "unresolved",
                f"{dependency.text} is a local path; it cannot be checked against a registry",
            )
        ]
    if url.startswith(_VCS_SCHEMES):
        ref = vcs_ref(url)
        if ref is None:
            return [
                _finding(
                    dependency,
                    "unpinned",
                    f"{dependency.name} comes from a VCS URL with no ref; pin it to a full commit hash",
                )
            ]
        if not re.match(_COMMIT, ref):
            return [
                _finding(
                    dependency,
                    "unpinned",
                    f"{dependency.name} is pinned to the VCS ref {ref!r}, which can move; pin it to a full commit hash",
                )
            ]
        return []
    if dependency.hashes or re.search(_ARCHIVE_HASH, url):
        return []
    return [
        _finding(
            dependency,
            "unpinned",
            f"{dependency.name} comes from a URL with no hash; add a --hash or #sha256= so the archive cannot change",
        )
    ]


def check_pypi_static(dependency: Dependency) -> list[Finding]:
    """The registry-free rules for a PyPI reference."""
    if dependency.role is Role.INTERPRETER:
        return []
    if dependency.unresolved is not None:
        return [_finding(dependency, "unresolved", dependency.unresolved)]
    if dependency.url is not None or dependency.editable:
        return _check_url(dependency)
    if not dependency.specifier:
        return [
            _finding(dependency, "unpinned", f"{dependency.name} has no version; pin it to an exact release")
        ]
    if exact_version(dependency.specifier) is None:
        return [
            _finding(
                dependency,
                "ranged",
                f"{dependency.text} allows a range of versions; pin one exact version",
            )
        ]
    return []


# --- Docker -------------------------------------------------------------------------------------


def is_word_tag(tag: str) -> bool:
    """A tag with no digit in it (``stable``, ``alpine``, ``lts``, ``bookworm``, ``slim``).

    Such a tag names a moving line by design. Tags with digits but a word in front
    (``alpine3.20``) are judged against the registry's tag list instead.
    """
    return not any(character.isdigit() for character in tag)


def check_docker_static(dependency: Dependency) -> list[Finding]:
    """The registry-free rules for an image reference."""
    if dependency.unresolved is not None:
        return [_finding(dependency, "unresolved", dependency.unresolved)]
    shown = dependency.name
    if dependency.tag is None:
        if dependency.digest is not None:
            return []
        return [
            _finding(
                dependency, "untagged-image", f"{shown} has no tag; Docker would pull the moving tag latest"
            )
        ]
    if dependency.tag == "latest":
        if dependency.digest is not None:
            return [
                _finding(
                    dependency,
                    "latest-tag",
                    f"{shown}:latest is pinned by digest, but the tag says nothing about the version",
                    Severity.WARNING,
                )
            ]
        return [
            _finding(
                dependency, "latest-tag", f"{shown}:latest moves with every release; use an exact version tag"
            )
        ]
    if is_word_tag(dependency.tag):
        message = f"{shown}:{dependency.tag} is a word tag that moves to new builds; use an exact version tag"
        if dependency.digest is not None:
            return [
                _finding(
                    dependency, "floating-tag", message + " (the digest pins it for now)", Severity.WARNING
                )
            ]
        return [_finding(dependency, "floating-tag", message)]
    return []


def check_static(dependency: Dependency) -> list[Finding]:
    """Every registry-free rule that applies to ``dependency``."""
    if dependency.ecosystem is Ecosystem.PYPI:
        return check_pypi_static(dependency)
    return check_docker_static(dependency)
