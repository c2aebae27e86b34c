"""GitHub Actions annotations, escaped as the runner expects."""

from __future__ import annotations

from dataclasses import replace

from depcheck.formats.github import GithubFormatter, annotation, escape_data, escape_property
from depcheck.model import Finding, Location
from depcheck.report import Report

EXPECTED = """\
::error file=Dockerfile,line=1,col=6,title=depcheck floating-tag::python:3.12-slim is a tag that moves to new builds; use the most specific tag (use python:3.12.7-slim)
::error file=requirements.txt,line=3,col=1,title=depcheck unpinned::httpx has no version; pin it to an exact release (use httpx[http2]==0.28.1)
::notice file=requirements.txt,line=4,col=1,title=depcheck outdated::requests 2.31.0 is 2 releases (310 days) behind 2.32.3 (use requests==2.32.3)
::warning file=requirements.txt,line=5,col=1,title=depcheck prerelease::pydantic is pinned to the pre-release 2.10.0b1 (use pydantic==2.9.2)
::error file=requirements.txt,line=7,col=1,title=depcheck invalid::Expected end or semicolon (after name and no valid version specifier)%0A    flask |>=2, <3%0A          ^
depcheck: 2 files, 4 dependencies: 3 errors, 1 warning, 1 info
"""


def test_annotations(report: Report) -> None:
    assert GithubFormatter().render(report) == EXPECTED


def test_registry_failure_line(failed_report: Report) -> None:
    assert GithubFormatter().render(failed_report).splitlines()[-2:] == [
        "depcheck: 2 files, 4 dependencies: 3 errors, 1 warning, 1 info",
        "depcheck: Some references were not verified: a registry could not be reached.",
    ]


def test_no_findings() -> None:
    assert GithubFormatter().render(Report(files=("requirements.txt",))) == (
        "depcheck: No problems found in 1 file (0 dependencies).\n"
    )


def test_escaping() -> None:
    assert escape_data("100% sure: a, b\r\nc") == "100%25 sure: a, b%0D%0Ac"
    assert escape_property("100% sure: a, b\r\nc") == "100%25 sure%3A a%2C b%0D%0Ac"


def test_properties_are_escaped_in_an_annotation(findings: dict[str, Finding]) -> None:
    finding = replace(
        findings["unpinned"],
        location=Location("deps\\a,b:c.txt", 2, 4),
        message="50% of x, y: no version",
    )
    assert annotation(finding) == (
        "::error file=deps/a%2Cb%3Ac.txt,line=2,col=4,title=depcheck unpinned::"
        "50%25 of x, y: no version (use httpx[http2]==0.28.1)"
    )
