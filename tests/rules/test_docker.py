"""The registry rules for image references: findings, suggestions, replacements and the resolved tag."""

from __future__ import annotations

import datetime as dt

from depcheck.model import Dependency, Ecosystem, Location, Severity, Span, SpanRole
from depcheck.policy import Policy
from depcheck.registries.interface import ImageFacts, TagInfo
from depcheck.rules.docker import DockerVerdict, check_docker
from depcheck.sources.image import parse_image_ref

POLICY = Policy()


def sha(short: str) -> str:
    """A well-formed digest from two hex characters (``a1`` -> ``sha256:a1a1...``)."""
    return "sha256:" + short * 32


def image(repository: str, *builds: tuple[str, str], registry: str = "Docker Hub") -> ImageFacts:
    tags: dict[str, TagInfo] = {}
    for digest, names in builds:
        for name in names.split():
            tags[name] = TagInfo(name, digest=sha(digest))
    return ImageFacts(registry=registry, repository=repository, found=True, tags=tags)


PYTHON = image(
    "library/python",
    ("a1", "3.14.7 3.14 3 latest"),
    ("a2", "3.14.7-slim 3.14-slim 3-slim slim"),
    ("b2", "3.13.1-slim 3.13-slim"),
    ("c1", "3.13.0rc2-slim 3.13-rc-slim"),
    ("d2", "3.12.7-slim 3.12-slim"),
    ("d3", "3.12.6-slim"),
)


def dependency(reference: str, role: SpanRole | None = SpanRole.REFERENCE, **changes: object) -> Dependency:
    parsed = parse_image_ref(reference)
    fields: dict[str, object] = {
        "ecosystem": Ecosystem.DOCKER,
        "name": parsed.name,
        "text": parsed.reference,
        "location": Location(
            "Dockerfile", 1, 6, span=Span(5, 5 + len(reference)) if role else None, span_role=role
        ),
        "registry": parsed.registry,
        "repository": parsed.repository,
        "tag": parsed.tag,
        "digest": parsed.digest,
    }
    fields.update(changes)
    return Dependency(**fields)  # type: ignore[arg-type]


def summary(verdict: DockerVerdict) -> list[tuple[str, Severity, str | None, str | None]]:
    return [(f.rule, f.severity, f.suggestion, f.replacement) for f in verdict.findings]


def test_a_floating_tag_is_an_error_with_the_exact_tag_and_replacement() -> None:
    verdict = check_docker(dependency("python:3.12-slim"), PYTHON, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.ERROR, "3.12.7-slim", "python:3.12.7-slim")]
    assert verdict.findings[0].message == (
        "python:3.12-slim is a floating tag that moves to new builds; "
        "3.12.7-slim is the most specific tag of that line"
    )
    assert verdict.resolved == "3.12.7-slim"


def test_the_name_is_kept_as_written() -> None:
    verdict = check_docker(dependency("docker.io/library/python:3.12-slim"), PYTHON, POLICY)
    assert summary(verdict) == [
        ("floating-tag", Severity.ERROR, "3.12.7-slim", "docker.io/library/python:3.12.7-slim")
    ]


def test_a_digest_is_replaced_by_the_new_tags_digest() -> None:
    verdict = check_docker(dependency(f"python:3.12-slim@{sha('d2')}"), PYTHON, POLICY)
    assert summary(verdict) == [
        ("floating-tag", Severity.WARNING, "3.12.7-slim", f"python:3.12.7-slim@{sha('d2')}")
    ]


def test_a_tag_span_gets_the_bare_tag() -> None:
    verdict = check_docker(dependency("python:3.12-slim", SpanRole.TAG), PYTHON, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.ERROR, "3.12.7-slim", "3.12.7-slim")]


def tag_fed_by_arg(reference: str, affixes: tuple[str, str], source: str = "ARG PY") -> Dependency:
    location = Location(
        "Dockerfile", 2, 6, span=Span(7, 11), span_role=SpanRole.TAG, span_affixes=affixes, span_source=source
    )
    return dependency(reference, SpanRole.TAG, location=location)


def test_a_tag_span_with_affixes_gets_the_tag_without_them() -> None:
    verdict = check_docker(tag_fed_by_arg("python:3.12-slim", ("", "-slim")), PYTHON, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.ERROR, "3.12.7-slim", "3.12.7")]
    assert verdict.findings[0].message == (
        "python:3.12-slim is a floating tag that moves to new builds; "
        "3.12.7-slim is the most specific tag of that line"
    )


def test_a_prefix_affix_is_stripped_too() -> None:
    tagged = image("example/app", ("e1", "v1.4.2 v1.4 v1"))
    verdict = check_docker(tag_fed_by_arg("example/app:v1.4", ("v", "")), tagged, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.ERROR, "v1.4.2", "1.4.2")]


def test_no_replacement_when_the_new_tag_changes_the_literal_text() -> None:
    # FROM python:3-${VARIANT}: the version is literal in the FROM line, the variant an ARG default.
    dependency_ = tag_fed_by_arg("python:3-slim", ("3-", ""), source="ARG VARIANT")
    verdict = check_docker(dependency_, PYTHON, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.ERROR, "3.14.7-slim", None)]
    assert verdict.findings[0].message == (
        "python:3-slim is a floating tag that moves to new builds; 3.14.7-slim is the most specific "
        "tag of that line (the tag is assembled from ARG VARIANT and literal text that would have to change)"
    )


def test_a_static_finding_on_an_affixed_tag_says_why_it_has_no_replacement() -> None:
    verdict = check_docker(tag_fed_by_arg("python:latest", ("lat", "")), PYTHON, POLICY)
    assert summary(verdict) == [("latest-tag", Severity.ERROR, "3.14.7", None)]
    assert verdict.findings[0].message.endswith(
        "(3.14.7 is the exact tag to use) "
        "(the tag is assembled from ARG PY and literal text that would have to change)"
    )


def test_an_affixed_tag_span_with_a_digest_keeps_the_digest_rule() -> None:
    pinned = tag_fed_by_arg(f"python:3.12-slim@{sha('d2')}", ("", "-slim"))
    assert summary(check_docker(pinned, PYTHON, POLICY)) == [
        ("floating-tag", Severity.WARNING, "3.12.7-slim", "3.12.7")
    ]
    # The digest outside the span is not the new tag's: Docker would ignore the new tag.
    stale = tag_fed_by_arg(f"python:3.12-slim@{sha('ff')}", ("", "-slim"))
    assert [(f.suggestion, f.replacement) for f in check_docker(stale, PYTHON, POLICY).findings] == [
        ("3.12.7-slim", None)
    ]


def test_no_replacement_without_a_span() -> None:
    verdict = check_docker(dependency("python:3.12-slim", None), PYTHON, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.ERROR, "3.12.7-slim", None)]


def test_latest_gets_the_most_specific_tag_sharing_its_digest() -> None:
    verdict = check_docker(dependency("python:latest"), PYTHON, POLICY)
    assert summary(verdict) == [("latest-tag", Severity.ERROR, "3.14.7", "python:3.14.7")]
    assert verdict.findings[0].message == (
        "python:latest moves with every release; use an exact version tag (3.14.7 is the exact tag to use)"
    )
    assert verdict.resolved == "3.14.7"


def test_an_untagged_image_gets_the_tag_latest_points_at() -> None:
    verdict = check_docker(dependency("python"), PYTHON, POLICY)
    assert summary(verdict) == [("untagged-image", Severity.ERROR, "3.14.7", "python:3.14.7")]
    assert verdict.resolved == "3.14.7"


def test_an_untagged_image_without_a_latest_tag_cannot_be_pulled() -> None:
    garage = image("dxflrs/garage", ("g1", "v1.0.1"), ("g2", "v2.1.0"))
    verdict = check_docker(dependency("dxflrs/garage"), garage, POLICY)
    assert [f.rule for f in verdict.findings] == ["untagged-image", "unknown-version"]
    assert verdict.findings[1].message == (
        "dxflrs/garage has no tag and dxflrs/garage publishes no latest tag, so it cannot be pulled"
    )
    assert verdict.findings[1].suggestion == "v2.1.0"


def test_a_word_tag_gets_the_tag_sharing_its_digest() -> None:
    verdict = check_docker(dependency("python:slim"), PYTHON, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.ERROR, "3.14.7-slim", "python:3.14.7-slim")]


def test_an_invented_image_is_an_unknown_package() -> None:
    missing = ImageFacts(registry="Docker Hub", repository="library/pythn", found=False)
    verdict = check_docker(dependency("pythn:3.12.7"), missing, POLICY)
    assert summary(verdict) == [("unknown-package", Severity.ERROR, None, None)]
    assert verdict.findings[0].message == "pythn: no such image repository on Docker Hub (library/pythn)"
    assert verdict.resolved is None


def test_a_private_or_missing_oci_repository_says_so() -> None:
    hidden = ImageFacts(registry="ghcr.io", repository="example-org/private-app", found=False, private=True)
    verdict = check_docker(dependency("ghcr.io/example-org/private-app:1.4.2"), hidden, POLICY)
    assert verdict.findings[0].rule == "unknown-package"
    assert verdict.findings[0].message == (
        "ghcr.io/example-org/private-app: not found or private on ghcr.io (example-org/private-app)"
    )


def test_an_unknown_image_keeps_its_static_findings() -> None:
    missing = ImageFacts(registry="Docker Hub", repository="library/pythn", found=False)
    verdict = check_docker(dependency("pythn:latest"), missing, POLICY)
    assert [f.rule for f in verdict.findings] == ["latest-tag", "unknown-package"]


def test_a_tag_never_published_is_an_unknown_version_with_the_nearest_tag() -> None:
    verdict = check_docker(dependency("python:3.12.99-slim"), PYTHON, POLICY)
    assert summary(verdict) == [("unknown-version", Severity.ERROR, "3.12.7-slim", "python:3.12.7-slim")]
    assert verdict.findings[0].message == (
        "python:3.12.99-slim is not a published tag of library/python on Docker Hub; "
        "the nearest published tag is 3.12.7-slim"
    )
    assert verdict.resolved is None


def test_a_pre_release_pin_is_a_warning_pointing_at_a_stable_tag() -> None:
    verdict = check_docker(dependency("python:3.13.0rc2-slim"), PYTHON, POLICY)
    assert summary(verdict) == [("prerelease", Severity.WARNING, "3.14.7-slim", "python:3.14.7-slim")]
    assert verdict.findings[0].message == "python:3.13.0rc2-slim is a pre-release (rc2); use 3.14.7-slim"
    assert verdict.resolved == "3.13.0rc2-slim"


def test_an_older_exact_tag_is_outdated_information() -> None:
    dated = ImageFacts(
        registry="Docker Hub",
        repository="library/python",
        found=True,
        tags={
            **PYTHON.tags,
            "3.12.6-slim": TagInfo("3.12.6-slim", sha("d3"), dt.datetime(2024, 9, 7, tzinfo=dt.UTC)),
            "3.14.7-slim": TagInfo("3.14.7-slim", sha("a2"), dt.datetime(2025, 11, 20, tzinfo=dt.UTC)),
        },
    )
    verdict = check_docker(dependency("python:3.12.6-slim"), dated, POLICY)
    assert summary(verdict) == [("outdated", Severity.INFO, "3.14.7-slim", "python:3.14.7-slim")]
    assert verdict.findings[0].message == (
        "python:3.12.6-slim is behind: 3.14.7-slim is the newest tag of this variant (3 newer tags, 439 days)"
    )
    assert verdict.resolved == "3.12.6-slim"


def test_the_newest_exact_tag_has_no_findings() -> None:
    verdict = check_docker(dependency("python:3.14.7-slim"), PYTHON, POLICY)
    assert verdict == DockerVerdict((), "3.14.7-slim")


def test_a_digest_that_no_new_tag_carries_gets_no_replacement() -> None:
    ghcr = image("astral-sh/uv", ("f1", "0.11.32 0.11 latest"), registry="ghcr.io")
    no_digest = ImageFacts(
        registry="ghcr.io",
        repository="astral-sh/uv",
        found=True,
        tags={**ghcr.tags, "0.11.32": TagInfo("0.11.32")},
    )
    verdict = check_docker(dependency(f"ghcr.io/astral-sh/uv:0.11@{sha('f1')}"), no_digest, POLICY)
    assert summary(verdict) == [("floating-tag", Severity.WARNING, "0.11.32", None)]


def test_without_facts_only_the_static_rules_run() -> None:
    verdict = check_docker(dependency("python:latest"), None, POLICY)
    assert summary(verdict) == [("latest-tag", Severity.ERROR, None, None)]
    assert verdict.resolved is None


def test_an_unresolved_reference_is_not_judged_against_the_registry() -> None:
    unresolved = dependency("python:3.12-slim", unresolved="ARG PY has no value")
    verdict = check_docker(unresolved, PYTHON, POLICY)
    assert summary(verdict) == [("unresolved", Severity.WARNING, None, None)]
