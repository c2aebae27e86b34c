"""A small hand-built report shared by the format tests.

Two files, four dependencies, five findings given out of order: an ``unpinned`` requirement with
a fix span, a Docker ``floating-tag``, a ``prerelease`` warning whose fix has no span, an
``outdated`` info, and an ``invalid`` line with no name and a multi-line parser reason.
"""

from __future__ import annotations

import pytest

from depcheck.model import Dependency, Ecosystem, Finding, Location, Severity, Span, SpanRole
from depcheck.report import Checked, Report

HTTPX = Dependency(
    Ecosystem.PYPI,
    "httpx",
    "httpx[http2]",
    Location("requirements.txt", 3, 1, Span(40, 52), SpanRole.REQUIREMENT),
    extras=("http2",),
)
REQUESTS = Dependency(
    Ecosystem.PYPI,
    "requests",
    "requests==2.31.0",
    Location("requirements.txt", 4, 1, Span(53, 69), SpanRole.REQUIREMENT),
    specifier="==2.31.0",
)
PYDANTIC = Dependency(
    Ecosystem.PYPI,
    "pydantic",
    "pydantic==2.10.0b1",
    Location("requirements.txt", 5, 1),
    specifier="==2.10.0b1",
)
PYTHON = Dependency(
    Ecosystem.DOCKER,
    "python",
    "python:3.12-slim",
    Location("Dockerfile", 1, 6, Span(5, 21), SpanRole.REFERENCE),
    repository="library/python",
    tag="3.12-slim",
)

UNPINNED = Finding.about(
    HTTPX,
    "unpinned",
    Severity.ERROR,
    "httpx has no version; pin it to an exact release",
    suggestion="0.28.1",
    replacement="httpx[http2]==0.28.1",
)
FLOATING = Finding.about(
    PYTHON,
    "floating-tag",
    Severity.ERROR,
    "python:3.12-slim is a tag that moves to new builds; use the most specific tag",
    suggestion="3.12.7-slim",
    replacement="python:3.12.7-slim",
)
PRERELEASE = Finding.about(
    PYDANTIC,
    "prerelease",
    Severity.WARNING,
    "pydantic is pinned to the pre-release 2.10.0b1",
    suggestion="2.9.2",
    replacement="pydantic==2.9.2",
)
OUTDATED = Finding.about(
    REQUESTS,
    "outdated",
    Severity.INFO,
    "requests 2.31.0 is 2 releases (310 days) behind 2.32.3",
    suggestion="2.32.3",
    replacement="requests==2.32.3",
)
INVALID = Finding(
    rule="invalid",
    severity=Severity.ERROR,
    location=Location("requirements.txt", 7, 1),
    message="Expected end or semicolon (after name and no valid version specifier)\n    flask |>=2, <3\n          ^",
)


def sample_report(*, registry_failed: bool = False) -> Report:
    return Report(
        files=("requirements.txt", "Dockerfile"),
        dependencies=(
            Checked(HTTPX),
            Checked(REQUESTS, "2.31.0"),
            Checked(PYDANTIC, "2.10.0b1"),
            Checked(PYTHON, "3.12.7-slim"),
        ),
        # Deliberately out of order: every format sorts by file, line, column and rule.
        findings=(INVALID, OUTDATED, UNPINNED, PRERELEASE, FLOATING),
        registry_failed=registry_failed,
    )


@pytest.fixture
def report() -> Report:
    """The sample report, every reference verified."""
    return sample_report()


@pytest.fixture
def failed_report() -> Report:
    """The sample report from a run in which a registry did not answer."""
    return sample_report(registry_failed=True)


@pytest.fixture
def findings() -> dict[str, Finding]:
    """The sample findings by rule id."""
    return {finding.rule: finding for finding in (UNPINNED, FLOATING, PRERELEASE, OUTDATED, INVALID)}


@pytest.fixture
def dependencies() -> dict[str, Dependency]:
    """The sample dependencies by name."""
    return {dependency.name: dependency for dependency in (HTTPX, REQUESTS, PYDANTIC, PYTHON)}
