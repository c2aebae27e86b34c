"""GitLab code-quality report fields."""

from __future__ import annotations

import json
from dataclasses import replace

from depcheck.formats.gitlab import GitlabFormatter
from depcheck.model import Finding, Location
from depcheck.report import Report


def test_issues(report: Report) -> None:
    output = GitlabFormatter().render(report)
    assert output.endswith("]\n")
    issues = json.loads(output)
    assert issues[1] == {
        "description": "httpx has no version; pin it to an exact release (use httpx[http2]==0.28.1)",
        "check_name": "unpinned",
        "fingerprint": "b5b24b0360c3f32e31f776ac58ac761401f6e5dad30f48f94bfd3767a6964bd5",
        "severity": "major",
        "location": {"path": "requirements.txt", "lines": {"begin": 3}},
    }
    assert [(issue["check_name"], issue["severity"], issue["location"]) for issue in issues] == [
        ("floating-tag", "major", {"path": "Dockerfile", "lines": {"begin": 1}}),
        ("unpinned", "major", {"path": "requirements.txt", "lines": {"begin": 3}}),
        ("outdated", "info", {"path": "requirements.txt", "lines": {"begin": 4}}),
        ("prerelease", "minor", {"path": "requirements.txt", "lines": {"begin": 5}}),
        ("invalid", "major", {"path": "requirements.txt", "lines": {"begin": 7}}),
    ]
    assert issues[0]["fingerprint"] == "77574fbe908214e293ed9dba030cf79c97ea27e2766602ccbc294c5f2186d46e"
    assert issues[4]["fingerprint"] == "3809f6920d3c28f99c05b468bd93a13f1fa58b00f33b7190bae0443d60c88f83"


def test_fingerprints_are_unique_within_a_report(findings: dict[str, Finding]) -> None:
    first = findings["unpinned"]
    # The same unpinned requirement twice in one file, say in two extras groups.
    second = replace(first, location=replace(first.location, line=9))
    issues = json.loads(GitlabFormatter().render(Report(findings=(second, first))))
    assert issues[0]["location"]["lines"]["begin"] == 3
    assert issues[0]["fingerprint"] == "b5b24b0360c3f32e31f776ac58ac761401f6e5dad30f48f94bfd3767a6964bd5"
    assert issues[1]["fingerprint"] != issues[0]["fingerprint"]


def test_windows_paths_use_slashes(findings: dict[str, Finding]) -> None:
    finding = replace(findings["unpinned"], location=Location("requirements\\dev.txt", 2))
    assert json.loads(GitlabFormatter().render(Report(findings=(finding,))))[0]["location"] == {
        "path": "requirements/dev.txt",
        "lines": {"begin": 2},
    }


def test_no_findings() -> None:
    assert GitlabFormatter().render(Report()) == "[]\n"
