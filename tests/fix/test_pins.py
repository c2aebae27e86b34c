"""How a pin change reads in summaries, commit messages and pull request tables."""

from __future__ import annotations

import pytest

from depcheck.fix.pins import change_text, describe
from depcheck.model import Dependency, Ecosystem, Finding, Location, Role, Severity, SpanRole


def finding(dependency: Dependency, rule: str, suggestion: str, replacement: str) -> Finding:
    return Finding.about(
        dependency, rule, Severity.ERROR, "m", suggestion=suggestion, replacement=replacement
    )


def requirement(text: str, specifier: str, role: SpanRole = SpanRole.REQUIREMENT) -> Dependency:
    location = Location("requirements.txt", 2, 1, None, role)
    return Dependency(Ecosystem.PYPI, "e2b", text, location, specifier=specifier)


@pytest.mark.parametrize(
    ("text", "specifier", "role", "expected"),
    [
        ("e2b>=2.0.0,<3.0.0", "<3.0.0,>=2.0.0", SpanRole.REQUIREMENT, (">=2.0.0,<3.0.0", "2.63.0")),
        ("e2b[extra] >= 2", ">=2", SpanRole.REQUIREMENT, (">= 2", "2.63.0")),
        ("e2b", "", SpanRole.REQUIREMENT, ("(none)", "2.63.0")),
        ("^2.0", ">=2.0,<3.0", SpanRole.VERSION, ("^2.0", "2.63.0")),
    ],
)
def test_requirements_read_as_written(
    text: str, specifier: str, role: SpanRole, expected: tuple[str, str]
) -> None:
    assert (
        change_text(finding(requirement(text, specifier, role), "ranged", "2.63.0", "e2b==2.63.0"))
        == expected
    )


def test_images_read_as_tags_with_short_digests() -> None:
    location = Location("Dockerfile", 1, 6, None, SpanRole.REFERENCE)
    digest = "sha256:" + "ab" * 32
    pinned = Dependency(
        Ecosystem.DOCKER,
        "nginx",
        f"nginx:1.27@{digest}",
        location,
        role=Role.IMAGE,
        tag="1.27",
        digest=digest,
    )
    untagged = Dependency(Ecosystem.DOCKER, "nginx", "nginx", location, role=Role.IMAGE)
    assert change_text(finding(pinned, "floating-tag", f"1.27.3@{digest}", "x")) == (
        "1.27@sha256:abababababab",
        "1.27.3@sha256:abababababab",
    )
    assert describe(finding(untagged, "untagged-image", "1.27.3", "nginx:1.27.3")) == (
        "nginx: (none) -> 1.27.3 (untagged-image)"
    )
