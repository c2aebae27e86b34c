"""SARIF 2.1.0: valid against the official schema, with the fields code scanning relies on."""

from __future__ import annotations

import json
import pathlib
from dataclasses import replace
from typing import Any

import jsonschema
import pytest

from depcheck.formats.sarif import SarifFormatter, artifact_location
from depcheck.model import Finding
from depcheck.report import Report
from depcheck.rules import RULES

SCHEMA = json.loads((pathlib.Path(__file__).parent / "assets" / "sarif-schema-2.1.0.json").read_text("utf-8"))

DOCUMENTED_LEVELS = {
    "unpinned": "error",
    "ranged": "error",
    "untagged-image": "error",
    "latest-tag": "error",
    "floating-tag": "error",
    "unknown-package": "error",
    "unknown-version": "error",
    "yanked": "error",
    "prerelease": "warning",
    "outdated": "note",
    "unresolved": "warning",
    "invalid": "error",
    "registry-error": "error",
}

# The schema declares draft-04; it uses nothing that draft-07 reads differently, so both must agree.
VALIDATORS = [jsonschema.Draft7Validator, jsonschema.Draft4Validator]


def render(report: Report) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(SarifFormatter().render(report))
    return log


@pytest.mark.parametrize("validator", VALIDATORS)
@pytest.mark.parametrize("registry_failed", [False, True])
def test_valid_against_the_schema(
    validator: type[jsonschema.protocols.Validator],
    registry_failed: bool,
    report: Report,
    failed_report: Report,
) -> None:
    log = render(failed_report if registry_failed else report)
    assert [error.message for error in validator(SCHEMA).iter_errors(log)] == []


@pytest.mark.parametrize("validator", VALIDATORS)
def test_the_schema_check_is_not_vacuous(
    validator: type[jsonschema.protocols.Validator], report: Report
) -> None:
    log = render(report)
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(list(validator(SCHEMA).iter_errors(log))) == 2


def test_header_and_driver(report: Report) -> None:
    log = render(report)
    assert log["$schema"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "depcheck",
        "0.1.0",
        "https://github.com/depcheck/depcheck",
    )
    ids = [rule["id"] for rule in driver["rules"]]
    # The documented rules come first, in DESIGN.md's order; rules added later follow them.
    assert ids[: len(DOCUMENTED_LEVELS)] == list(DOCUMENTED_LEVELS)
    assert ids == list(RULES)


def test_rule_descriptor(report: Report) -> None:
    rules = render(report)["runs"][0]["tool"]["driver"]["rules"]
    assert rules[4] == {
        "id": "floating-tag",
        "name": "FloatingTag",
        "shortDescription": {
            "text": "An image tag that moves: a word tag or fewer version parts than the image's most specific tags."
        },
        "fullDescription": {
            "text": "An image tag that moves: a word tag or fewer version parts than the image's most specific "
            "tags. Tags such as `stable`, `alpine`, `3.12-slim` or `20` are re-pointed at new builds. "
            "Use the most specific tag of the same line (`3.12.7-slim`)."
        },
        "help": {
            "text": "Tags such as `stable`, `alpine`, `3.12-slim` or `20` are re-pointed at new builds. "
            "Use the most specific tag of the same line (`3.12.7-slim`).",
            "markdown": "Tags such as `stable`, `alpine`, `3.12-slim` or `20` are re-pointed at new builds. "
            "Use the most specific tag of the same line (`3.12.7-slim`).\n\n"
            "[Documentation](https://github.com/depcheck/depcheck#rule-floating-tag)",
        },
        "helpUri": "https://github.com/depcheck/depcheck#rule-floating-tag",
        "defaultConfiguration": {"level": "error"},
    }
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in rules}
    assert {rule_id: levels[rule_id] for rule_id in DOCUMENTED_LEVELS} == DOCUMENTED_LEVELS


def test_result_with_a_fix(report: Report) -> None:
    results = render(report)["runs"][0]["results"]
    assert [(result["ruleId"], result["ruleIndex"], result["level"]) for result in results] == [
        ("floating-tag", 4, "error"),
        ("unpinned", 0, "error"),
        ("outdated", 9, "note"),
        ("prerelease", 8, "warning"),
        ("invalid", 11, "error"),
    ]
    location = {"uri": "requirements.txt", "uriBaseId": "%SRCROOT%"}
    assert results[1] == {
        "ruleId": "unpinned",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "httpx has no version; pin it to an exact release (use httpx[http2]==0.28.1)"},
        "locations": [
            {"physicalLocation": {"artifactLocation": location, "region": {"startLine": 3, "startColumn": 1}}}
        ],
        "partialFingerprints": {
            "depcheckFinding/v1": "b5b24b0360c3f32e31f776ac58ac761401f6e5dad30f48f94bfd3767a6964bd5"
        },
        "fixes": [
            {
                "description": {"text": "Replace with httpx[http2]==0.28.1"},
                "artifactChanges": [
                    {
                        "artifactLocation": location,
                        "replacements": [
                            {
                                "deletedRegion": {"byteOffset": 40, "byteLength": 12},
                                "insertedContent": {"text": "httpx[http2]==0.28.1"},
                            }
                        ],
                    }
                ],
            }
        ],
        "properties": {
            "ecosystem": "pypi",
            "name": "httpx",
            "current": "httpx[http2]",
            "suggestion": "0.28.1",
            "replacement": "httpx[http2]==0.28.1",
        },
    }


def test_docker_region_and_fix(report: Report) -> None:
    result = render(report)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 6}
    assert result["fixes"][0]["artifactChanges"][0]["replacements"] == [
        {
            "deletedRegion": {"byteOffset": 5, "byteLength": 16},
            "insertedContent": {"text": "python:3.12.7-slim"},
        }
    ]


def test_no_fix_without_a_span_or_a_replacement(report: Report) -> None:
    results = render(report)["runs"][0]["results"]
    prerelease, invalid = results[3], results[4]
    assert "fixes" not in prerelease  # a replacement, but no span to put it in
    assert prerelease["message"] == {
        "text": "pydantic is pinned to the pre-release 2.10.0b1 (use pydantic==2.9.2)"
    }
    assert "fixes" not in invalid
    assert "properties" not in invalid
    assert invalid["message"] == {
        "text": "Expected end or semicolon (after name and no valid version specifier)\n    flask |>=2, <3\n          ^"
    }


def test_registry_failure_marks_the_invocation(failed_report: Report) -> None:
    assert render(failed_report)["runs"][0]["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {
                        "text": "Some references were not verified: a registry could not be reached."
                    },
                }
            ],
        }
    ]


def test_fingerprint_ignores_the_line(findings: dict[str, Finding]) -> None:
    finding = findings["unpinned"]
    moved = replace(finding, location=replace(finding.location, line=30))
    before = render(Report(findings=(finding,)))["runs"][0]["results"][0]["partialFingerprints"]
    after = render(Report(findings=(moved,)))["runs"][0]["results"][0]["partialFingerprints"]
    assert before == after


def test_unknown_rule_has_no_rule_index(findings: dict[str, Finding]) -> None:
    finding = replace(findings["unpinned"], rule="future-rule")
    result = render(Report(findings=(finding,)))["runs"][0]["results"][0]
    assert result["ruleId"] == "future-rule"
    assert "ruleIndex" not in result


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("requirements.txt", {"uri": "requirements.txt", "uriBaseId": "%SRCROOT%"}),
        ("requirements\\dev.txt", {"uri": "requirements/dev.txt", "uriBaseId": "%SRCROOT%"}),
        ("docker/my app/Dockerfile", {"uri": "docker/my%20app/Dockerfile", "uriBaseId": "%SRCROOT%"}),
        ("reqs/50%#1.txt", {"uri": "reqs/50%25%231.txt", "uriBaseId": "%SRCROOT%"}),
        ("/srv/app/requirements.txt", {"uri": "file:///srv/app/requirements.txt"}),
        ("C:\\app\\requirements.txt", {"uri": "file:///C:/app/requirements.txt"}),
    ],
)
def test_artifact_location(file: str, expected: dict[str, str]) -> None:
    assert artifact_location(file) == expected
