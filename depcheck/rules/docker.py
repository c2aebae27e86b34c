"""The registry rules for an image reference: every finding, each with the exact tag to use.

Pure: :func:`check_docker` reads a :class:`~depcheck.model.Dependency`, the
:class:`~depcheck.registries.interface.ImageFacts` a registry returned for its repository and a
:class:`~depcheck.policy.Policy`, and returns findings plus the exact tag the reference resolves
to. The registry-free rules (``untagged-image``, ``latest-tag``, word ``floating-tag``) come
from :func:`depcheck.rules.check_docker_static` and gain a suggestion here; the tag choice is
:mod:`depcheck.suggest.docker`'s.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from depcheck.model import Dependency, Finding, Location, Severity, SpanRole
from depcheck.policy import Policy
from depcheck.registries.interface import ImageFacts
from depcheck.rules import RULES, check_docker_static, is_word_tag
from depcheck.suggest.docker import is_floating, newer_tags, parse_tag, suggest_tag

logger = logging.getLogger(__name__)

_SUGGESTIBLE = frozenset({"untagged-image", "latest-tag", "floating-tag"})


@dataclass(frozen=True)
class DockerVerdict:
    """The findings for one image reference and the exact tag it resolves to (``None`` if none)."""

    findings: tuple[Finding, ...]
    resolved: str | None


def registry_label(dependency: Dependency) -> str:
    """How reports name the registry: ``Docker Hub`` or the host (``ghcr.io``)."""
    return dependency.registry or "Docker Hub"


def tag_middle(location: Location, tag: str) -> str | None:
    """What a ``TAG`` span must hold for the tag to read ``tag``: ``tag`` without the span's affixes.

    ``None`` when ``tag`` does not keep the literal text written around the span (an ``ARG PY``
    feeding ``python:${PY}-slim`` cannot make ``3.12.7-alpine``), or would leave the span empty.
    """
    prefix, suffix = location.span_affixes
    if not (prefix or suffix):
        return tag
    if len(tag) <= len(prefix) + len(suffix) or not tag.startswith(prefix) or not tag.endswith(suffix):
        return None
    return tag[len(prefix) : len(tag) - len(suffix)]


def unplaceable(location: Location, tag: str) -> str | None:
    """Why ``tag`` cannot be written at a ``TAG`` span with affixes, or ``None`` when it can."""
    if location.span_role is not SpanRole.TAG or tag_middle(location, tag) is not None:
        return None
    source = location.span_source or "a variable"
    return f"the tag is assembled from {source} and literal text that would have to change"


def replacement_for(dependency: Dependency, facts: ImageFacts, tag: str) -> str | None:
    """The text a fix writes over the reference's span to name ``tag``, or ``None`` if none is safe.

    A whole reference becomes ``name:tag`` with the name as written; a digest is kept only when
    the reference had one, and then it is ``tag``'s own digest (without it the pin would point
    at the old build, so no fix is offered). A bare tag span becomes ``tag``, but only when no
    digest sits outside the span or that digest is already ``tag``'s: Docker pulls by the digest
    and would silently ignore the new tag. A tag span with affixes (``ARG PY=3.12`` feeding
    ``python:${PY}-slim``) becomes ``tag`` without them (``3.12.7`` for ``3.12.7-slim``), and
    gets nothing when ``tag`` does not keep them (:func:`unplaceable` says why).
    """
    role = dependency.location.span_role
    info = facts.tags.get(tag)
    new_digest = info.digest if info is not None else None
    if role is SpanRole.REFERENCE:
        if dependency.digest is None:
            return f"{dependency.name}:{tag}"
        if new_digest is None:
            return None
        return f"{dependency.name}:{tag}@{new_digest}"
    if role is SpanRole.TAG:
        if dependency.digest is not None and new_digest != dependency.digest:
            return None
        return tag_middle(dependency.location, tag)
    return None


def _explained(message: str, dependency: Dependency, tag: str, replacement: str | None) -> str:
    """``message``, saying why a fix cannot write ``tag`` when the tag's literal text is in the way."""
    if replacement is not None:
        return message
    reason = unplaceable(dependency.location, tag)
    return f"{message} ({reason})" if reason is not None else message


def _about(
    dependency: Dependency,
    facts: ImageFacts,
    rule: str,
    message: str,
    suggestion: str | None,
    severity: Severity | None = None,
) -> Finding:
    replacement = replacement_for(dependency, facts, suggestion) if suggestion else None
    if suggestion:
        message = _explained(message, dependency, suggestion, replacement)
    return Finding.about(
        dependency,
        rule,
        severity or RULES[rule].severity,
        message,
        suggestion=suggestion,
        replacement=replacement,
    )


def _with_suggestion(
    finding: Finding, dependency: Dependency, facts: ImageFacts, suggestion: str | None
) -> Finding:
    if suggestion is None or finding.rule not in _SUGGESTIBLE:
        return finding
    replacement = replacement_for(dependency, facts, suggestion)
    message = f"{finding.message} ({suggestion} is the exact tag to use)"
    return dataclasses.replace(
        finding,
        message=_explained(message, dependency, suggestion, replacement),
        suggestion=suggestion,
        replacement=replacement,
    )


def _days_between(facts: ImageFacts, older: str, newer: str) -> int | None:
    before, after = facts.tags[older].last_updated, facts.tags[newer].last_updated
    if before is None or after is None or after <= before:
        return None
    return (after - before).days


def check_docker(dependency: Dependency, facts: ImageFacts | None, policy: Policy) -> DockerVerdict:
    """Every finding for ``dependency`` given what its registry said (``None``: not looked up)."""
    static = check_docker_static(dependency)
    if dependency.unresolved is not None or facts is None:
        return DockerVerdict(tuple(static), None)
    shown = dependency.name
    where = registry_label(dependency)
    if not facts.found:
        reason = "not found or private" if facts.private else "no such image repository"
        message = f"{shown}: {reason} on {where} ({facts.repository})"
        return DockerVerdict((*static, _about(dependency, facts, "unknown-package", message, None)), None)

    tag = dependency.tag
    suggestion = suggest_tag(facts, current_tag=tag, current_digest=dependency.digest, policy=policy)
    findings = [_with_suggestion(finding, dependency, facts, suggestion) for finding in static]

    if tag is None:
        if dependency.digest is None and "latest" not in facts.tags:
            findings.append(
                _about(
                    dependency,
                    facts,
                    "unknown-version",
                    f"{shown} has no tag and {facts.repository} publishes no latest tag, so it cannot be pulled",
                    suggestion,
                )
            )
        return DockerVerdict(tuple(findings), suggestion)

    if tag not in facts.tags:
        message = f"{shown}:{tag} is not a published tag of {facts.repository} on {where}"
        if suggestion is not None:
            message += f"; the nearest published tag is {suggestion}"
        findings.append(_about(dependency, facts, "unknown-version", message, suggestion))
        return DockerVerdict(tuple(findings), None)

    parsed = parse_tag(tag)
    floating = parsed is not None and is_floating(tag, facts)
    if floating:
        message = f"{shown}:{tag} is a floating tag that moves to new builds"
        if suggestion is not None:
            message += f"; {suggestion} is the most specific tag of that line"
        severity = None
        if dependency.digest is not None:
            message += " (the digest pins it for now)"
            severity = Severity.WARNING
        findings.append(_about(dependency, facts, "floating-tag", message, suggestion, severity))

    if parsed is not None and not parsed.stable:
        message = f"{shown}:{tag} is a pre-release ({parsed.prerelease})"
        target = suggestion if suggestion != tag else None
        if target is not None:
            message += f"; use {target}"
        findings.append(_about(dependency, facts, "prerelease", message, target))

    exact = (parsed is not None and not floating) or (parsed is None and not is_word_tag(tag))
    if exact and tag != "latest" and parsed is not None and parsed.stable:
        newer = newer_tags(facts, tag, policy)
        if newer:
            newest = newer[0]
            count = f"{len(newer)} newer tag" + ("" if len(newer) == 1 else "s")
            days = _days_between(facts, tag, newest)
            behind = f"{count}, {days} days" if days is not None else count
            message = f"{shown}:{tag} is behind: {newest} is the newest tag of this variant ({behind})"
            findings.append(_about(dependency, facts, "outdated", message, newest))

    resolved = tag if exact and tag != "latest" else suggestion
    return DockerVerdict(tuple(findings), resolved)
