"""``--pin-digest``: which references get a digest, what is written, and what is left alone."""

from __future__ import annotations

from depcheck.fix import fix_files
from depcheck.fix.digests import PIN_DIGEST, apply_digests, digest_requests
from depcheck.model import Dependency, Ecosystem, Finding, Location, Role, Severity, Span, SpanRole
from depcheck.report import Checked

OLD = "sha256:" + "0" * 64
NEW = "sha256:" + "a" * 64
DOCKERFILE = (
    b"ARG TAG=3.12\nFROM python:${TAG}-slim\nFROM redis:7.4.2\nFROM nginx:1.27@" + OLD.encode() + b"\n"
)


def image(
    text: str, name: str, tag: str, *, span_role: SpanRole = SpanRole.REFERENCE, digest: str | None = None
) -> Dependency:
    start = DOCKERFILE.index(text.encode())
    line = DOCKERFILE.count(b"\n", 0, start) + 1
    location = Location("Dockerfile", line, 6, Span(start, start + len(text)), span_role)
    return Dependency(
        Ecosystem.DOCKER,
        name,
        f"{name}:{tag}" + (f"@{digest}" if digest else ""),
        location,
        role=Role.IMAGE,
        repository=f"library/{name}",
        tag=tag,
        digest=digest,
    )


def floating(dependency: Dependency, suggestion: str, replacement: str) -> Finding:
    return Finding.about(
        dependency, "floating-tag", Severity.ERROR, "moves", suggestion=suggestion, replacement=replacement
    )


def test_rewritten_and_exact_references_get_their_tags_digest() -> None:
    python = image("3.12", "python", "3.12-slim", span_role=SpanRole.TAG)
    redis = image("redis:7.4.2", "redis", "7.4.2")
    nginx = image("nginx:1.27@" + OLD, "nginx", "1.27", digest=OLD)
    nginx_fix = floating(nginx, "1.27.3", f"nginx:1.27.3@{OLD}")
    python_fix = floating(python, "3.12.7-slim", "3.12.7")
    findings = [python_fix, nginx_fix]
    checked = [Checked(python, None), Checked(redis, "7.4.2"), Checked(nginx, None)]

    requests, skipped = digest_requests(findings, checked, {"floating-tag"})
    assert [(request.dependency.name, request.tag) for request in requests] == [
        ("redis", "7.4.2"),
        ("nginx", "1.27.3"),
    ]
    assert [(skip.finding.name, skip.error) for skip in skipped] == [("python", False)]
    assert "its tag is set in a variable" in skipped[0].reason

    digests = {(None, "library/redis", "7.4.2"): NEW, (None, "library/nginx", "1.27.3"): NEW}
    updated, added, notes = apply_digests(findings, requests, digests)
    assert [finding.replacement for finding in updated] == ["3.12.7", f"nginx:1.27.3@{NEW}"]
    assert [(finding.rule, finding.replacement, finding.suggestion) for finding in added] == [
        (PIN_DIGEST, f"redis:7.4.2@{NEW}", f"7.4.2@{NEW}")
    ]
    assert notes == []

    result = fix_files(
        [*updated, *added], rules={"floating-tag", PIN_DIGEST}, dry_run=True, read=lambda _path: DOCKERFILE
    )
    assert result.diffs["Dockerfile"].splitlines()[3:] == [
        "-ARG TAG=3.12",
        "+ARG TAG=3.12.7",
        " FROM python:${TAG}-slim",
        "-FROM redis:7.4.2",
        f"-FROM nginx:1.27@{OLD}",
        f"+FROM redis:7.4.2@{NEW}",
        f"+FROM nginx:1.27.3@{NEW}",
    ]


def test_a_current_digest_needs_nothing_and_a_stale_one_is_refreshed() -> None:
    nginx = image("nginx:1.27@" + OLD, "nginx", "1.27", digest=OLD)
    requests, _ = digest_requests([], [Checked(nginx, "1.27")], {"floating-tag"})
    _, same, _ = apply_digests([], requests, {(None, "library/nginx", "1.27"): OLD})
    _, refreshed, _ = apply_digests([], requests, {(None, "library/nginx", "1.27"): NEW})
    assert same == []
    assert [(finding.replacement, finding.message) for finding in refreshed] == [
        (f"nginx:1.27@{NEW}", f"refresh the digest of nginx:1.27 to its digest {NEW}")
    ]


def test_a_tag_without_a_digest_is_fixed_without_one_and_noted() -> None:
    redis = image("redis:7.4.2", "redis", "7.4.2")
    fix = floating(redis, "7.4.3", "redis:7.4.3")
    requests, _ = digest_requests([fix], [Checked(redis, None)], {"floating-tag"})
    updated, added, notes = apply_digests([fix], requests, {(None, "library/redis", "7.4.3"): None})
    assert [finding.replacement for finding in updated] == ["redis:7.4.3"]
    assert added == []
    assert [note.reason for note in notes] == [
        "--pin-digest: the registry gives no digest for redis:7.4.3; the tag was fixed without one"
    ]


def test_unverified_references_and_unselected_rules_are_not_pinned() -> None:
    redis = image("redis:7.4.2", "redis", "7.4.2")
    outdated = Finding.about(
        redis, "outdated", Severity.INFO, "behind", suggestion="7.4.3", replacement="redis:7.4.3"
    )
    requests, skipped = digest_requests([outdated], [Checked(redis, None)], {"floating-tag"})
    assert (requests, skipped) == ([], [])
