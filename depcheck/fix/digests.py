"""``--pin-digest``: image references that name a tag and, after it, that tag's manifest digest.

A tag can be re-pointed; ``name:tag@sha256:...`` cannot, and still says which version it is. With
``--pin-digest`` every image reference a fix touches gains the digest of its new tag, and every
reference already on an exact tag gains (or has refreshed) the digest that tag points to now.
This module is pure: :func:`digest_requests` says which digests are needed, the caller asks the
registry (:meth:`~depcheck.registries.interface.ImageRegistry.digest`), and :func:`apply_digests`
turns the answers into findings :func:`depcheck.fix.fix_files` applies like any other.

Only references whose whole text is one span (:attr:`~depcheck.model.SpanRole.REFERENCE`) are
rewritten. A tag that comes from a variable (an ``ARG`` default, a compose ``${TAG:-3.12}``) has
a span over the tag alone: writing ``3.12.7@sha256:...`` into the variable would change every
other place that reads it, so such references are left alone and reported.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from depcheck.fix.edits import Skipped
from depcheck.model import Dependency, Ecosystem, Finding, Role, Severity, SpanRole
from depcheck.report import Checked

logger = logging.getLogger(__name__)

PIN_DIGEST = "pin-digest"
"""The rule id of the findings :func:`apply_digests` makes for references already on an exact tag.

It is not an audit rule (an audit never reports it); it only names these edits in fix summaries,
commit messages and pull request tables, and lets ``# depcheck: ignore[pin-digest]`` keep a line out.
"""

IMAGE_ROLES = frozenset({Role.IMAGE, Role.COPY_FROM, Role.MOUNT_FROM, Role.SYNTAX})

DigestKey = tuple[str | None, str, str]
"""``(registry, repository, tag)``: one digest lookup (``registry`` ``None`` for Docker Hub)."""


@dataclass(frozen=True)
class DigestRequest:
    """One reference that will name ``tag`` after the fix and should carry its digest.

    ``finding`` is the selected finding whose replacement gains the digest; ``None`` when the
    reference already names ``tag`` exactly and only the digest is to be added or refreshed.
    """

    dependency: Dependency
    tag: str
    finding: Finding | None = None

    @property
    def key(self) -> DigestKey:
        return (self.dependency.registry, self.dependency.repository or "", self.tag)


def _pin_finding(dependency: Dependency, tag: str, digest: str | None, message: str) -> Finding:
    replacement = f"{dependency.name}:{tag}@{digest}" if digest is not None else None
    return Finding.about(
        dependency,
        PIN_DIGEST,
        Severity.INFO,
        message,
        suggestion=f"{tag}@{digest}" if digest is not None else None,
        replacement=replacement,
    )


def digest_requests(
    findings: Iterable[Finding], checked: Iterable[Checked], rules: Iterable[str]
) -> tuple[list[DigestRequest], list[Skipped]]:
    """The digests a ``--pin-digest`` fix of ``findings`` (selected by ``rules``) needs.

    ``checked`` are the audit's dependencies with what they resolved to. A reference rewritten by
    a selected finding needs the digest of the finding's suggestion; one with no such finding
    needs its own tag's digest when that tag is exact (``resolved``). References that cannot
    take a digest in place come back as :class:`~depcheck.fix.edits.Skipped` (not errors).
    """
    chosen = frozenset(rules)
    requests: list[DigestRequest] = []
    skipped: list[Skipped] = []
    rewritten: dict[Dependency, list[Finding]] = {}
    for finding in findings:
        dependency = finding.dependency
        if (
            dependency is None
            or dependency.ecosystem is not Ecosystem.DOCKER
            or finding.rule not in chosen
            or finding.replacement is None
            or finding.suggestion is None
        ):
            continue
        rewritten.setdefault(dependency, []).append(finding)
    for item in checked:
        dependency = item.dependency
        if dependency.ecosystem is not Ecosystem.DOCKER or dependency.role not in IMAGE_ROLES:
            continue
        fixes = rewritten.get(dependency, [])
        exact = item.resolved if item.resolved is not None and item.resolved == dependency.tag else None
        if not fixes and exact is None:
            continue  # nothing exact to pin: its own finding (unknown tag, unverified) says why
        if dependency.location.span is None or dependency.location.span_role is not SpanRole.REFERENCE:
            reason = (
                "--pin-digest left it without a digest: its tag is set in a variable (an ARG default, "
                "${VAR:-default} or .env), and a digest written there would reach every other use of it; "
                "add @sha256:... to the reference by hand"
            )
            subject = fixes[0] if fixes else _pin_finding(dependency, exact or "", None, reason)
            skipped.append(Skipped(subject, reason))
            continue
        if fixes:
            requests.extend(
                DigestRequest(dependency, finding.suggestion, finding)
                for finding in fixes
                if finding.suggestion is not None
            )
        elif exact is not None:
            requests.append(DigestRequest(dependency, exact))
    return requests, skipped


def apply_digests(
    findings: Iterable[Finding],
    requests: Iterable[DigestRequest],
    digests: Mapping[DigestKey, str | None],
) -> tuple[list[Finding], list[Finding], list[Skipped]]:
    """``findings`` with digests written into their replacements, the new ``pin-digest`` findings, and skips.

    ``digests`` holds the registry's answer for each request's key (``None``: the registry gave
    no digest for that tag). A rewritten reference whose new tag has no digest keeps its tag fix
    and is reported as skipped for the digest alone; an exact reference already carrying the
    current digest needs nothing.
    """
    by_finding: dict[int, DigestRequest] = {}
    added: list[Finding] = []
    skipped: list[Skipped] = []
    for request in requests:
        digest = digests.get(request.key)
        dependency = request.dependency
        if request.finding is not None:  # written into that finding's replacement below
            by_finding[id(request.finding)] = request
            continue
        if digest is None:
            skipped.append(
                Skipped(
                    _pin_finding(dependency, request.tag, None, ""),
                    f"--pin-digest: the registry gives no digest for {dependency.name}:{request.tag}",
                )
            )
            continue
        if dependency.digest == digest:
            continue
        verb = "refresh the digest of" if dependency.digest is not None else "pin"
        added.append(
            _pin_finding(
                dependency,
                request.tag,
                digest,
                f"{verb} {dependency.name}:{request.tag} to its digest {digest}",
            )
        )
    updated: list[Finding] = []
    for finding in findings:
        wanted = by_finding.get(id(finding))
        if wanted is None:
            updated.append(finding)
            continue
        request = wanted
        digest = digests.get(request.key)
        if digest is None:
            logger.warning(
                "%s:%d: the registry gives no digest for %s:%s; fixing the tag without one",
                finding.location.file,
                finding.location.line,
                request.dependency.name,
                request.tag,
            )
            skipped.append(
                Skipped(
                    finding,
                    f"--pin-digest: the registry gives no digest for {request.dependency.name}:{request.tag}; "
                    "the tag was fixed without one",
                )
            )
            updated.append(finding)
            continue
        updated.append(
            dataclasses.replace(
                finding,
                suggestion=f"{request.tag}@{digest}",
                replacement=f"{request.dependency.name}:{request.tag}@{digest}",
            )
        )
    return updated, added, skipped
