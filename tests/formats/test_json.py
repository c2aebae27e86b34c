"""The JSON report, version 1, exactly as DESIGN.md specifies it."""

from __future__ import annotations

import json

from depcheck.formats.json import JsonFormatter
from depcheck.model import Dependency, Ecosystem, Location
from depcheck.report import Checked, Report

EXPECTED = {
    "schema_version": 1,
    "tool": {"name": "depcheck", "version": "0.1.0"},
    "summary": {"files": 2, "dependencies": 4, "error": 3, "warning": 1, "info": 1},
    "findings": [
        {
            "rule": "floating-tag",
            "severity": "error",
            "ecosystem": "docker",
            "file": "Dockerfile",
            "line": 1,
            "column": 6,
            "name": "python",
            "current": "python:3.12-slim",
            "message": "python:3.12-slim is a tag that moves to new builds; use the most specific tag",
            "suggestion": "3.12.7-slim",
            "replacement": "python:3.12.7-slim",
        },
        {
            "rule": "unpinned",
            "severity": "error",
            "ecosystem": "pypi",
            "file": "requirements.txt",
            "line": 3,
            "column": 1,
            "name": "httpx",
            "current": "httpx[http2]",
            "message": "httpx has no version; pin it to an exact release",
            "suggestion": "0.28.1",
            "replacement": "httpx[http2]==0.28.1",
        },
        {
            "rule": "outdated",
            "severity": "info",
            "ecosystem": "pypi",
            "file": "requirements.txt",
            "line": 4,
            "column": 1,
            "name": "requests",
            "current": "requests==2.31.0",
            "message": "requests 2.31.0 is 2 releases (310 days) behind 2.32.3",
            "suggestion": "2.32.3",
            "replacement": "requests==2.32.3",
        },
        {
            "rule": "prerelease",
            "severity": "warning",
            "ecosystem": "pypi",
            "file": "requirements.txt",
            "line": 5,
            "column": 1,
            "name": "pydantic",
            "current": "pydantic==2.10.0b1",
            "message": "pydantic is pinned to the pre-release 2.10.0b1",
            "suggestion": "2.9.2",
            "replacement": "pydantic==2.9.2",
        },
        {
            "rule": "invalid",
            "severity": "error",
            "ecosystem": None,
            "file": "requirements.txt",
            "line": 7,
            "column": 1,
            "name": None,
            "current": None,
            "message": "Expected end or semicolon (after name and no valid version specifier)\n"
            "    flask |>=2, <3\n          ^",
            "suggestion": None,
            "replacement": None,
        },
    ],
    "dependencies": [
        {
            "ecosystem": "docker",
            "name": "python",
            "current": "python:3.12-slim",
            "file": "Dockerfile",
            "line": 1,
            "resolved": "3.12.7-slim",
        },
        {
            "ecosystem": "pypi",
            "name": "httpx",
            "current": "httpx[http2]",
            "file": "requirements.txt",
            "line": 3,
            "resolved": None,
        },
        {
            "ecosystem": "pypi",
            "name": "requests",
            "current": "requests==2.31.0",
            "file": "requirements.txt",
            "line": 4,
            "resolved": "2.31.0",
        },
        {
            "ecosystem": "pypi",
            "name": "pydantic",
            "current": "pydantic==2.10.0b1",
            "file": "requirements.txt",
            "line": 5,
            "resolved": "2.10.0b1",
        },
    ],
}


def test_report_matches_version_1(report: Report) -> None:
    assert json.loads(JsonFormatter().render(report)) == EXPECTED


def test_keys_keep_the_documented_order(report: Report) -> None:
    parsed = json.loads(JsonFormatter().render(report))
    assert list(parsed) == ["schema_version", "tool", "summary", "findings", "dependencies"]
    assert list(parsed["summary"]) == ["files", "dependencies", "error", "warning", "info"]
    assert list(parsed["findings"][0]) == [
        "rule",
        "severity",
        "ecosystem",
        "file",
        "line",
        "column",
        "name",
        "current",
        "message",
        "suggestion",
        "replacement",
    ]
    assert list(parsed["dependencies"][0]) == ["ecosystem", "name", "current", "file", "line", "resolved"]


def test_pretty_printed_with_two_spaces_and_a_trailing_newline(report: Report) -> None:
    output = JsonFormatter().render(report)
    assert output.startswith('{\n  "schema_version": 1,\n  "tool": {\n    "name": "depcheck",\n')
    assert output.endswith("\n  ]\n}\n")


def test_non_ascii_is_written_as_is() -> None:
    dependency = Dependency(Ecosystem.DOCKER, "café/app", "café/app:1.0", Location("services/ünï.yml", 2, 12))
    output = JsonFormatter().render(Report(files=("services/ünï.yml",), dependencies=(Checked(dependency),)))
    assert '"file": "services/ünï.yml"' in output
    assert '"current": "café/app:1.0"' in output


def test_empty_report() -> None:
    assert json.loads(JsonFormatter().render(Report())) == {
        "schema_version": 1,
        "tool": {"name": "depcheck", "version": "0.1.0"},
        "summary": {"files": 0, "dependencies": 0, "error": 0, "warning": 0, "info": 0},
        "findings": [],
        "dependencies": [],
    }


def test_the_text_is_exactly_as_before_with_escapes_and_unicode() -> None:
    # Reports are diffed between runs and versions: the bytes stay those of the standard
    # library's json.dumps(indent=2, ensure_ascii=False), escapes included.
    dependency = Dependency(
        Ecosystem.PYPI, "naïve", 'naïve==1.0 ; "\\tab"\t\x01\x7f\u2028', Location("reqs/ü.txt", 1, 1)
    )
    output = JsonFormatter().render(Report(files=("reqs/ü.txt",), dependencies=(Checked(dependency),)))

    assert output == (
        "{\n"
        '  "schema_version": 1,\n'
        '  "tool": {\n'
        '    "name": "depcheck",\n'
        '    "version": "0.1.0"\n'
        "  },\n"
        '  "summary": {\n'
        '    "files": 1,\n'
        '    "dependencies": 1,\n'
        '    "error": 0,\n'
        '    "warning": 0,\n'
        '    "info": 0\n'
        "  },\n"
        '  "findings": [],\n'
        '  "dependencies": [\n'
        "    {\n"
        '      "ecosystem": "pypi",\n'
        '      "name": "naïve",\n'
        '      "current": "naïve==1.0 ; \\"\\\\tab\\"\\t\\u0001\x7f\u2028",\n'
        '      "file": "reqs/ü.txt",\n'
        '      "line": 1,\n'
        '      "resolved": null\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_a_name_that_is_not_valid_unicode_is_still_rendered() -> None:
    # A file name with undecodable bytes reaches the report as a lone surrogate; the report keeps
    # it (writing it out is the caller's business), as it always has.
    dependency = Dependency(Ecosystem.DOCKER, "app", "app:1.0", Location("bad\udcff.yml", 2, 12))

    output = JsonFormatter().render(Report(files=("bad\udcff.yml",), dependencies=(Checked(dependency),)))

    assert '"file": "bad\udcff.yml"' in output
    assert output.endswith("\n  ]\n}\n")
